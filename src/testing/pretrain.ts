/**
 * One generated case run end to end, small enough for a property test: dataset → λ0 → initial network →
 * step η = fraction × stability limit → full-batch GD with checkpoints → per-checkpoint features, feature
 * geometry, distance to the hull and a pruner's measured subnetwork. All randomness comes from the case's
 * seed through `Rng`, so a case replays bit for bit on the same backend.
 */
import type { DataTensors } from '../data/tensors';
import { toTensors } from '../data/tensors';
import type { Dataset } from '../data/types';
import { featureGeometry, type FeatureGeometry } from '../kernel/geometry';
import { kernelSpectrum } from '../kernel/gram';
import { hullDistance } from '../kernel/hull';
import { disposeNeuronFeatures, neuronFeatures } from '../model/features';
import { initNetwork } from '../model/init';
import { stabilityInfo, type StabilityInfo } from '../model/stability';
import { DivergenceError, logSpacedCheckpoints, trainNetwork, type Checkpoint } from '../model/train';
import type { TwoLayerWeights } from '../model/types';
import { subnetworkLoss } from '../pruning/subnetwork';
import type { NeuronFeatures, PruneInput, Pruner } from '../pruning/types';
import { checkPruneResult } from '../pruning/validate';
import { Rng } from '../rng';
import { buildDataset } from './arbitraries/dataset-spec';
import { parsePruningCase, type PruningCase } from './arbitraries/pruning-case';

export interface PretrainOptions {
  /** Iterations t ∈ [0, T] at which to keep the weights; default `checkpointCount` log-spaced points. */
  checkpoints?: number[];
  /** Number of log-spaced checkpoints when `checkpoints` is not given (default 6, including 0 and T). */
  checkpointCount?: number;
  /** Compute λ0 = λ_min(H∞) (default true; a singular H∞ gives null). */
  lambda0?: boolean;
}

export interface DivergenceInfo {
  step: number;
  residual: number;
  message: string;
}

export interface PretrainedCase {
  readonly case: PruningCase;
  readonly data: Dataset;
  /** The dataset on the backend (x, xᵀ, y); freed by `dispose`. */
  readonly tensors: DataTensors;
  /** λ0 = λ_min(H∞); null when not computed or H∞ is numerically singular (H3 fails). */
  readonly lambda0: number | null;
  readonly initial: TwoLayerWeights;
  readonly stability: StabilityInfo;
  /** The configured step η (in the units of the parameterisation): stepFraction × stability.limit. */
  readonly eta: number;
  /**
   * The NTK-equivalent step that B1 and T* use: η for 'ntk', η/m for 'meanfield' (GD on L = R/(2m) with
   * step ηN moves u by (η/m)·H(t)(u − y); see RunResult.etaEffective).
   */
  readonly etaEffective: number;
  readonly initialResidual: number;
  /** R(t) for t = 0..T; null when GD diverged (the checkpoints before divergence are kept). */
  readonly residuals: Float64Array | null;
  readonly checkpoints: Checkpoint[];
  readonly divergence: DivergenceInfo | null;
  dispose(): void;
}

const DEFAULT_CHECKPOINTS = 6;

function planCheckpoints(T: number, opts: PretrainOptions): number[] {
  if (opts.checkpoints) return [...new Set(opts.checkpoints)].sort((a, b) => a - b);
  return logSpacedCheckpoints(T, Math.max(2, opts.checkpointCount ?? DEFAULT_CHECKPOINTS));
}

function safeLambda0(data: Dataset): number | null {
  try {
    return kernelSpectrum(data, { certify: false }).lambda0;
  } catch {
    return null; // H∞ singular: parallel inputs, H3 fails
  }
}

/** Pre-trains the network of `c`; the caller must `dispose()` the result (or use `withPretrainedCase`). */
export function pretrainCase(c: PruningCase, opts: PretrainOptions = {}): PretrainedCase {
  parsePruningCase(c, 'pretrainCase'); // a hand-written case gets the same checks as a stored one
  const data = buildDataset(c.dataset);
  const lambda0 = opts.lambda0 === false ? null : safeLambda0(data);
  const initial = initNetwork({
    parameterisation: c.parameterisation,
    width: c.width,
    inputDim: data.d,
    outputs: data.outputs,
    rng: new Rng(c.dataset.seed).fork('init'),
  });
  const tensors = toTensors(data);
  try {
    const stability = stabilityInfo(initial, tensors);
    // K(0) = 0 (no neuron active anywhere) gives an infinite limit: any step is stable, and none moves u.
    const eta = Number.isFinite(stability.limit) ? c.stepFraction * stability.limit : c.stepFraction;
    const etaEffective = c.parameterisation === 'ntk' ? eta : eta / data.m;
    const checkpoints: Checkpoint[] = [];
    let residuals: Float64Array | null = null;
    let divergence: DivergenceInfo | null = null;
    try {
      const trained = trainNetwork(initial, tensors, {
        eta,
        iterations: c.iterations,
        checkpoints: planCheckpoints(c.iterations, opts),
        stability,
        onCheckpoint: (cp) => checkpoints.push(cp),
      });
      residuals = trained.residuals;
    } catch (e) {
      if (!(e instanceof DivergenceError)) throw e;
      divergence = { step: e.step, residual: e.residual, message: e.message };
    }
    const initialResidual = residuals?.[0] ?? checkpoints[0]?.residual ?? NaN;
    return {
      case: c,
      data,
      tensors,
      lambda0,
      initial,
      stability,
      eta,
      etaEffective,
      initialResidual,
      residuals,
      checkpoints,
      divergence,
      dispose: () => tensors.dispose(),
    };
  } catch (e) {
    tensors.dispose();
    throw e;
  }
}

/** Runs `fn` on the pre-trained case and frees its tensors afterwards, whatever happens. */
export async function withPretrainedCase<T>(c: PruningCase, opts: PretrainOptions, fn: (p: PretrainedCase) => T | Promise<T>): Promise<T> {
  const pretrained = pretrainCase(c, opts);
  try {
    return await fn(pretrained);
  } finally {
    pretrained.dispose();
  }
}

/** Runs `fn` on the neuron features of `weights` on the case's inputs, then frees them. */
export async function withFeatures<T>(p: PretrainedCase, weights: TwoLayerWeights, fn: (features: NeuronFeatures) => T | Promise<T>): Promise<T> {
  const features = neuronFeatures(weights, p.tensors.x);
  try {
    return await fn(features);
  } finally {
    disposeNeuronFeatures(features);
  }
}

export interface HullMeasurement {
  /** Upper bound on dist(y, hull)² (the solver's best value). */
  distanceSq: number;
  /** Certified lower bound on dist(y, hull)². */
  lowerBound: number;
  tolerance: number;
  /** Certified inside: distanceSq ≤ tolerance. */
  inside: boolean;
  /** Certified outside: lowerBound > tolerance. */
  outside: boolean;
}

/**
 * Absolute tolerance on dist(y, hull)²: the `verify` default, 1e-6 of the normalised loss scale (·2m).
 * The hull test is then as strict as the experiment's.
 */
export function hullTolerance(m: number): number {
  return 1e-6 * 2 * m;
}

/** dist(y, conv{Φ_r})² with certified bounds (FISTA + duality gap, src/kernel/hull.ts). */
export function measureHull(features: NeuronFeatures, p: PretrainedCase, maxIterations = 5000): HullMeasurement {
  const tolerance = hullTolerance(p.data.m);
  const h = hullDistance(features, p.tensors.y, { tolerance, maxIterations });
  return { distanceSq: h.distanceSq, lowerBound: h.lowerBound, tolerance, inside: h.distanceSq <= tolerance, outside: h.lowerBound > tolerance };
}

export function measureGeometry(features: NeuronFeatures, p: PretrainedCase): FeatureGeometry {
  return featureGeometry(features, p.tensors.y);
}

export interface MeasuredSelection {
  selection: number[];
  /** ‖f_S − y‖², unnormalised like R(t) and the bounds. */
  residual: number;
  /** ‖f_S − y‖²/(2m). */
  loss: number;
}

/** The input a pruner sees for this case at these features (seed: the case's seed). */
export function pruneInput(p: PretrainedCase, features: NeuronFeatures, weights: TwoLayerWeights, n = p.case.n): PruneInput {
  return { features, targets: p.tensors.y, weights, n, seed: p.case.dataset.seed };
}

/** Runs `pruner`, checks its result's contract, and measures the selected subnetwork (never trusting the pruner's own losses). */
export async function pruneAndMeasure(pruner: Pruner, input: PruneInput): Promise<MeasuredSelection> {
  const result = checkPruneResult(await pruner.prune(input), input, pruner.name);
  const loss = subnetworkLoss(input.features, input.targets, result.selection);
  return { selection: result.selection, loss, residual: loss * 2 * input.features.m };
}
