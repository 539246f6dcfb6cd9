/**
 * The step size at which full-batch GD stops being stable near initialisation (THEORY.md §3).
 *
 * Derivation. Let θ be the trained parameters and J = ∂vec(U)/∂θ (mC × P) at t = 0. One GD step on ½R
 * with step s moves θ by −s Jᵀ(U − Y), so to first order
 *     U(t+1) − Y = (I − s K)(U(t) − Y),    K = J Jᵀ  (mC × mC, symmetric PSD).
 * The linearised map is stable iff s < 2/λ_max(K). The two parameterisations differ in θ and in s:
 *  - 'ntk': θ = W, GD on ½R with step η, so s = η and the limit is η < 2/λ_max(K).
 *    For C = 1, K_jk = (1/N) Σ_r a_r² 1{w_rᵀx_j>0} 1{w_rᵀx_k>0} x_jᵀx_k = H(0)_jk exactly (a_r² = 1).
 *    For C > 1, K_(jc),(kc′) = (1/N) Σ_r a_rc a_rc′ 1_jr 1_kr x_jᵀx_k: its diagonal blocks are H(0).
 *  - 'meanfield': θ = (W, b), GD on L = R/(2m) with step ηN, i.e. on ½R with step s = ηN/m, and
 *    K = (1/N²) Σ_r [b_rc b_rc′ 1_jr 1_kr x_jᵀx_k + δ_cc′ ReLU(w_rᵀx_j) ReLU(w_rᵀx_k)], so η < 2m/(N λ_max(K)).
 * For ReLU with W trained alone, U is piecewise linear in W, so K is the exact Gauss–Newton part and the
 * loss Hessian equals JᵀJ inside an activation region. For 'meanfield' U is bilinear in (W, b); the Hessian
 * also has a residual-weighted W–b cross term, which this function-space linearisation leaves out.
 *
 * λ_max(K) is found matrix-free: K·q = J(Jᵀq) with the explicit matmuls of backprop.ts (or an engine's graph
 * of the same products, Engine.stability, driving the same `stabilityIteration`), so the mC × mC matrix is never
 * formed. The iteration is Lanczos with full reorthogonalisation on the power iterates
 * (the same matvecs as power iteration, kept in a Krylov basis): for C > 1 the top of K is a cluster of C
 * eigenvalues split only by O(λ/√N), where plain power iteration needs hundreds of steps to resolve the
 * top one (method 'power' stays available for comparison). Stop rule: the Ritz residual ‖Kq − θq‖ ≤
 * tolerance·θ, which certifies an eigenvalue within relative distance `tolerance` of θ; the residual is
 * then re-measured with one extra explicit K·q so the reported figure does not rest on Lanczos algebra.
 */
import { tf } from '../backend/tf';
import type { DataTensors } from '../data/tensors';
import { lanczosIteration, runWith, type OperatorIteration } from '../linalg/lanczos';
import { dot, norm, residualNorm, scale } from '../linalg/vector';
import { Rng } from '../rng';
import { forward, jvp, vjp, type ForwardPass } from './backprop';
import { disposeResident, uploadWeights, type ResidentWeights } from './resident';
import type { TwoLayerWeights } from './types';
import { requireConsistentWeights, requireDataShapes, requirePositiveFinite, requirePositiveInteger } from './validate';

export interface StabilityInfo {
  /**
   * λ_max(K(0)) of the linearised GD operator K = J Jᵀ at initialisation; equals λ_max(H(0)) for
   * 'ntk' with C = 1 (see the derivation at the top of stability.ts).
   */
  lambdaMaxH0: number;
  /** The step η at which the linearised map I − sK loses stability: 2/λ ('ntk'), 2m/(Nλ) ('meanfield'). */
  limit: number;
  /** The formula behind `limit`, for messages, e.g. "2/λ_max(H(0))". */
  limitFormula: string;
  /** Whether the measured relative residual ‖Kq − λq‖/λ reached the tolerance. */
  converged: boolean;
  /** Measured ‖Kq − λq‖/(λ‖q‖) of the returned estimate: some eigenvalue lies this close (relatively). */
  relativeResidual: number;
  tolerance: number;
  /** Number of K·q products in the iteration (excluding the final check). */
  iterations: number;
  /** The training step size, when this info comes from a training run. */
  eta?: number;
}

export interface StabilityOptions {
  /** Relative residual tolerance of the eigenvalue estimate; default 1e-4. */
  tolerance?: number;
  /** Cap on K·q products; default 300. */
  maxIterations?: number;
  /** 'lanczos' (default) or plain 'power' iteration. */
  method?: 'lanczos' | 'power';
  /** Seed of the random start vector; default fixed, so results are reproducible. */
  seed?: number;
}

const DEFAULT_SEED = 20210731;

type HostVector = Float64Array;

interface EigenEstimate {
  value: number;
  vector: HostVector;
  iterations: number;
}

/**
 * λ_max of the linearised GD operator K = J Jᵀ at `weights` on `data`, and the step-size limit 2/λ_max it
 * implies (THEORY.md §3.3).
 *
 * @param weights - the network.
 * @param data - the dataset as tensors.
 * @param opts - Lanczos tolerance and iterations.
 * @returns λ_max and the step-size limit.
 */
export function stabilityInfo(
  weights: TwoLayerWeights,
  data: Pick<DataTensors, 'x' | 'xT'>,
  opts: StabilityOptions = {},
): StabilityInfo {
  const op = 'stabilityInfo';
  requireConsistentWeights(weights, op);
  requireDataShapes(data, weights, op);
  const iteration = stabilityIteration(weights, data.x.shape[0], opts, op);
  const resident = uploadWeights(weights);
  const pass = tf.tidy(() => forward(resident, data.x));
  try {
    return runWith(iteration, (q) => applyOperator(resident, pass, data, q));
  } finally {
    tf.dispose([pass.activations, pass.mask, pass.output]);
    disposeResident(resident);
  }
}

/**
 * The eigen-solve behind stabilityInfo as an operator iteration (src/linalg/lanczos.ts): it yields q ∈ R^{mC}
 * and is resumed with K·q, so an engine can supply the products (Engine.stability). Options are checked here,
 * before any product.
 */
export function stabilityIteration(
  weights: TwoLayerWeights,
  m: number,
  opts: StabilityOptions = {},
  op = 'stabilityIteration',
): OperatorIteration<StabilityInfo> {
  const tolerance = opts.tolerance ?? 1e-4;
  const maxIterations = opts.maxIterations ?? 300;
  requirePositiveFinite(tolerance, 'tolerance', op);
  requirePositiveInteger(maxIterations, 'maxIterations', op);
  return solve(weights, m, tolerance, maxIterations, opts);
}

function* solve(
  weights: TwoLayerWeights,
  m: number,
  tolerance: number,
  maxIterations: number,
  opts: StabilityOptions,
): OperatorIteration<StabilityInfo> {
  const start = startVector(m * weights.outputs, opts.seed ?? DEFAULT_SEED);
  const estimate =
    (opts.method ?? 'lanczos') === 'lanczos'
      ? yield* lanczos(start, tolerance, maxIterations)
      : yield* powerTop(start, tolerance, maxIterations);
  const relativeResidual = yield* measuredResidual(estimate);
  return {
    lambdaMaxH0: estimate.value,
    ...stepLimit(weights, m, estimate.value),
    converged: relativeResidual <= tolerance,
    relativeResidual,
    tolerance,
    iterations: estimate.iterations,
  };
}

/** Throws when an operator product holds a non-finite value (the data or weights do). */
export function requireFiniteProduct(values: Float64Array): Float64Array {
  if (!values.every(Number.isFinite))
    throw new RangeError('stabilityInfo: K·q is not finite: the data hold non-finite values');
  return values;
}

function stepLimit(weights: TwoLayerWeights, m: number, lambda: number): { limit: number; limitFormula: string } {
  // K = 0 (every neuron inactive on every input): GD does not move, so no step size is unstable.
  if (weights.parameterisation === 'ntk') {
    const limitFormula = weights.outputs === 1 ? '2/λ_max(H(0))' : '2/λ_max(K(0))';
    return { limit: lambda > 0 ? 2 / lambda : Infinity, limitFormula };
  }
  return { limit: lambda > 0 ? (2 * m) / (weights.width * lambda) : Infinity, limitFormula: '2m/(N·λ_max(K(0)))' };
}

/** K·q = J(Jᵀq) for q ∈ R^{mC} (row-major m×C), computed in float32 and returned in float64. */
function applyOperator(
  resident: ResidentWeights,
  pass: ForwardPass,
  data: Pick<DataTensors, 'x' | 'xT'>,
  q: HostVector,
): HostVector {
  const m = data.x.shape[0];
  const product = tf.tidy(() => {
    const cotangent = tf.tensor2d(Float32Array.from(q), [m, resident.outputs]);
    const trainsOutput = resident.parameterisation === 'meanfield';
    return jvp(resident, pass, data.x, vjp(resident, pass, data.xT, cotangent, trainsOutput));
  });
  const values = Float64Array.from(product.dataSync());
  product.dispose();
  return requireFiniteProduct(values);
}

function startVector(size: number, seed: number): HostVector {
  const v = Float64Array.from(new Rng(seed).fork('stability-start').normalArray(size));
  return scale(v, 1 / norm(v));
}

function* powerTop(start: HostVector, tolerance: number, maxIterations: number): OperatorIteration<EigenEstimate> {
  let q = start;
  let value = 0;
  for (let k = 1; k <= maxIterations; k++) {
    const kq = yield q;
    value = dot(q, kq);
    const kqNorm = norm(kq);
    if (kqNorm === 0) return { value: 0, vector: q, iterations: k };
    if (residualNorm(kq, q, value) <= tolerance * value) return { value, vector: q, iterations: k };
    q = scale(kq, 1 / kqNorm);
  }
  return { value, vector: q, iterations: maxIterations };
}

/**
 * Lanczos with full reorthogonalisation (src/linalg/lanczos.ts; twice, to stay orthogonal in the presence of
 * float32 K·q), the Ritz residual checked at every step.
 */
function* lanczos(start: HostVector, tolerance: number, maxIterations: number): OperatorIteration<EigenEstimate> {
  const { value, vector, iterations } = yield* lanczosIteration(start, {
    tolerance,
    maxIterations,
    breakdown: { relativeTo: 'ritzValue', tolerance: 1e-12 },
  });
  return { value, vector, iterations };
}

function* measuredResidual(estimate: EigenEstimate): OperatorIteration<number> {
  if (estimate.value <= 0) return norm(yield estimate.vector) === 0 ? 0 : Infinity;
  const q = scale(estimate.vector, 1 / norm(estimate.vector));
  return residualNorm(yield q, q, estimate.value) / estimate.value;
}
