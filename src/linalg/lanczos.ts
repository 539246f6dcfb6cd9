/**
 * The one Lanczos solver for the top eigenpair of a symmetric operator, matrix-free (`apply(v) → Av`).
 *
 * Full reorthogonalisation: each new vector is Gram–Schmidt'ed against the whole basis twice ("twice is
 * enough"), which keeps the basis orthogonal to working precision even when A·v itself is computed in
 * float32. The Ritz residual of the top Ritz pair (θ, Qs) of the k×k tridiagonal T is ‖AQs − θQs‖ = β_k|s_k|,
 * so the stop rule β_k|s_k| ≤ tolerance·|θ| certifies an eigenvalue of A within relative distance
 * `tolerance` of θ (in exact arithmetic; callers that need a measured figure re-apply A once).
 */
import { tridiagonalTopPair } from './tridiagonal';
import { axpy, combine, dot, norm, scale } from './vector';

/** When the Krylov space counts as invariant (β ≈ 0): the Ritz values are then exact and the iteration stops. */
export type LanczosBreakdown =
  /** β ≤ tolerance·max_j(|α_j|, β_j), the largest tridiagonal entry so far (an operator-scale yardstick). */
  | { relativeTo: 'operatorScale'; tolerance: number }
  /** β ≤ tolerance·max(θ, 1e-300), θ the most recently computed top Ritz value. */
  | { relativeTo: 'ritzValue'; tolerance: number };

export interface LanczosOptions {
  /** Stop once the Ritz residual β_k|s_k| ≤ tolerance·|θ|. */
  tolerance: number;
  /** Cap on A·v products (further capped by the dimension). */
  maxIterations: number;
  /** Default: β ≤ 2⁻⁵³·(operator scale). */
  breakdown?: LanczosBreakdown;
}

export interface LanczosResult {
  /** Top Ritz value θ. */
  value: number;
  /** The Ritz vector Q·s (unit up to the basis' rounding; not renormalised). */
  vector: Float64Array;
  /** Number of A·v products. */
  iterations: number;
  /** The Lanczos estimate β_k|s_k| of ‖Av − θv‖ at the stop. */
  ritzResidual: number;
}

const UNIT_ROUNDOFF = 2 ** -53;

/**
 * The iteration of an operator-driven solver as a coroutine: it yields each vector v it needs A·v of and
 * is resumed with that product, so one algorithm serves a synchronous operator (host loops, tfjs) and an
 * asynchronous one (an engine's session.run). The product must be a fresh vector: it becomes workspace.
 */
export type OperatorIteration<R> = Generator<Float64Array, R, Float64Array>;

/** Runs `iteration` to its result with a synchronous operator. */
export function runWith<R>(iteration: OperatorIteration<R>, apply: (v: Float64Array) => Float64Array): R {
  let step = iteration.next();
  while (!step.done) step = iteration.next(apply(step.value));
  return step.value;
}

/** Runs `iteration` to its result with an asynchronous operator (one product in flight at a time). */
export async function runWithAsync<R>(
  iteration: OperatorIteration<R>,
  apply: (v: Float64Array) => Promise<Float64Array>,
): Promise<R> {
  let step = iteration.next();
  while (!step.done) step = iteration.next(await apply(step.value));
  return step.value;
}

/**
 * Top eigenpair of the symmetric operator `apply` (which must return a fresh vector: it becomes the next
 * basis vector's workspace) from the unit vector `start`. Deterministic: same start and A·v give the same bits.
 */
export function lanczosTop(
  apply: (v: Float64Array) => Float64Array,
  start: Float64Array,
  opts: LanczosOptions,
): LanczosResult {
  return runWith(lanczosIteration(start, opts), apply);
}

/** lanczosTop as an operator iteration (see OperatorIteration). */
export function* lanczosIteration(start: Float64Array, opts: LanczosOptions): OperatorIteration<LanczosResult> {
  validate(start, opts);
  const breakdown = opts.breakdown ?? { relativeTo: 'operatorScale', tolerance: UNIT_ROUNDOFF };
  const basis: Float64Array[] = [start];
  const alpha: number[] = [];
  const beta: number[] = [];
  const cap = Math.min(opts.maxIterations, start.length);
  let operatorScale = 0;
  for (let k = 1; ; k++) {
    const w = yield basis[k - 1];
    alpha.push(dot(basis[k - 1], w));
    for (let pass = 0; pass < 2; pass++) {
      for (const q of basis) axpy(-dot(q, w), q, w);
    }
    const b = norm(w);
    operatorScale = Math.max(operatorScale, Math.abs(alpha[k - 1]), b);
    const last = k === cap;
    // O(k) per bisection step (src/linalg/tridiagonal.ts): cheap enough to check the Ritz pair at every step.
    const ritz = tridiagonalTopPair(alpha, beta);
    const invariant = isInvariant(b, breakdown, operatorScale, ritz.value);
    // β_k|s_k| is the residual of the current Ritz pair.
    const ritzResidual = b * Math.abs(ritz.vector[k - 1]);
    if (last || invariant || ritzResidual <= opts.tolerance * Math.abs(ritz.value)) {
      return { value: ritz.value, vector: combine(basis, ritz.vector), iterations: k, ritzResidual };
    }
    beta.push(b);
    basis.push(scale(w, 1 / b));
  }
}

function isInvariant(b: number, rule: LanczosBreakdown, operatorScale: number, ritzValue: number): boolean {
  return rule.relativeTo === 'operatorScale'
    ? b <= rule.tolerance * operatorScale
    : b <= rule.tolerance * Math.max(ritzValue, 1e-300);
}

function validate(start: Float64Array, opts: LanczosOptions): void {
  if (start.length === 0) throw new RangeError('lanczosTop: the start vector is empty');
  if (!(opts.tolerance >= 0)) throw new RangeError(`lanczosTop: tolerance must be ≥ 0, got ${opts.tolerance}`);
  if (!Number.isInteger(opts.maxIterations) || opts.maxIterations < 1)
    throw new RangeError('lanczosTop: maxIterations must be an integer ≥ 1');
}
