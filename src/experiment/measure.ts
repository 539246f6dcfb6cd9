/**
 * Measurement at one checkpoint (THEORY.md §5): feature geometry, distance to the hull, every pruner at
 * every n, and the bounds B2 / B2′ on the same numbers. Everything reported is measured here, on the
 * subnetworks actually selected — never taken from what a pruner says about itself.
 */
import { tf, type Tensor2D } from '../backend/tf';
import type { Dataset } from '../data/types';
import { featureGeometry } from '../kernel/geometry';
import { finiteWidthGram } from '../kernel/gram';
import { symmetricExtremeEigenvalues } from '../kernel/eigen';
import { hullDistance } from '../kernel/hull';
import { neuronFeatures, disposeNeuronFeatures } from '../model/features';
import type { TwoLayerWeights } from '../model/types';
import { checkPruneResult } from '../pruning/validate';
import { classificationAccuracy, selectionSummary, subnetworkLoss, subnetworkOutput } from '../pruning/subnetwork';
import type { NeuronFeatures, Pruner } from '../pruning/types';
import { harmonic } from '../../theory';
import type { CheckpointMeasurement, PrunerMeasurement, SubnetworkMeasurement } from './types';

/**
 * Iteration cap of the hull solver per checkpoint. The solver stops as soon as membership is certified
 * either way; a y within rounding of the boundary can stay undecided, and is then reported as not inside
 * (its certified bracket [lowerBound, distanceSq] is in the report).
 */
const HULL_MAX_ITERATIONS = 3000;

export interface CheckpointContext {
  data: Dataset;
  x: Tensor2D;
  y: Tensor2D;
  /** Held-out inputs and classes (classification only). */
  heldOut: { x: Tensor2D; classes: Int32Array } | null;
  pruners: Pruner[];
  subnetworkSizes: number[];
  /** Absolute tolerance on the squared hull distance. */
  hullTolerance: number;
  /** Compute λ_min(H(t)) only when m ≤ this. */
  maxKernelM: number;
  seed: number;
  initialResidual: number;
  /** The previous checkpoint's hull weights: features move little between checkpoints, so a warm start saves iterations. */
  hullStart?: Float64Array;
}

/** What a checkpoint measurement needs to keep besides the report record: greedy's raw losses for invariants. */
export interface CheckpointOutcome {
  record: CheckpointMeasurement;
  /** Pruner name → the full selection at the largest n (for invariant checks and counterexamples). */
  selections: Record<string, number[]>;
  /** Pruner name → the loss curve the pruner itself reported (normalised). */
  reportedLosses: Record<string, number[]>;
  /** The hull solver's convex weights, to warm-start the next checkpoint. */
  hullWeights: Float64Array;
}

export async function measureCheckpoint(t: number, residual: number, weights: TwoLayerWeights, ctx: CheckpointContext): Promise<CheckpointOutcome> {
  const features = neuronFeatures(weights, ctx.x);
  const heldFeatures = ctx.heldOut ? neuronFeatures(weights, ctx.heldOut.x) : null;
  try {
    const geometry = featureGeometry(features, ctx.y);
    const hull = hullDistance(features, ctx.y, { tolerance: ctx.hullTolerance, stopWhenDecided: true, maxIterations: HULL_MAX_ITERATIONS, ...(ctx.hullStart ? { start: ctx.hullStart } : {}) });
    const selections: Record<string, number[]> = {};
    const reportedLosses: Record<string, number[]> = {};
    const pruners: PrunerMeasurement[] = [];
    for (const pruner of ctx.pruners) {
      const outcome = await runPruner(pruner, features, heldFeatures, weights, ctx);
      pruners.push(outcome.measurement);
      selections[pruner.name] = outcome.selection;
      reportedLosses[pruner.name] = outcome.reported;
    }
    const { m } = ctx.data;
    const denseAccuracy = ctx.data.classes ? tf.tidy(() => classificationAccuracy(denseFromFeatures(features), ctx.data.classes!)) : null;
    const record: CheckpointMeasurement = {
      t,
      residual,
      denseLoss: residual / (2 * m),
      denseAccuracy,
      contractionRate: t > 0 && ctx.initialResidual > 0 && residual > 0 ? -Math.log(residual / ctx.initialResidual) / t : null,
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
      boundB2: ctx.subnetworkSizes.map((n) => ({ n, value: residual + (geometry.diameter ** 2 * harmonic(n)) / n })),
      boundB2prime: ctx.subnetworkSizes.map((n) => ({ n, value: geometry.diameterToTarget ** 2 / n })),
    };
    return { record, selections, reportedLosses, hullWeights: hull.weights };
  } finally {
    disposeNeuronFeatures(features);
    if (heldFeatures) disposeNeuronFeatures(heldFeatures);
  }
}

/** u = (1/N) Σ_r Φ_r = A·V/N. */
function denseFromFeatures(features: NeuronFeatures): Tensor2D {
  return tf.div(tf.matMul(features.activations, features.outWeights), features.width) as Tensor2D;
}

async function runPruner(
  pruner: Pruner,
  features: NeuronFeatures,
  heldFeatures: NeuronFeatures | null,
  weights: TwoLayerWeights,
  ctx: CheckpointContext,
): Promise<{ measurement: PrunerMeasurement; selection: number[]; reported: number[] }> {
  const sizes = [...ctx.subnetworkSizes].sort((a, b) => a - b);
  const nMax = sizes[sizes.length - 1];
  const started = performance.now();
  // Prefix-consistent pruners (all built-ins) are asked once for the largest n; others once per n.
  const calls = pruner.prefixConsistent ? [nMax] : sizes;
  const selectionsByN = new Map<number, number[]>();
  let full: number[] = [];
  let reported: number[] = [];
  for (const n of calls) {
    const input = { features, targets: ctx.y, weights, n, seed: ctx.seed };
    const result = checkPruneResult(await pruner.prune(input), input, pruner.name);
    selectionsByN.set(n, result.selection);
    if (n === nMax) {
      full = result.selection;
      reported = result.lossPerStep;
    }
  }
  const ms = performance.now() - started;
  const subnetworks = sizes.map((n): SubnetworkMeasurement => {
    const selection = selectionsByN.get(n) ?? full.slice(0, n);
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
  return { measurement: { pruner: pruner.name, subnetworks, ms }, selection: full, reported };
}

function accuracyOf(features: NeuronFeatures, selection: number[], classes: Int32Array): number {
  const output = subnetworkOutput(features, selection);
  try {
    return classificationAccuracy(output, classes);
  } finally {
    output.dispose();
  }
}
