/**
 * Squared distance from the targets y to the convex hull of the neuron features (THEORY.md §5):
 *   min_{p ∈ Δ_N} f(p),  f(p) = ‖Σ_r p_r Φ_r − y‖²,
 * by FISTA (accelerated projected gradient) with exact Euclidean projection onto the simplex, backtracking
 * on the step 1/L (L starts at 1.1 × a power-iteration estimate of 2λ_max(ΦᵀΦ), on the feature Gram when it
 * came with the features), adaptive restart, and a certified Frank–Wolfe duality gap.
 *
 * Certificate: f is convex, so for every q ∈ Δ_N, f(q) ≥ f(p) + ⟨∇f(p), q − p⟩ ≥ f(p) − gap(p) with
 * gap(p) = ⟨∇f(p), p⟩ − min_r ∇f(p)_r. Hence max(0, f(p) − gap) ≤ min f ≤ f(p).
 *
 * Φ stays factored (see geometry.ts): Φp = A (p ⊙ V) and Φᵀr = rowsum((Aᵀ r) ⊙ V). Two evaluators:
 *  - float64 (default when m·N·C ≤ 2^19): accurate to ~1e-15; in JS, or the same products computed by the caller
 *    (`products`: the onnx engine runs them as a graph, 3.5× the JS loops at m = 320, N = 1000);
 *  - float32 on the backend, with Aᵀ the stored `activationsT` (no transposed matmuls), for large problems.
 *    There f and ∇f carry relative rounding ~1e-6, so the solver never compares f values to decide
 *    anything (restarts use the gradient-mapping test of O'Donoghue & Candès, not function values).
 * Every iterate p_k gives a valid bound f_k − gap_k ≤ min f, so the reported lower bound is the best over all
 * iterates and the reported p is the iterate with the smallest f.
 */
import { tf, tidyRead, type Tensor2D } from '../backend/tf';
import type { FactoredProducts, NeuronFeatures } from '../model/types';
import { Rng } from '../rng';
import { dot, squaredDistance, sumSquares } from '../linalg/vector';
import { checkFeatures } from './geometry';

/** The certified squared distance from y to the features' convex hull, with its lower bound and duality gap (THEORY.md §5.2). */
export interface HullDistance {
  /** f(p) = ‖Σ p_r Φ_r − y‖² at the returned p: an upper bound on the squared distance to the hull. */
  distanceSq: number;
  /** A certified lower bound on the squared distance: max(0, max over iterates of f(p_k) − gap(p_k)) ≥ distanceSq − gap. */
  lowerBound: number;
  /** Frank–Wolfe duality gap ⟨∇f(p), p⟩ − min_r ∇f(p)_r at the returned p. */
  gap: number;
  /** The convex weights p (on the simplex). */
  weights: Float64Array;
  iterations: number;
  /** distanceSq − lowerBound ≤ tolerance was reached. */
  converged: boolean;
  /** Arithmetic of the products with Φ. */
  precision: 'float64' | 'float32';
  /** The tolerance used (absolute, on the squared distance). */
  tolerance: number;
}

export interface HullOptions {
  /** Absolute tolerance on distanceSq − lowerBound; default 1e-6·max(‖y‖², 1). */
  tolerance?: number;
  /**
   * Stop as soon as membership is decided: distanceSq ≤ tolerance (certified inside) or
   * lowerBound > tolerance (certified outside). The bracket [lowerBound, distanceSq] stays certified;
   * it is just not tightened further. For interior y this saves most of the iterations.
   */
  stopWhenDecided?: boolean;
  /** Default 20,000. */
  maxIterations?: number;
  /** 'auto' (default): float64 in JS when m·N·C ≤ 2^19, else float32 on the tfjs backend. */
  precision?: 'auto' | 'float64' | 'float32';
  /** Starting weights (e.g. the previous checkpoint's answer; projected onto the simplex). Default: the centroid. */
  start?: Float64Array;
  /**
   * Makes the float64 products Φp − y and Φᵀ(Φp − y) elsewhere (an engine), to replace the solver's own float64
   * loops. Called only when the products are float64 (precision 'float64', or 'auto' below its size limit).
   */
  products?: () => Promise<FactoredProducts>;
}

export const DEFAULT_RELATIVE_TOLERANCE = 1e-6;
const DEFAULT_MAX_ITERATIONS = 20000;
const POWER_ITERATIONS = 50;
/** L is taken this much above the power-iteration estimate of 2λ_max(ΦᵀΦ) (which is a lower bound). */
const LIPSCHITZ_MARGIN = 1.1;
/** float64 JS products up to this m·N·C (A stays in cache); measured: at m·N·C = 1e6 the backend is ~2× faster. */
const FLOAT64_MAX_PRODUCT = 2 ** 19;
/** Factor applied to L after each accepted step (measured: ~1.5× fewer iterations than a fixed L). */
const LIPSCHITZ_SHRINK = 0.9;
/** Stop (not converged) after this many accepted steps without shrinking the certified bracket by 0.1%. */
const STALL_STEPS = 500;

/** Euclidean projection onto the probability simplex {p ≥ 0, Σp = 1}, by sorting (O(N log N)). */
export function projectOntoSimplex(v: Float64Array): Float64Array {
  const n = v.length;
  if (n === 0) throw new RangeError('projectOntoSimplex: v is empty');
  const sorted = Float64Array.from(v).sort().reverse();
  if (!Number.isFinite(sorted[0]) || !Number.isFinite(sorted[n - 1]))
    throw new RangeError('projectOntoSimplex: v has a non-finite entry');
  // θ = (Σ_{i≤k} u_i − 1)/k for the largest k with u_k > θ_k; the support is the k largest entries.
  let sum = 0;
  let theta = 0;
  for (let k = 0; k < n; k++) {
    sum += sorted[k];
    const candidate = (sum - 1) / (k + 1);
    if (sorted[k] > candidate) theta = candidate;
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.max(v[i] - theta, 0);
  return out;
}

/**
 * True when y is certified inside the hull up to `tolerance`: distanceSq (an upper bound) ≤ tolerance.
 * (lowerBound > tolerance certifies outside; a non-converged result may be neither.)
 */
export function isInsideHull(result: HullDistance, tolerance: number = result.tolerance): boolean {
  return result.distanceSq <= tolerance;
}

interface Evaluation {
  /** Residual Φp − y, m×C row-major. */
  residual: Float64Array;
  /** ∇f(p) = 2 Φᵀ(Φp − y). */
  gradient: Float64Array;
  value: number;
}

/** p ↦ (Φp − y, 2Φᵀ(Φp − y), ‖Φp − y‖²); with y = 0 when no targets are given. */
type Evaluator = (p: Float64Array) => Evaluation | Promise<Evaluation>;

function externalEvaluator(products: FactoredProducts): Evaluator {
  return async (p) => {
    const { residual, projected } = await products(p);
    return evaluation(
      residual,
      projected.map((value) => 2 * value),
    );
  };
}

function evaluation(residual: Float64Array, gradient: Float64Array): Evaluation {
  return { residual, gradient, value: sumSquares(residual) };
}

function backendEvaluator(features: NeuronFeatures, targets: Tensor2D | null): Evaluator {
  const { activations: A, activationsT: AT, outWeights: V, width: N } = features;
  return (p) => {
    const [res, grad] = tidyRead(() => {
      const phiP = tf.matMul(A, tf.mul(tf.tensor2d(Float32Array.from(p), [N, 1]), V));
      const r = targets ? tf.sub(phiP, targets) : phiP;
      const g = tf.mul(tf.sum(tf.mul(tf.matMul(AT, r as Tensor2D), V), 1), 2);
      return [r, g];
    });
    return evaluation(Float64Array.from(res), Float64Array.from(grad));
  };
}

/**
 * The same products in float64 JS, both as sweeps over the rows of A (m×N row-major): Φp row by row, and
 * Aᵀr accumulated row by row. No branch on the ReLU zeros: with ~half the entries zero at random, a skip
 * would be mispredicted more often than the multiply it saves.
 */
function float64Evaluator(features: NeuronFeatures, targets: Tensor2D | null): Evaluator {
  const { m, width: N, outputs: C } = features;
  const A = Float64Array.from(features.activations.dataSync());
  const V = Float64Array.from(features.outWeights.dataSync());
  const y = targets ? Float64Array.from(targets.dataSync()) : new Float64Array(m * C);
  const weighted = new Float64Array(N * C);
  const projected = new Float64Array(N * C);
  return (p) => {
    for (let r = 0; r < N; r++) for (let c = 0; c < C; c++) weighted[r * C + c] = p[r] * V[r * C + c];
    const residual = new Float64Array(m * C);
    for (let j = 0; j < m; j++) {
      for (let c = 0; c < C; c++) residual[j * C + c] = rowTimesColumn(A, j * N, weighted, c, C, N) - y[j * C + c];
    }
    projected.fill(0); // Aᵀ r, N×C
    for (let j = 0; j < m; j++) {
      for (let c = 0; c < C; c++) {
        const coef = residual[j * C + c];
        const row = j * N;
        for (let r = 0; r < N; r++) projected[r * C + c] += A[row + r] * coef;
      }
    }
    const gradient = new Float64Array(N);
    for (let r = 0; r < N; r++) {
      let s = 0;
      for (let c = 0; c < C; c++) s += V[r * C + c] * projected[r * C + c];
      gradient[r] = 2 * s;
    }
    return evaluation(residual, gradient);
  };
}

/** Σ_r A[row + r]·B[r·stride + col], two accumulators. */
function rowTimesColumn(A: Float64Array, row: number, B: Float64Array, col: number, stride: number, N: number): number {
  let s0 = 0;
  let s1 = 0;
  let r = 0;
  for (; r + 1 < N; r += 2) {
    s0 += A[row + r] * B[r * stride + col];
    s1 += A[row + r + 1] * B[(r + 1) * stride + col];
  }
  if (r < N) s0 += A[row + r] * B[r * stride + col];
  return s0 + s1;
}

/** a + β(a − b), elementwise. */
function extrapolate(a: Float64Array, b: Float64Array, beta: number): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] + beta * (a[i] - b[i]);
  return out;
}

function dualityGap(e: Evaluation, p: Float64Array): number {
  let min = Infinity;
  for (let r = 0; r < p.length; r++) min = Math.min(min, e.gradient[r]);
  return Math.max(0, dot(e.gradient, p) - min);
}

/** p ↦ 2Gp = 2Φᵀ(Φp) through the Gram that came with the features (N² work instead of 4mNC). */
function gramOperator(gram: Float32Array, N: number): (p: Float64Array) => Float64Array {
  return (p) => {
    const out = new Float64Array(N);
    for (let r = 0; r < N; r++) {
      let s = 0;
      for (let q = 0; q < N; q++) s += gram[r * N + q] * p[q];
      out[r] = 2 * s;
    }
    return out;
  };
}

/** p ↦ 2Φᵀ(Φp) through the factored products (the gradient of ‖Φp‖²). */
function gradientOperator(evaluate: Evaluator): (p: Float64Array) => Promise<Float64Array> {
  return async (p) => (await evaluate(p)).gradient;
}

/** 2λ_max(ΦᵀΦ) estimated by power iteration on p ↦ 2Φᵀ(Φp) (fixed-seed start; a lower estimate). */
async function estimateLipschitz(
  apply: (p: Float64Array) => Float64Array | Promise<Float64Array>,
  N: number,
): Promise<number> {
  const rng = new Rng(0x4c1f);
  let v: Float64Array = new Float64Array(N);
  for (let r = 0; r < N; r++) v[r] = Math.abs(rng.normal());
  let estimate = 0;
  for (let k = 0; k < POWER_ITERATIONS; k++) {
    const norm = Math.sqrt(sumSquares(v));
    if (norm === 0) break;
    for (let r = 0; r < N; r++) v[r] /= norm;
    const next = await apply(v);
    const rayleigh = dot(v, next);
    const converged = Math.abs(rayleigh - estimate) <= 1e-4 * rayleigh;
    estimate = rayleigh;
    v = next;
    if (converged) break;
  }
  return estimate;
}

interface Iterate {
  p: Float64Array;
  e: Evaluation;
  gap: number;
}

/**
 * The squared distance from the targets to the convex hull of the neuron features, certified by a Frank–Wolfe
 * duality gap (THEORY.md §5.2).
 *
 * @param features - the network's neuron features at a checkpoint.
 * @param targets - the targets y (m×C).
 * @param opts - iterations, tolerance, seed.
 * @returns the distance, its lower bound, the gap and whether y counts as inside.
 */
export async function hullDistance(
  features: NeuronFeatures,
  targets: Tensor2D,
  opts: HullOptions = {},
): Promise<HullDistance> {
  checkFeatures(features, targets, 'hullDistance');
  const settings = resolveSettings(features, targets, opts);
  const makeEvaluator = settings.precision === 'float64' ? float64Evaluator : backendEvaluator;
  const N = features.width;
  const operator = features.gram ? gramOperator(features.gram, N) : gradientOperator(makeEvaluator(features, null));
  const lipschitz = LIPSCHITZ_MARGIN * (await estimateLipschitz(operator, N));
  // Default start: the centroid, where f = R, the dense residual.
  const p0 = opts.start ? projectOntoSimplex(opts.start) : new Float64Array(N).fill(1 / N);
  const evaluate =
    opts.products && settings.precision === 'float64'
      ? externalEvaluator(await opts.products())
      : makeEvaluator(features, targets);
  const result = await fista(evaluate, p0, Math.max(lipschitz, Number.MIN_VALUE), settings);
  return { ...result, tolerance: settings.tolerance, precision: settings.precision };
}

interface Settings {
  tolerance: number;
  maxIterations: number;
  precision: 'float64' | 'float32';
  yNormSq: number;
  stopWhenDecided: boolean;
}

function resolveSettings(features: NeuronFeatures, targets: Tensor2D, opts: HullOptions): Settings {
  const op = 'hullDistance';
  const { m, width: N, outputs: C } = features;
  const yNormSq = tf.tidy(() => tf.sum(tf.square(targets)).dataSync()[0]);
  const tolerance = opts.tolerance ?? DEFAULT_RELATIVE_TOLERANCE * Math.max(yNormSq, 1);
  const maxIterations = opts.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  if (!(tolerance > 0)) throw new RangeError(`${op}: tolerance must be > 0, got ${tolerance}`);
  if (!Number.isInteger(maxIterations) || maxIterations < 1)
    throw new RangeError(`${op}: maxIterations must be a positive integer, got ${maxIterations}`);
  if (opts.start && opts.start.length !== N)
    throw new RangeError(`${op}: start has length ${opts.start.length}, expected width ${N}`);
  const precision =
    opts.precision && opts.precision !== 'auto'
      ? opts.precision
      : m * N * C <= FLOAT64_MAX_PRODUCT
        ? 'float64'
        : 'float32';
  return { tolerance, maxIterations, precision, yNormSq, stopWhenDecided: opts.stopWhenDecided ?? false };
}

type FistaResult = Omit<HullDistance, 'tolerance' | 'precision'>;

/** FISTA on the simplex with backtracking on L, gradient-mapping restart and a stall guard. */
async function fista(evaluate: Evaluator, p0: Float64Array, L0: number, s: Settings): Promise<FistaResult> {
  const N = p0.length;
  // Rounding of ‖ΦΔ‖² in the step-size check: relative ~1e-6 in float32, negligible in float64.
  const roundoff = s.precision === 'float32' ? 1e-6 : 1e-14;
  let L = L0;
  let cur = await iterate(p0, evaluate);
  let prev = cur;
  let best = cur;
  let lowerBound = Math.max(0, cur.e.value - cur.gap);
  let t = 1;
  let iterations = 0;
  let bestCertified = Infinity;
  let sinceProgress = 0;
  const decided = () => s.stopWhenDecided && (best.e.value <= s.tolerance || lowerBound > s.tolerance);
  while (
    best.e.value - lowerBound > s.tolerance &&
    iterations < s.maxIterations &&
    sinceProgress < STALL_STEPS &&
    !decided()
  ) {
    iterations++;
    const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    const beta = (t - 1) / tNext;
    // ∇f and the residual are affine in p, so their values at the extrapolated point need no new product.
    const z = extrapolate(cur.p, prev.p, beta);
    const zGrad = extrapolate(cur.e.gradient, prev.e.gradient, beta);
    const zResidual = extrapolate(cur.e.residual, prev.e.residual, beta);
    const step = new Float64Array(N);
    for (let r = 0; r < N; r++) step[r] = z[r] - zGrad[r] / L;
    const next = await iterate(projectOntoSimplex(step), evaluate);
    const delta = new Float64Array(N);
    for (let r = 0; r < N; r++) delta[r] = next.p[r] - z[r];
    const deltaSq = sumSquares(delta);
    if (beta === 0 && deltaSq === 0) break; // p is a fixed point of the projected-gradient map: optimal
    // f is quadratic: f(p⁺) = f(z) + ⟨∇f(z), Δ⟩ + ‖ΦΔ‖², so the descent lemma holds iff ‖ΦΔ‖² ≤ (L/2)‖Δ‖².
    const phiDeltaSq = squaredDistance(next.e.residual, zResidual);
    const noise = roundoff * (Math.sqrt(next.e.value) + Math.sqrt(s.yNormSq)) ** 2;
    if (phiDeltaSq > (L / 2) * deltaSq * (1 + 1e-9) + noise) {
      L = Math.max(2 * L, (LIPSCHITZ_MARGIN * 2 * phiDeltaSq) / deltaSq);
      continue; // retry the same extrapolated point with the larger L
    }
    // Let L follow the local curvature: shrink after each accepted step, grow again when the check fails.
    L *= LIPSCHITZ_SHRINK;
    lowerBound = Math.max(lowerBound, next.e.value - next.gap);
    if (next.e.value < best.e.value) best = next;
    // Stall guard: at the rounding floor (float32) the certified bracket stops shrinking.
    const certified = best.e.value - lowerBound;
    if (certified < bestCertified * (1 - 1e-3)) {
      bestCertified = certified;
      sinceProgress = 0;
    } else {
      sinceProgress++;
    }
    // Gradient-mapping restart: momentum that points against the projected-gradient step is dropped.
    let restart = 0;
    for (let r = 0; r < N; r++) restart += (z[r] - next.p[r]) * (next.p[r] - cur.p[r]);
    prev = restart > 0 ? next : cur;
    cur = next;
    t = restart > 0 ? 1 : tNext;
  }
  return {
    distanceSq: best.e.value,
    lowerBound,
    gap: best.gap,
    weights: best.p,
    iterations,
    converged: best.e.value - lowerBound <= s.tolerance,
  };
}

async function iterate(p: Float64Array, evaluate: Evaluator): Promise<Iterate> {
  const e = await evaluate(p);
  return { p, e, gap: dualityGap(e, p) };
}
