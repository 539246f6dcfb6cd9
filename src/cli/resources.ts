/**
 * A resource estimate for `verify`, made before anything is computed: peak memory from m, N, d, C and the
 * checkpoints, and wall time from measured rates. `verify --dry-run` prints it; every `verify` refuses (exit 2) a
 * run whose peak does not fit the machine's free memory (or, on wasm, a thread's 4 GiB heap) unless --force.
 */
import { freemem } from 'node:os';
import type { BackendName } from '../backend';
import type { ExperimentConfig } from '../experiment/config';
import { readDatasetFile } from '../data/io';
import type { DatasetConfig } from '../experiment/config';
import { InputError } from './errors';

/**
 * Rates and sizes, measured on a project machine (2 vCPUs of an AMD Zen 4, Node 20, tfjs 4.22 wasm SIMD,
 * 2026-11-29; shared machine, ±50 %): `verify --m M --seeds 1 --workers 1 --pruners greedy` at M = 200 and 800
 * (defaults otherwise: 40 s and 190 s) and at M = 10,000 and 20,000 with --iterations 5 --checkpoints 2 --n 50
 * (61 s / 504 MB and 94 s / 891 MB peak RSS), plus /work/shared/notes/BACKENDS.md for the matmul rate and the
 * ml-matrix eigen-decomposition (200×200 in 82 ms).
 */
export const RATES = {
  /** Process with tfjs and the wasm backend loaded, before any data. */
  baseBytes: 120e6,
  /** Each extra worker thread (its own tfjs + wasm instance). */
  workerBytes: 100e6,
  /** Bytes per m·N entry: ≈ 10 float32 m×N arrays alive at once (activations, transposes, masks, gradients). */
  bytesPerMN: 39,
  /** H∞ and its eigen-decomposition, float64, when m ≤ maxKernelM: ≈ 3 m×m arrays. */
  bytesPerKernelEntry: 24,
  /** tfjs dispatch per GD step, independent of size. */
  secondsPerStep: 0.005,
  /** One GD step costs ≈ 6·m·N·(d + C) flops at ≈ 29.5 GFLOP/s (wasm SIMD, 1 thread). */
  secondsPerStepFlop: 1 / 29.5e9,
  /** Measuring a checkpoint (greedy, hull distance, feature geometry): seconds per n·m·N. */
  secondsPerMeasureUnit: 3.3e-8,
  /** Eigen-decomposition of H∞: seconds per m³. */
  secondsPerKernelCube: 1.0e-8,
  /** Per run (data, init, stability estimate) and per process (report, plots). */
  secondsPerRun: 10,
  secondsFixed: 15,
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

function runEstimate(config: ExperimentConfig, shape: DatasetShape, m: number): RunEstimate {
  const N = config.width;
  const { d, outputs: C } = shape;
  const nMax = Math.max(...config.subnetworkSizes);
  const withKernel = m <= config.maxKernelM;
  const bytes =
    RATES.bytesPerMN * m * N +
    (withKernel ? RATES.bytesPerKernelEntry * m * m : 0) +
    4 * config.checkpoints * N * (d + C);
  const stepSeconds = RATES.secondsPerStep + 6 * m * N * (d + C) * RATES.secondsPerStepFlop;
  // Greedy dominates the measurement (random and magnitude are cheap next to it).
  const greedyLike = Math.max(1, config.pruners.filter((p) => p.startsWith('greedy')).length);
  const measureSeconds = config.checkpoints * greedyLike * nMax * m * N * RATES.secondsPerMeasureUnit;
  const kernelSeconds = withKernel ? RATES.secondsPerKernelCube * m ** 3 : 0;
  return { m, bytes, seconds: RATES.secondsPerRun + config.iterations * stepSeconds + measureSeconds + kernelSeconds };
}

export function estimateResources(config: ExperimentConfig, shape: DatasetShape, workers: number): ResourceEstimate {
  const runs = config.seeds.flatMap(() => config.mGrid.map((m) => runEstimate(config, shape, m)));
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
  const ds = readDatasetFile(dataset.path);
  return { d: ds.d, outputs: ds.outputs };
}

export interface PreflightFlags {
  dryRun?: boolean;
  force?: boolean;
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
  const estimate = estimateResources(config, datasetShape(config.dataset), workers);
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
