/**
 * Measurement at one checkpoint (THEORY.md §5): feature geometry, distance to the hull, B4's ball, every pruner
 * at every n. Everything reported is measured here, on the subnetworks actually selected — never taken from
 * what a pruner says about itself; what a pruner says (its multiset size, its losses, greedy's pick scores) is
 * kept beside the measurement so the checks can compare the two.
 */
import { tf, tidyRead, type Tensor2D } from '../backend/tf';
import type { Dataset } from '../data/types';
import { featureGeometry, type FeatureGeometry } from '../kernel/geometry';
import { finiteWidthGram } from '../kernel/gram';
import { symmetricExtremeEigenvalues } from '../kernel/eigen';
import { hullDistance } from '../kernel/hull';
import { neuronFeatures, disposeNeuronFeatures } from '../model/features';
import type { Engine } from '../engine/types';
import type { NeuronFeatures, TwoLayerWeights } from '../model/types';
import { checkPruneResult } from '../pruning/validate';
import { classificationAccuracy, selectionSummary, subnetworkLoss, subnetworkOutput } from '../pruning/subnetwork';
import type { PruneResult, Pruner } from '../pruning/types';
import { Rng } from '../rng';
import { featuresAt, hullProductsOn } from './features';
import { sumSquares } from '../linalg/vector';
import type { CheckpointMeasurement, PrunerMeasurement, SubnetworkMeasurement } from './types';

export interface CheckpointContext {
  /** The run's engine, which computes the training features (absent: tfjs). */
  engine?: Engine;
  data: Dataset;
  x: Tensor2D;
  y: Tensor2D;
  /** Held-out inputs and classes (classification only). */
  heldOut: { x: Tensor2D; classes: Int32Array } | null;
  pruners: Pruner[];
  subnetworkSizes: number[];
  /** Absolute tolerance on the squared hull distance. */
  hullTolerance: number;
  /** Cap on the hull solver's iterations; it stops earlier once membership is certified either way. */
  hullMaxIterations: number;
  /** Compute λ_min(H(t)) only when m ≤ this. */
  maxKernelM: number;
  /** Check B4's ball through the support function (random directions and ±(y − u)). */
  ballSupport: boolean;
  seed: number;
  initialResidual: number;
  /** The previous checkpoint's hull weights: features move little between checkpoints, so a warm start saves iterations. */
  hullStart?: Float64Array;
}

/** What a pruner said about its own result, kept for the checks (INV-size, INV-greedy-identity). */
export interface PrunerTrace {
  pruner: string;
  /** Requested size → the multiset size the pruner returned, before any validation. */
  returnedSizes: { n: number; size: number }[];
  /** The losses the pruner reported for the largest n (normalised). */
  reportedLosses: number[];
  /** Prefix losses predicted from the pruner's pick scores by greedy's scoring identity; null without scores. */
  predictedLosses: number[] | null;
  /** The selection at the largest n. */
  selection: number[];
}

/** B4 through the support function: min over the checked unit directions v of max_r ⟨Φ_r − u, v⟩ − ρ_t. */
export interface BallSupport {
  /** Smallest support − ρ_t over the directions (≥ −tolerance when the ball lies inside the hull). */
  margin: number;
  /** The direction attaining it. */
  direction: string;
  /** Float64 rounding allowance on the support values. */
  tolerance: number;
}

export interface CheckpointOutcome {
  record: CheckpointMeasurement;
  pruners: PrunerTrace[];
  ballSupport: BallSupport | null;
  /** The hull solver's convex weights, to warm-start the next checkpoint. */
  hullWeights: Float64Array;
}

export async function measureCheckpoint(
  t: number,
  residual: number,
  weights: TwoLayerWeights,
  ctx: CheckpointContext,
): Promise<CheckpointOutcome> {
  const features = await featuresAt(weights, ctx);
  // Held-out features stay on tfjs: a second data shape would evict the engine's cached training sessions.
  const heldFeatures = ctx.heldOut ? neuronFeatures(weights, ctx.heldOut.x) : null;
  try {
    const geometry = featureGeometry(features, ctx.y);
    const products = hullProductsOn(ctx, features, ctx.y);
    const hull = await hullDistance(features, ctx.y, {
      ...(products ? { products } : {}),
      tolerance: ctx.hullTolerance,
      stopWhenDecided: true,
      maxIterations: ctx.hullMaxIterations,
      ...(ctx.hullStart ? { start: ctx.hullStart } : {}),
    });
    const traces: PrunerTrace[] = [];
    const pruners: PrunerMeasurement[] = [];
    for (const pruner of ctx.pruners) {
      const outcome = await runPruner(pruner, features, heldFeatures, weights, ctx);
      pruners.push(outcome.measurement);
      traces.push(outcome.trace);
    }
    const { m } = ctx.data;
    const classes = ctx.data.classes;
    const denseAccuracy = classes ? tf.tidy(() => classificationAccuracy(denseFromFeatures(features), classes)) : null;
    const record: CheckpointMeasurement = {
      t,
      residual,
      denseLoss: residual / (2 * m),
      denseAccuracy,
      contractionRate:
        t > 0 && ctx.initialResidual > 0 && residual > 0 ? -Math.log(residual / ctx.initialResidual) / t : null,
      gramLambdaMin: m <= ctx.maxKernelM ? symmetricExtremeEigenvalues(finiteWidthGram(weights, ctx.data)).min : null,
      diameter: geometry.diameter,
      diameterToTarget: geometry.diameterToTarget,
      rho: geometry.rho,
      ballVoid: geometry.ballVoid,
      hull: {
        distanceSq: hull.distanceSq,
        lowerBound: hull.lowerBound,
        gap: hull.gap,
        inside: hull.distanceSq <= ctx.hullTolerance,
        iterations: hull.iterations,
      },
      pruners,
    };
    const ball =
      ctx.ballSupport && !geometry.ballVoid && geometry.rho > 0 ? ballSupport(features, ctx, geometry, t) : null;
    return { record, pruners: traces, ballSupport: ball, hullWeights: hull.weights };
  } finally {
    disposeNeuronFeatures(features);
    if (heldFeatures) disposeNeuronFeatures(heldFeatures);
  }
}

/** u = (1/N) Σ_r Φ_r = A·V/N. */
function denseFromFeatures(features: NeuronFeatures): Tensor2D {
  return tf.div(tf.matMul(features.activations, features.outWeights), features.width) as Tensor2D;
}

/** The pruner's raw multiset size, read before validation can reject it (INV-size must see it). */
function returnedSize(result: unknown): number | null {
  const selection = (result as { selection?: unknown } | null)?.selection;
  return Array.isArray(selection) || ArrayBuffer.isView(selection) ? (selection as ArrayLike<number>).length : null;
}

async function callPruner(
  pruner: Pruner,
  features: NeuronFeatures,
  weights: TwoLayerWeights,
  n: number,
  ctx: CheckpointContext,
) {
  const input = { features, targets: ctx.y, weights, n, seed: ctx.seed };
  const raw: unknown = await pruner.prune(input);
  const size = returnedSize(raw);
  // A wrong size is INV-size's finding, with the numbers: validate the rest against the size returned.
  const result = checkPruneResult(raw, size !== null && size > 0 ? { ...input, n: size } : input, pruner.name);
  return { result, size: size ?? result.selection.length };
}

async function runPruner(
  pruner: Pruner,
  features: NeuronFeatures,
  heldFeatures: NeuronFeatures | null,
  weights: TwoLayerWeights,
  ctx: CheckpointContext,
): Promise<{ measurement: PrunerMeasurement; trace: PrunerTrace }> {
  const sizes = [...ctx.subnetworkSizes].sort((a, b) => a - b);
  const nMax = sizes[sizes.length - 1];
  const started = performance.now();
  // Prefix-consistent pruners (all built-ins) are asked once for the largest n; others once per n.
  const calls = pruner.prefixConsistent ? [nMax] : sizes;
  const selectionsByN = new Map<number, number[]>();
  const returnedSizes: { n: number; size: number }[] = [];
  let full: PruneResult = { selection: [], lossPerStep: [] };
  for (const n of calls) {
    const { result, size } = await callPruner(pruner, features, weights, n, ctx);
    selectionsByN.set(n, result.selection);
    if (!pruner.prefixConsistent) returnedSizes.push({ n, size });
    if (n === nMax) full = result;
  }
  const ms = performance.now() - started;
  const subnetworks = sizes.map((n): SubnetworkMeasurement => {
    const selection = selectionsByN.get(n) ?? full.selection.slice(0, n);
    if (pruner.prefixConsistent) returnedSizes.push({ n, size: selection.length });
    const summary = selectionSummary(selection);
    return {
      n,
      loss: subnetworkLoss(features, ctx.y, selection),
      accuracy: ctx.data.classes ? accuracyOf(features, selection, ctx.data.classes) : null,
      heldOutAccuracy: heldFeatures && ctx.heldOut ? accuracyOf(heldFeatures, selection, ctx.heldOut.classes) : null,
      size: summary.size,
      distinct: summary.distinct,
    };
  });
  const predictedLosses = full.pickScores
    ? predictedPrefixLosses(features, ctx.y, full.selection, full.pickScores)
    : null;
  return {
    measurement: { pruner: pruner.name, subnetworks, ms },
    trace: {
      pruner: pruner.name,
      returnedSizes,
      reportedLosses: full.lossPerStep,
      predictedLosses,
      selection: full.selection,
    },
  };
}

function accuracyOf(features: NeuronFeatures, selection: number[], classes: Int32Array): number {
  const output = subnetworkOutput(features, selection);
  try {
    return classificationAccuracy(output, classes);
  } finally {
    output.dispose();
  }
}

/**
 * Greedy's scoring identity (THEORY.md §2), run forward from the pick scores alone. With s_k = Σ_{i≤k} Φ_{r_i},
 * P_k = ‖s_k − k·y‖² and b_r = ⟨Φ_r, y⟩:  P_{k+1} = score_{r_k} + P_k − 2(⟨s_k, y⟩ − k‖y‖²) + ‖y‖², and the
 * prefix loss is P_k / (k²·2m). Only the scores come from the pruner; b and ‖y‖² are recomputed here.
 */
function predictedPrefixLosses(features: NeuronFeatures, y: Tensor2D, selection: number[], scores: number[]): number[] {
  const [projections] = tidyRead(() => [tf.sum(tf.mul(tf.matMul(features.activationsT, y), features.outWeights), 1)]);
  const ySq = sumSquares(y.dataSync());
  const twoM = 2 * features.m;
  const losses: number[] = [];
  let p = 0;
  let sy = 0;
  for (let k = 0; k < selection.length; k++) {
    p = scores[k] + p - 2 * (sy - k * ySq) + ySq;
    sy += projections[selection[k]];
    losses.push(p / ((k + 1) ** 2 * twoM));
  }
  return losses;
}

/** Seeded random unit directions, plus ±(y − u): the direction B4's consequence "R(t) < ρ² ⇒ y ∈ hull" rests on. */
const BALL_RANDOM_DIRECTIONS = 16;
/** ρ_t and the support values are float64 computations on the same float32 features: 1e-6 relative is rounding with a wide margin. */
const BALL_RELATIVE_TOLERANCE = 1e-6;

function ballSupport(features: NeuronFeatures, ctx: CheckpointContext, g: FeatureGeometry, t: number): BallSupport {
  // Plain reads: these tensors belong to the caller and must not pass through tidy's disposal.
  const A = features.activations.dataSync() as Float32Array;
  const V = features.outWeights.dataSync() as Float32Array;
  const Y = ctx.y.dataSync() as Float32Array;
  const { m, width: N, outputs: C } = features;
  const dim = m * C;
  const u = new Float64Array(dim);
  for (let j = 0; j < m; j++) {
    for (let r = 0; r < N; r++) {
      const a = A[j * N + r];
      if (a !== 0) for (let c = 0; c < C; c++) u[j * C + c] += (a * V[r * C + c]) / N;
    }
  }
  const toY = Float64Array.from(u, (uj, i) => Y[i] - uj);
  const rng = new Rng(ctx.seed).fork(`b4-directions-${t}`);
  const directions: [string, Float64Array][] = [];
  for (let k = 0; k < BALL_RANDOM_DIRECTIONS; k++)
    directions.push([`random direction #${k}`, Float64Array.from(rng.normalArray(dim))]);
  directions.push(['+(y − u)', toY], ['−(y − u)', toY.map((v) => -v)]);
  let worst: BallSupport = {
    margin: Infinity,
    direction: 'none',
    tolerance: BALL_RELATIVE_TOLERANCE * g.maxCentredNorm,
  };
  const usable = directions.filter(([, raw]) => sumSquares(raw) > 0);
  const supports = supportsAboveCentroid(
    A,
    V,
    { m, N, C },
    usable.map(([, raw]) => raw),
  );
  usable.forEach(([name], k) => {
    const margin = supports[k] - g.rho;
    if (margin < worst.margin) worst = { ...worst, margin, direction: name };
  });
  return worst;
}

/**
 * max_r ⟨Φ_r − u, v_k/‖v_k‖⟩ for every direction v_k, with Φ_r[j·C + c] = A[j, r]·V[r, c], in float64 and one
 * pass over A: ⟨Φ_r, v⟩ = Σ_c V[r, c]·(Aᵀ v_{·,c})_r, and the K·C products of row j are one contiguous update.
 */
function supportsAboveCentroid(
  A: Float32Array,
  V: Float32Array,
  { m, N, C }: { m: number; N: number; C: number },
  directions: Float64Array[],
): number[] {
  const width = directions.length * C;
  const projected = new Float64Array(N * width); // [r][k][c] = Σ_j A[j, r]·v_k[j, c]
  const row = new Float64Array(width);
  for (let j = 0; j < m; j++) {
    for (let k = 0; k < directions.length; k++) for (let c = 0; c < C; c++) row[k * C + c] = directions[k][j * C + c];
    for (let r = 0; r < N; r++) {
      const a = A[j * N + r];
      if (a === 0) continue;
      const offset = r * width;
      for (let i = 0; i < width; i++) projected[offset + i] += a * row[i];
    }
  }
  return directions.map((v, k) => {
    const values = new Float64Array(N);
    for (let r = 0; r < N; r++) {
      let s = 0;
      for (let c = 0; c < C; c++) s += V[r * C + c] * projected[r * width + k * C + c];
      values[r] = s;
    }
    let mean = 0;
    for (let r = 0; r < N; r++) mean += values[r];
    mean /= N;
    let best = -Infinity;
    for (let r = 0; r < N; r++) best = Math.max(best, values[r] - mean);
    return best / Math.sqrt(sumSquares(v));
  });
}
