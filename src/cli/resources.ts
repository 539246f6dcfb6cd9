/**
 * A resource estimate for `verify`, made before anything is computed: peak memory from m, N, d, C and the
 * checkpoints, and wall time from measured rates. `verify --dry-run` prints it; every `verify` refuses (exit 2) a
 * run whose peak does not fit the machine's free memory (or, on wasm, a thread's 4 GiB heap) unless --force.
 */
import { freemem } from 'node:os';
import type { BackendName } from '../backend';
import { requestedEngine, type EngineName } from '../engine';
import type { ExperimentConfig } from '../experiment/config';
import { readDataset } from '../interop/files';
import type { DatasetConfig } from '../experiment/config';
import { replaySnapshots } from '../pipeline/refine';
import { InputError } from './errors';
import { getPruner, isBuiltinPruner } from '../pruning';
import { subjectOf } from '../experiment/subject';

/**
 * Rates and sizes, measured on a project machine (2 vCPUs of an AMD Zen 4, Node 20, onnxruntime-node 1.30 for GD
 * and the checkpoint features, tfjs 4.22 wasm SIMD for the rest of the measurements; 2026-11-29; ±50 %):
 *  - memory (2026-11-30):
 *    single `verify --preset mnist --m 60000 --seeds 1` runs: N = 200 and 1,000 with --iterations 2
 *    --checkpoints 2 (1.18, 2.25 GB peak RSS), and N = 1,000 at full length (T = 500, 14 checkpoints, every
 *    critical time refined: 2.93 GB);
 *  - time: the per-run seconds of the full-scale MNIST references (two runs at once on 2 cores) and of the synthetic
 *    reference (mean-field MNIST 3,155 s, synthetic 220 s, theorem 82 s); the GD step at m = 2,000, N = 1,000, d = 16 (7.6 ms on one thread); `kernelSpectrum` at
 *    m = 1,000 and 2,000 (0.57 s, 2.9 s).
 * The rates were fitted to the committed references, so spec/cli/resources.test.ts holding each reference's wall
 * time within a factor 2 of the estimate guards against drift (a slower pipeline, a changed default), not the fit.
 */
export const RATES = {
  /** Process with tfjs, the wasm backend and onnxruntime loaded, before any data. */
  baseBytes: 250e6,
  /** Each extra worker thread (its own tfjs + wasm instance and engine). */
  workerBytes: 150e6,
  /** Bytes per m·d entry: the inputs as host float32, as a tfjs tensor and as an engine tensor (≈ 3.7 copies). */
  bytesPerMD: 15,
  /**
   * Bytes per m·N entry (the engine's GD buffers and tfjs's m×N feature arrays): ≈ 30, fitted to the full-length
   * N = 1,000 run above (the short runs need ≈ 20).
   */
  bytesPerMN: 30,
  /** H∞, its Cholesky factor and the Lanczos basis, float64, when m ≤ maxKernelM: ≈ 3 m×m arrays. */
  bytesPerKernelEntry: 24,
  /** Dispatch per GD step, independent of size (the onnx engine runs up to 8 unrolled steps per call). */
  secondsPerStep: 0.0002,
  /**
   * The memory-bound part of a GD step, per m·N entry: the passes over the m×N activations and their mask. At small
   * d it is most of a step (m = 2,000, N = 1,000, d = 16: 7.6 ms per step on one onnx thread, ≈ 2 ms of it flops).
   */
  secondsPerStepEntry: 1.5e-9,
  /**
   * Effective GD rate of one run when every core runs one (flops per second): onnx from the MNIST reference's
   * m = 60,000 runs (≈ 0.7 s per 57-GFLOP step, two runs on 2 cores), tfjs from the earlier tfjs references.
   */
  stepFlopsPerSecond: { onnx: 80e9, tfjs: 29.5e9 },
  /** Measuring a checkpoint: seconds per m·N·n (greedy and the subnetwork evaluations) … */
  secondsPerMeasureUnit: 3e-9,
  /** … plus seconds per m·N·d (features of the training inputs on the engine, of the held-out inputs on tfjs). */
  secondsPerFeatureUnit: 1.5e-10,
  /**
   * GD steps replayed per critical time that may need refining (to 1 % of t, about 6 probes each), with probes
   * replaying from snapshots at most one stride apart (src/pipeline/refine.ts): 10–18 per time actually refined, and
   * times never reached need none (≈ 9 on average in the synthetic reference, ≈ 6 in 5 m × 2 seeds of MNIST).
   */
  replayedStepsPerTime: 10,
  /** float64 steps (onnx only) run at about half the float32 rate. */
  float64Slowdown: 2,
  /** λ0 of H∞ (certified shift-invert Lanczos): seconds per m³ (2.9 s at m = 2,000 under load). */
  secondsPerKernelCube: 4e-10,
  /** The stability estimate before training, in GD-step equivalents (Lanczos products with K(0)). */
  stabilitySteps: 20,
  /** Per run (data, init) and per process (report, plots, scaling calibration). */
  secondsPerRun: 0.5,
  secondsFixed: 30,
} as const;

/** The wasm backend's heap is 32-bit: one thread cannot hold more than 4 GiB of tensors. */
const WASM_HEAP_BYTES = 4 * 2 ** 30;

export interface RunEstimate {
  m: number;
  bytes: number;
  seconds: number;
}

export interface ResourceEstimate {
  runs: RunEstimate[];
  workers: number;
  /** Peak resident memory of the whole process (the `workers` largest runs at once). */
  peakBytes: number;
  /** The largest single run (what one thread must hold). */
  largestRunBytes: number;
  seconds: number;
}

/** Input dimension d and outputs C of the configured dataset (a file's are read by the caller). */
export interface DatasetShape {
  d: number;
  outputs: number;
}

/** Critical times refined by bisection per run: t_in, t_crit per n (and by accuracy), the dense accuracy, the sensitivity targets. */
function refinedTimes(config: ExperimentConfig, shape: DatasetShape): number {
  const classification = shape.outputs > 1 && (config.targetAccuracy !== null || config.targetAccuracyRelative != null);
  const sensitivity = config.sensitivity;
  return (
    1 +
    config.subnetworkSizes.length * (classification ? 2 : 1) +
    (classification ? 1 : 0) +
    (sensitivity?.epsilonRelative.length ?? 0) +
    (classification ? (sensitivity?.targetAccuracyRelative.length ?? 0) : 0)
  );
}

function runEstimate(config: ExperimentConfig, shape: DatasetShape, m: number, engine: EngineName): RunEstimate {
  const N = config.width;
  const { d, outputs: C } = shape;
  const nMax = Math.max(...config.subnetworkSizes);
  const withKernel = m <= config.maxKernelM;
  const bytes =
    RATES.bytesPerMD * m * d +
    RATES.bytesPerMN * m * N +
    (withKernel ? RATES.bytesPerKernelEntry * m * m : 0) +
    4 * (config.checkpoints + replaySnapshots(config.iterations, N * (d + C)).length) * N * (d + C);
  // A GD step is ≈ 6·m·N·(d + C) flops; an SGD step runs the forward pass on all m (R(t) is recorded at every step)
  // and the backward pass on its batch only.
  const batch = config.batchSize === null ? m : Math.min(config.batchSize, m);
  const stepFlops = (2 * m + 4 * batch) * N * (d + C);
  const slowdown = config.precision === 'float64' ? RATES.float64Slowdown : 1;
  const stepSeconds =
    RATES.secondsPerStep +
    slowdown * (stepFlops / RATES.stepFlopsPerSecond[engine] + RATES.secondsPerStepEntry * m * N);
  const steps = RATES.stabilitySteps + config.iterations + RATES.replayedStepsPerTime * refinedTimes(config, shape);
  // Pruners that score every neuron at every pick (greedy) dominate the pruners' share; ranking ones are cheap.
  const names = [...new Set([subjectOf(config), ...config.pruners])].filter(isBuiltinPruner);
  const greedyLike = Math.max(1, names.map(getPruner).filter((p) => p.scoresEveryNeuron === true).length);
  const measureSeconds =
    config.checkpoints * m * N * (greedyLike * nMax * RATES.secondsPerMeasureUnit + d * RATES.secondsPerFeatureUnit);
  const kernelSeconds = withKernel ? RATES.secondsPerKernelCube * m ** 3 : 0;
  return { m, bytes, seconds: RATES.secondsPerRun + steps * stepSeconds + measureSeconds + kernelSeconds };
}

export function estimateResources(
  config: ExperimentConfig,
  shape: DatasetShape,
  workers: number,
  engine: EngineName = 'onnx',
): ResourceEstimate {
  const runs = config.seeds.flatMap(() => config.mGrid.map((m) => runEstimate(config, shape, m, engine)));
  const concurrent = Math.max(1, Math.min(workers, runs.length));
  const largestFirst = [...runs].sort((a, b) => b.bytes - a.bytes);
  const peakBytes =
    RATES.baseBytes +
    concurrent * RATES.workerBytes +
    largestFirst.slice(0, concurrent).reduce((s, r) => s + r.bytes, 0);
  const total = runs.reduce((s, r) => s + r.seconds, 0);
  const slowest = Math.max(...runs.map((r) => r.seconds));
  return {
    runs,
    workers: concurrent,
    peakBytes,
    largestRunBytes: largestFirst[0]?.bytes ?? 0,
    seconds: RATES.secondsFixed + Math.max(slowest, total / concurrent),
  };
}

function gigabytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.ceil(bytes / 1e6)} MB`;
}

function duration(seconds: number): string {
  if (seconds < 90) return `${Math.ceil(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function describeEstimate(e: ResourceEstimate): string {
  const largest = e.runs.reduce((a, b) => (b.bytes > a.bytes ? b : a), e.runs[0]);
  return (
    `estimated peak memory ${gigabytes(e.peakBytes)} (${e.workers} run(s) at once; the largest, m = ${largest.m}, ` +
    `needs ${gigabytes(largest.bytes)}), ` +
    `estimated time ${duration(e.seconds)} for ${e.runs.length} run(s) (rough: ±50 %)`
  );
}

/** Throws an InputError with the estimate when the run cannot fit in memory. */
export function requireFits(e: ResourceEstimate, backend: BackendName, free: number = freemem()): void {
  const tooBigForWasm = backend === 'wasm' && e.largestRunBytes > WASM_HEAP_BYTES;
  if (e.peakBytes <= free && !tooBigForWasm) return;
  const why = tooBigForWasm
    ? `one run needs more than the wasm backend's 4 GiB heap per thread`
    : `the machine has ${gigabytes(free)} of free memory`;
  throw new InputError(
    `verify: this run does not fit: ${describeEstimate(e)}; ${why}. ` +
      'Reduce --m or --width, use fewer --workers, or pass --force to run anyway',
  );
}

/** d and C of the configured dataset (MNIST: 784 pixels, 10 classes; a file is read for its header). */
export function datasetShape(dataset: DatasetConfig): DatasetShape {
  if (dataset.kind === 'synthetic') return { d: dataset.d, outputs: 1 };
  if (dataset.kind === 'mnist') return { d: 784, outputs: 10 };
  const ds = readDataset(dataset.path);
  return { d: ds.d, outputs: ds.outputs };
}

export interface PreflightFlags {
  dryRun?: boolean;
  force?: boolean;
  engine?: EngineName | 'auto';
}

/**
 * Prints the estimate (stdout for --dry-run, else the log) and refuses a run that does not fit unless --force.
 * Returns true when this was a dry run (the caller stops there, exit 0).
 */
export function preflight(
  config: ExperimentConfig,
  workers: number,
  backend: BackendName,
  flags: PreflightFlags,
  log: (s: string) => void,
): boolean {
  // 'auto' trains on onnx wherever onnxruntime loads (its binaries ship in the npm package).
  const engine = requestedEngine(flags.engine) === 'tfjs' ? 'tfjs' : 'onnx';
  const estimate = estimateResources(config, datasetShape(config.dataset), workers, engine);
  if (flags.dryRun) {
    process.stdout.write(
      `pruneproof verify --dry-run: ${describeEstimate(estimate)}; free memory ${gigabytes(freemem())}\n`,
    );
    return true;
  }
  log(`  ${describeEstimate(estimate)}`);
  if (flags.force) return false;
  requireFits(estimate, backend);
  return false;
}
