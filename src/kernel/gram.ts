/**
 * Gram matrices of THEORY.md §3 [Du19]:
 *  - H∞_jk = x_jᵀx_k (π − arccos(x_jᵀx_k)) / (2π), the infinite-width Gram matrix, λ0 = λ_min(H∞)
 *    (the angle is that of x_j and x_k, computed stably near ±1: the same as arccos(x_jᵀx_k) for unit inputs);
 *  - H(t)_jk = (1/N) Σ_r x_jᵀx_k 1{w_rᵀx_j > 0} 1{w_rᵀx_k > 0}, its finite-width counterpart.
 * Both are m×m float64 ml-matrix matrices.
 */
import { Matrix } from 'ml-matrix';
import { tf, type Tensor2D } from '../backend/tf';
import type { Dataset } from '../data/types';
import type { TwoLayerWeights } from '../model/types';
import { extremeEigenvalues, toMatrix, type EigenMethod, type SymmetricArray } from './eigen';

/** |‖x_j‖ − 1| allowed by H1 (float32 normalisation is accurate to ~1e-7). */
const UNIT_NORM_TOLERANCE = 1e-4;
/** λ0 ≤ this · λ_max counts as singular: far above the float64 eigenvalue error (≈ m·ε·λ_max). */
const SINGULAR_RELATIVE_TOLERANCE = 1e-10;
/** Inputs whose cosine is at least this are reported as parallel. */
const PARALLEL_COSINE = 1 - 1e-6;
/** Neuron block size for H(t): keeps the m×block indicator matrix near 2^24 floats. */
const INDICATOR_BLOCK_FLOATS = 2 ** 24;

function checkDataset(ds: Dataset, op: string): void {
  if (!Number.isInteger(ds.m) || ds.m < 1) throw new RangeError(`${op}: ds.m must be a positive integer, got ${ds.m}`);
  if (!Number.isInteger(ds.d) || ds.d < 1) throw new RangeError(`${op}: ds.d must be a positive integer, got ${ds.d}`);
  if (ds.x.length !== ds.m * ds.d)
    throw new RangeError(`${op}: ds.x has length ${ds.x.length}, expected m·d = ${ds.m * ds.d}`);
}

/** Inner products x_jᵀx_k in float64, row-major m×m. */
function innerProducts(ds: Dataset): Float64Array {
  const { m, d } = ds;
  const x = Float64Array.from(ds.x);
  const g = new Float64Array(m * m);
  for (let j = 0; j < m; j++) {
    for (let k = j; k < m; k++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += x[j * d + i] * x[k * d + i];
      g[j * m + k] = s;
      g[k * m + j] = s;
    }
  }
  return g;
}

function checkUnitNorms(inner: Float64Array, m: number, op: string): void {
  for (let j = 0; j < m; j++) {
    const norm = Math.sqrt(inner[j * m + j]);
    if (!(Math.abs(norm - 1) <= UNIT_NORM_TOLERANCE)) {
      throw new RangeError(`${op}: input x_${j} has norm ${norm}; H∞ needs unit-norm inputs (THEORY.md §1, H1)`);
    }
  }
}

function gramInfinityArray(ds: Dataset, op: string): SymmetricArray {
  checkDataset(ds, op);
  const { m } = ds;
  const a = innerProducts(ds);
  checkUnitNorms(a, m, op);
  const x = Float64Array.from(ds.x);
  const norms = Float64Array.from({ length: m }, (_, j) => Math.sqrt(a[j * m + j]));
  for (let j = 0; j < m; j++) {
    for (let k = 0; k < m; k++) {
      const i = j * m + k;
      a[i] = (a[i] * (Math.PI - angle(x, norms, a[i], ds.d, j, k))) / (2 * Math.PI);
    }
  }
  return { n: m, a };
}

/** Within this distance of ±1 the cosine loses half its digits in arccos (slope 1/√(1 − c²)). */
const NEAR_PARALLEL = 1e-4;

/**
 * The angle between x_j and x_k. arccos of the normalised cosine is accurate away from ±1; near ±1 the angle
 * comes from the chord, θ = 2 asin(‖x̂_j − x̂_k‖/2) (or π − 2 asin(‖x̂_j + x̂_k‖/2)), so that a duplicated input
 * gives θ = 0 exactly (and an exactly singular H∞) instead of an O(√ε) angle.
 */
function angle(x: Float64Array, norms: Float64Array, inner: number, d: number, j: number, k: number): number {
  if (j === k) return 0;
  const nj = norms[j];
  const nk = norms[k];
  const c = inner / (nj * nk);
  if (Math.abs(c) < 1 - NEAR_PARALLEL) return Math.acos(c);
  const sign = c > 0 ? -1 : 1;
  let chordSq = 0;
  for (let i = 0; i < d; i++) chordSq += (x[j * d + i] / nj + (sign * x[k * d + i]) / nk) ** 2;
  const half = 2 * Math.asin(Math.min(1, Math.sqrt(chordSq) / 2));
  return c > 0 ? half : Math.PI - half;
}

/** H∞ (m×m, float64). Inputs must have unit norm. */
export function gramInfinity(ds: Dataset): Matrix {
  return toMatrix(gramInfinityArray(ds, 'gramInfinity'));
}

/** λ0 and λ_max of the infinite-width Gram matrix H∞ of a dataset (THEORY.md §3.1). */
export interface KernelSpectrum {
  /** λ0 = λ_min(H∞). */
  lambda0: number;
  /** λ_max(H∞). */
  lambdaMax: number;
  /** 2 / λ_max(H∞): the GD step size beyond which the linearised dynamics diverge (THEORY.md §3). */
  stabilityLimitInfinity: number;
  /** H∞ has an eigenvalue within this distance of lambda0 (residual ‖Hv − λ0 v‖ or dense backward error). */
  lambda0Error: number;
  /** H∞ has an eigenvalue within this distance of lambdaMax. */
  lambdaMaxError: number;
  /** Proven λ0 ≥ this (Cholesky certificate; 'lanczos' only, else null). */
  lambda0LowerBound: number | null;
  method: EigenMethod;
  seconds: number;
}

export interface KernelSpectrumOptions {
  /** 'auto' (default): dense eigendecomposition for m ≤ 300, Cholesky shift-invert Lanczos above. */
  method?: 'auto' | EigenMethod;
  /** Prove a lower bound on λ0 with a second Cholesky factorisation (lanczos only; default true). */
  certify?: boolean;
}

/**
 * λ0 and λ_max of H∞ (THEORY.md §3.1).
 *
 * @param ds - the dataset.
 * @param opts - solver options.
 * @returns the spectrum.
 * @throws Error when H∞ is singular (λ0 ≤ 1e-10·λ_max), naming a parallel pair of inputs if there is one.
 */
export function kernelSpectrum(ds: Dataset, opts: KernelSpectrumOptions = {}): KernelSpectrum {
  const start = process.hrtime.bigint();
  const H = gramInfinityArray(ds, 'kernelSpectrum');
  const e = extremeEigenvalues(H, { method: opts.method, certifyMin: opts.certify ?? true });
  if (e.min <= SINGULAR_RELATIVE_TOLERANCE * e.max) throw new Error(singularMessage(ds, e.min));
  return {
    lambda0: e.min,
    lambdaMax: e.max,
    stabilityLimitInfinity: 2 / e.max,
    lambda0Error: e.minError,
    lambdaMaxError: e.maxError,
    lambda0LowerBound: e.minLowerBound,
    method: e.method,
    seconds: Number(process.hrtime.bigint() - start) / 1e9,
  };
}

function singularMessage(ds: Dataset, lambda0: number): string {
  const head = `kernelSpectrum: the Gram matrix H∞ is singular (λ0 = 0; computed ${lambda0.toExponential(3)}), which happens when inputs are parallel`;
  const pair = mostParallelPair(ds);
  if (pair && pair.cosine >= PARALLEL_COSINE) {
    return `${head}: inputs x_${pair.j} and x_${pair.k} of '${ds.name}' are parallel (cosine ${pair.cosine.toFixed(9)})`;
  }
  return pair
    ? `${head}; no exactly parallel pair found, the closest pair is x_${pair.j}, x_${pair.k} (cosine ${pair.cosine.toFixed(9)})`
    : head;
}

function mostParallelPair(ds: Dataset): { j: number; k: number; cosine: number } | null {
  const { m } = ds;
  const inner = innerProducts(ds);
  let best: { j: number; k: number; cosine: number } | null = null;
  for (let j = 0; j < m; j++) {
    for (let k = j + 1; k < m; k++) {
      const cosine = inner[j * m + k] / Math.sqrt(inner[j * m + j] * inner[k * m + k]);
      if (!best || cosine > best.cosine) best = { j, k, cosine };
    }
  }
  return best;
}

/**
 * H(t) = (XXᵀ) ⊙ (M Mᵀ) / N with M = 1{X Wᵀ > 0} (m×N). The activation counts M Mᵀ are sums of 0/1
 * products, exact in float32 below 2^24; XXᵀ is taken in float64.
 */
export function finiteWidthGram(weights: TwoLayerWeights, ds: Dataset): Matrix {
  const op = 'finiteWidthGram';
  checkDataset(ds, op);
  const { width: N, inputDim: d } = weights;
  if (d !== ds.d) throw new RangeError(`${op}: weights.inputDim (${d}) differs from ds.d (${ds.d})`);
  if (!Number.isInteger(N) || N < 1 || N >= 2 ** 24)
    throw new RangeError(`${op}: weights.width must be an integer in [1, 2^24), got ${N}`);
  if (weights.w.length !== N * d)
    throw new RangeError(`${op}: weights.w has length ${weights.w.length}, expected width·inputDim = ${N * d}`);
  const counts = coactivationCounts(weights, ds);
  const a = innerProducts(ds);
  for (let i = 0; i < a.length; i++) a[i] *= counts[i] / N;
  return toMatrix({ n: ds.m, a });
}

/** (M Mᵀ)_jk = #{r : w_rᵀx_j > 0 and w_rᵀx_k > 0}, accumulated over blocks of neurons. */
function coactivationCounts(weights: TwoLayerWeights, ds: Dataset): Float32Array {
  const { m, d } = ds;
  const N = weights.width;
  const block = Math.max(1, Math.min(N, Math.floor(INDICATOR_BLOCK_FLOATS / m)));
  const x = tf.tensor2d(ds.x, [m, d]);
  let counts: Tensor2D = tf.zeros([m, m]);
  for (let start = 0; start < N; start += block) {
    const size = Math.min(block, N - start);
    const next = tf.tidy(() => {
      const wBlockT = tf.transpose(tf.tensor2d(weights.w.subarray(start * d, (start + size) * d), [size, d]));
      const indicator = tf.cast(tf.greater(tf.matMul(x, wBlockT), 0), 'float32');
      return tf.add(counts, tf.matMul(indicator, tf.transpose(indicator))) as Tensor2D;
    });
    counts.dispose();
    counts = next;
  }
  x.dispose();
  const out = counts.dataSync() as Float32Array;
  counts.dispose();
  return Float32Array.from(out);
}
