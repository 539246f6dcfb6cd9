/**
 * The one pre-training pipeline used by `verify` and by the fast-check properties alike (THEORY.md §1, §3):
 * dataset → λ0 → initial network → step size → full-batch GD (or minibatch SGD) with checkpoints. All
 * randomness comes from the run's seed through `Rng`, so a run replays bit for bit on the same engine.
 */
import type { DataTensors } from '../data/tensors';
import { toTensors } from '../data/tensors';
import type { Dataset } from '../data/types';
import { kernelSpectrum } from '../kernel/gram';
import { initNetwork } from '../model/init';
import { stabilityInfo, type StabilityInfo } from '../model/stability';
import type { Engine } from '../engine/types';
import { DivergenceError, trainNetwork, type Checkpoint, type TrainOptions, type TrainResult } from '../model/train';
import type { Parameterisation, TwoLayerWeights } from '../model/types';
import { Rng } from '../rng';

/** η as a number, or as a fraction of the stability limit of this run's initial network (`--eta-rel`). */
export type StepSize = { eta: number } | { fractionOfLimit: number };

export interface PretrainSpec {
  data: Dataset;
  parameterisation: Parameterisation;
  width: number;
  /** Initial weight scale κ (default: the model's default, 1). */
  kappa?: number;
  /** Start from these weights instead of the seeded initialisation (shape and parameterisation as the spec's). */
  initial?: TwoLayerWeights;
  seed: number;
  step: StepSize;
  iterations: number;
  /** Iterations t ∈ [0, T] at which the weights are kept (sorted, unique). */
  checkpoints: number[];
  /** Further iterations whose weights are kept only as starting points for replays (src/pipeline/refine.ts). */
  snapshots?: number[];
  /** Minibatch SGD with this batch size; null or absent: full-batch GD. */
  batchSize?: number | null;
  /**
   * λ0 = λ_min(H∞): 'certified' (proven lower bound; throws when H∞ is singular), 'estimate' (no certificate;
   * a singular H∞ gives null, so H3 reports the failure), or 'skip'.
   */
  lambda0: 'certified' | 'estimate' | 'skip';
  /** 'throw' (verify: a diverging step is bad input) or 'record' (properties: divergence is an outcome). */
  onDivergence: 'throw' | 'record';
  onTrainProgress?: (done: number, total: number) => void;
  /** The engine that runs GD (src/engine); absent: the tfjs reference path (trainNetwork). */
  engine?: Engine;
}

export interface DivergenceInfo {
  step: number;
  residual: number;
  message: string;
}

export interface PretrainedRun {
  readonly spec: PretrainSpec;
  readonly data: Dataset;
  /** The dataset on the backend (x, xᵀ, y); freed by `dispose`. */
  readonly tensors: DataTensors;
  /** λ0 = λ_min(H∞) and λ_max(H∞); null when skipped or H∞ is numerically singular. */
  readonly lambda0: number | null;
  readonly lambdaMaxInfinity: number | null;
  readonly initial: TwoLayerWeights;
  readonly stability: StabilityInfo;
  /** The step η in the units of the parameterisation. */
  readonly eta: number;
  /**
   * The NTK-equivalent step that B1 and T* use: η for 'ntk', η/m for 'meanfield' (GD on L = R/(2m) with
   * step ηN moves u by (η/m)·H(t)(u − y) through W when |b_r| = 1, plus a PSD term through b).
   */
  readonly etaEffective: number;
  readonly initialResidual: number;
  /** R(t) for t = 0..T; null when GD diverged (the checkpoints before divergence are kept). */
  readonly residuals: Float64Array | null;
  readonly checkpoints: Checkpoint[];
  /** The weights at spec.snapshots (those reached before any divergence). */
  readonly snapshots: Checkpoint[];
  readonly divergence: DivergenceInfo | null;
  dispose(): void;
}

function spectrumOf(data: Dataset, mode: PretrainSpec['lambda0']): { lambda0: number; lambdaMax: number } | null {
  if (mode === 'skip') return null;
  if (mode === 'certified') return kernelSpectrum(data);
  try {
    return kernelSpectrum(data, { certify: false });
  } catch {
    return null; // H∞ singular: parallel inputs, H3 fails
  }
}

/** The configured step, or the fraction of the limit (K(0) = 0 gives an infinite limit: any step is stable). */
function resolveStep(step: StepSize, stability: StabilityInfo): number {
  if ('eta' in step) return step.eta;
  return Number.isFinite(stability.limit) ? step.fractionOfLimit * stability.limit : step.fractionOfLimit;
}

/** GD on the spec's engine, or on the tfjs reference path when none is given. */
export function trainOn(
  spec: Pick<PretrainSpec, 'engine' | 'data'>,
  initial: TwoLayerWeights,
  tensors: DataTensors,
  opts: TrainOptions,
): Promise<TrainResult> {
  return spec.engine
    ? spec.engine.train(initial, spec.data, opts)
    : Promise.resolve().then(() => trainNetwork(initial, tensors, opts));
}

/** The batch options of a run: minibatch SGD draws the batch of step t from the run's seed and t alone. */
export function batchOf(spec: Pick<PretrainSpec, 'batchSize' | 'seed'>): Pick<TrainOptions, 'batch'> {
  return spec.batchSize ? { batch: { size: spec.batchSize, rng: new Rng(spec.seed).fork('sgd') } } : {};
}

/** Pre-trains one run; the caller must `dispose()` the result (or use `withPretrained`). */
export async function pretrain(spec: PretrainSpec): Promise<PretrainedRun> {
  const { data } = spec;
  const spectrum = spectrumOf(data, spec.lambda0);
  const initial =
    spec.initial ??
    initNetwork({
      parameterisation: spec.parameterisation,
      width: spec.width,
      inputDim: data.d,
      outputs: data.outputs,
      ...(spec.kappa !== undefined ? { kappa: spec.kappa } : {}),
      rng: new Rng(spec.seed).fork('init'),
    });
  const tensors = toTensors(data);
  try {
    const stability = spec.engine ? await spec.engine.stability(initial, data) : stabilityInfo(initial, tensors);
    const eta = resolveStep(spec.step, stability);
    const checkpoints: Checkpoint[] = [];
    const snapshots: Checkpoint[] = [];
    const measured = new Set(spec.checkpoints);
    let residuals: Float64Array | null = null;
    let divergence: DivergenceInfo | null = null;
    try {
      const trained = await trainOn(spec, initial, tensors, {
        eta,
        iterations: spec.iterations,
        checkpoints: [...new Set([...spec.checkpoints, ...(spec.snapshots ?? [])])].sort((a, b) => a - b),
        stability,
        ...batchOf(spec),
        onCheckpoint: (cp) => (measured.has(cp.t) ? checkpoints : snapshots).push(cp),
        ...(spec.onTrainProgress ? { onProgress: spec.onTrainProgress } : {}),
      });
      residuals = trained.residuals;
    } catch (e) {
      if (!(e instanceof DivergenceError) || spec.onDivergence === 'throw') throw e;
      divergence = { step: e.step, residual: e.residual, message: e.message };
    }
    return {
      spec,
      data,
      tensors,
      lambda0: spectrum?.lambda0 ?? null,
      lambdaMaxInfinity: spectrum?.lambdaMax ?? null,
      initial,
      stability,
      eta,
      etaEffective: spec.parameterisation === 'ntk' ? eta : eta / data.m,
      initialResidual: residuals?.[0] ?? checkpoints[0]?.residual ?? NaN,
      residuals,
      checkpoints,
      snapshots,
      divergence,
      dispose: () => tensors.dispose(),
    };
  } catch (e) {
    tensors.dispose();
    throw e;
  }
}

/** Runs `fn` on the pre-trained run and frees its tensors afterwards, whatever happens. */
export async function withPretrained<T>(spec: PretrainSpec, fn: (run: PretrainedRun) => T | Promise<T>): Promise<T> {
  const run = await pretrain(spec);
  try {
    return await fn(run);
  } finally {
    run.dispose();
  }
}
