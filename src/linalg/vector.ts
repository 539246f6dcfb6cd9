/**
 * Dense float64 vector helpers shared by every solver (layer 0: imports nothing from src/).
 * Loops run over the first argument's length in index order, so results are reproducible bit for bit.
 */

/** aᵀb. */
export function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

/** ‖a‖₂² = Σ a_i², summed in index order in float64 (for a Float64Array, the same bits as dot(a, a)). */
export function sumSquares(a: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * a[i];
  return sum;
}

/** ‖a − b‖₂², summed in index order. */
export function squaredDistance(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return sum;
}

/** ‖a‖₂. */
export function norm(a: Float64Array): number {
  return Math.sqrt(dot(a, a));
}

/** y ← y + alpha·x (BLAS argument order), in place. */
export function axpy(alpha: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += alpha * x[i];
}

/** A new vector factor·v. */
export function scale(v: Float64Array, factor: number): Float64Array {
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] * factor;
  return out;
}

/** v ← v/‖v‖ in place (dividing, not multiplying by the reciprocal); returns ‖v‖. */
export function normalise(v: Float64Array): number {
  const length = norm(v);
  for (let i = 0; i < v.length; i++) v[i] /= length;
  return length;
}

/** Σ_i coefficients[i]·basis[i], accumulated in basis order. */
export function combine(basis: readonly Float64Array[], coefficients: ArrayLike<number>): Float64Array {
  if (basis.length === 0) throw new RangeError('combine: the basis is empty');
  if (coefficients.length < basis.length)
    throw new RangeError(`combine: ${coefficients.length} coefficients for ${basis.length} basis vectors`);
  const out = new Float64Array(basis[0].length);
  basis.forEach((q, i) => axpy(coefficients[i], q, out));
  return out;
}

/** ‖Av − θv‖₂ given Av: the eigen-residual of the pair (θ, v). */
export function residualNorm(av: Float64Array, v: Float64Array, theta: number): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    const r = av[i] - theta * v[i];
    sum += r * r;
  }
  return Math.sqrt(sum);
}
