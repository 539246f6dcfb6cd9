/**
 * One generated case run end to end, small enough for a property test: dataset → λ0 → initial network →
 * step η = fraction × stability limit → full-batch GD with checkpoints → per-checkpoint features, feature
 * geometry, distance to the hull and a pruner's measured subnetwork. All randomness comes from the case's
 * seed through `Rng`, so a case replays bit for bit on the same backend.
 */
import { featureGeometry, type FeatureGeometry } from '../kernel/geometry';
import { hullDistance } from '../kernel/hull';
import { disposeNeuronFeatures, neuronFeatures } from '../model/features';
import { logSpacedCheckpoints } from '../model/train';
import type { NeuronFeatures, TwoLayerWeights } from '../model/types';
import { subnetworkLoss } from '../pruning/subnetwork';
import type { PruneInput, Pruner } from '../pruning/types';
import { checkPruneResult } from '../pruning/validate';
import { pretrain, type PretrainedRun, type PretrainSpec } from '../pipeline/pretrain';
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

export type { DivergenceInfo } from '../pipeline/pretrain';

/** A generated case pre-trained by the one pipeline (src/pipeline/pretrain.ts). */
export interface PretrainedCase extends PretrainedRun {
  readonly case: PruningCase;
}

const DEFAULT_CHECKPOINTS = 6;

function planCheckpoints(T: number, opts: PretrainOptions): number[] {
  if (opts.checkpoints) return [...new Set(opts.checkpoints)].sort((a, b) => a - b);
  return logSpacedCheckpoints(T, Math.max(2, opts.checkpointCount ?? DEFAULT_CHECKPOINTS));
}

/** The pipeline's spec for a generated case: η a fraction of the stability limit, divergence recorded. */
export function caseSpec(c: PruningCase, opts: PretrainOptions = {}): PretrainSpec {
  return {
    data: buildDataset(c.dataset),
    parameterisation: c.parameterisation,
    width: c.width,
    seed: c.dataset.seed,
    step: { fractionOfLimit: c.stepFraction },
    iterations: c.iterations,
    checkpoints: planCheckpoints(c.iterations, opts),
    lambda0: opts.lambda0 === false ? 'skip' : 'estimate',
    onDivergence: 'record',
  };
}

/** Pre-trains the network of `c`; the caller must `dispose()` the result (or use `withPretrainedCase`). */
export async function pretrainCase(c: PruningCase, opts: PretrainOptions = {}): Promise<PretrainedCase> {
  parsePruningCase(c, 'pretrainCase'); // a hand-written case gets the same checks as a stored one
  return Object.assign(await pretrain(caseSpec(c, opts)), { case: c });
}

/** Runs `fn` on the pre-trained case and frees its tensors afterwards, whatever happens. */
export async function withPretrainedCase<T>(
  c: PruningCase,
  opts: PretrainOptions,
  fn: (p: PretrainedCase) => T | Promise<T>,
): Promise<T> {
  const pretrained = await pretrainCase(c, opts);
  try {
    return await fn(pretrained);
  } finally {
    pretrained.dispose();
  }
}

/** Runs `fn` on the neuron features of `weights` on the case's inputs, then frees them. */
export async function withFeatures<T>(
  p: PretrainedCase,
  weights: TwoLayerWeights,
  fn: (features: NeuronFeatures) => T | Promise<T>,
): Promise<T> {
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
export async function measureHull(
  features: NeuronFeatures,
  p: PretrainedCase,
  maxIterations = 5000,
): Promise<HullMeasurement> {
  const tolerance = hullTolerance(p.data.m);
  const h = await hullDistance(features, p.tensors.y, { tolerance, maxIterations });
  return {
    distanceSq: h.distanceSq,
    lowerBound: h.lowerBound,
    tolerance,
    inside: h.distanceSq <= tolerance,
    outside: h.lowerBound > tolerance,
  };
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
export function pruneInput(
  p: PretrainedCase,
  features: NeuronFeatures,
  weights: TwoLayerWeights,
  n = p.case.n,
): PruneInput {
  return { features, targets: p.tensors.y, weights, n, seed: p.spec.seed };
}

/** Runs `pruner`, checks its result's contract, and measures the selected subnetwork (never trusting the pruner's own losses). */
export async function pruneAndMeasure(pruner: Pruner, input: PruneInput): Promise<MeasuredSelection> {
  const result = checkPruneResult(await pruner.prune(input), input, pruner.name);
  const loss = subnetworkLoss(input.features, input.targets, result.selection);
  return { selection: result.selection, loss, residual: loss * 2 * input.features.m };
}
