/**
 * The top eigenpair of a symmetric tridiagonal matrix T (diagonal α, off-diagonal β), as Lanczos needs it at
 * every convergence check: the largest eigenvalue by Sturm-sequence bisection (the count of eigenvalues below
 * x is the number of negative pivots of T − xI; each count is O(k)) to the bracket's upper end σ, where σI − T is
 * positive definite, so its LDLᵀ pivots are the Sturm pivots at σ and need no pivoting; then the eigenvector by
 * inverse iteration with that factorisation, and the value as its Rayleigh quotient. O(k) per bisection step
 * instead of a dense O(k³) eigendecomposition.
 */

/** Top eigenpair of a symmetric tridiagonal matrix. */
export interface TridiagonalTopPair {
  value: number;
  /** Unit eigenvector (length k). */
  vector: number[];
}

const EPS = 2 ** -52;
/** Inverse-iteration sweeps: the shift is within a few ulps of λ_max, so each sweep gains ≈ log10(gap/ulp) digits. */
const INVERSE_ITERATIONS = 3;
/**
 * A partial solution is rescaled to max 1 once an entry passes this. With |β/pivot| ≤ 2¹⁰⁴ and pivots ≥ 2⁻⁸⁹⁷
 * (PIVMIN_FLOOR), no step of a solve can then overflow.
 */
const RESCALE_ABOVE = 2 ** 100;
const PIVMIN_FLOOR = 1e-270;

/**
 * Largest eigenvalue and its eigenvector of the symmetric tridiagonal matrix with diagonal `alpha`
 * (length k) and off-diagonal `beta` (length ≥ k − 1; extra entries are ignored). k = 0 gives value 0.
 */
export function tridiagonalTopPair(alpha: readonly number[], beta: readonly number[]): TridiagonalTopPair {
  const k = alpha.length;
  if (k === 0) return { value: 0, vector: [] };
  // Work on T / 2^e with entries of order 1 (exact): β² can then neither overflow nor underflow.
  let largest = 0;
  for (let i = 0; i < k; i++) largest = Math.max(largest, Math.abs(alpha[i]), i + 1 < k ? Math.abs(beta[i]) : 0);
  const unit = largest > 0 ? 2 ** Math.round(Math.log2(largest)) : 1;
  const a = Array.from({ length: k }, (_, i) => alpha[i] / unit);
  const b = Array.from({ length: k - 1 }, (_, i) => beta[i] / unit);
  const scale = largest / unit;
  // A pivot smaller than this counts as −pivmin (LAPACK's dstebz guard), far below any eigenvalue gap we resolve.
  const pivmin = Math.max(EPS * EPS * scale, PIVMIN_FLOOR);
  const pivots = new Float64Array(k);
  const hi = upperBracket(a, b, scale, pivmin, pivots);
  negativePivots(a, b, hi, pivmin, pivots); // all k negative at hi: −pivots are σI − T's LDLᵀ pivots
  const vector = inverseIteration(b, pivots);
  return { value: rayleighQuotient(alpha, beta, vector), vector };
}

/** xᵀTx: second-order accurate in the vector's error, and exact for k = 1 or an exact eigenvector. */
function rayleighQuotient(alpha: readonly number[], beta: readonly number[], x: readonly number[]): number {
  let value = 0;
  for (let i = 0; i < x.length; i++) {
    value += alpha[i] * x[i] * x[i];
    if (i + 1 < x.length) value += 2 * beta[i] * x[i] * x[i + 1];
  }
  return value;
}

/** Number of negative pivots of T − xI (= eigenvalues below x); the pivots are left in `pivots`. */
function negativePivots(
  alpha: readonly number[],
  beta: readonly number[],
  x: number,
  pivmin: number,
  pivots: Float64Array,
): number {
  let count = 0;
  let q = 1;
  for (let i = 0; i < alpha.length; i++) {
    q = alpha[i] - x - (i > 0 ? (beta[i - 1] * beta[i - 1]) / q : 0);
    if (Math.abs(q) < pivmin) q = -pivmin;
    pivots[i] = q;
    if (q < 0) count++;
  }
  return count;
}

/** The upper end σ of a bracket [lo, σ) of λ_max as narrow as the arithmetic allows (all k eigenvalues below σ). */
function upperBracket(
  alpha: readonly number[],
  beta: readonly number[],
  scale: number,
  pivmin: number,
  pivots: Float64Array,
): number {
  const k = alpha.length;
  const count = (x: number) => negativePivots(alpha, beta, x, pivmin, pivots);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < k; i++) {
    const radius = (i > 0 ? Math.abs(beta[i - 1]) : 0) + (i + 1 < k ? Math.abs(beta[i]) : 0);
    lo = Math.min(lo, alpha[i] - radius);
    hi = Math.max(hi, alpha[i] + radius); // Gershgorin: every eigenvalue lies in [lo, hi]
  }
  const pad = 2 * EPS * scale + 2 * pivmin;
  hi += pad;
  lo -= pad;
  for (let step = pad; count(hi) < k; step *= 2) hi += step;
  for (;;) {
    const mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi || hi - lo <= 2 * EPS * Math.max(Math.abs(lo), Math.abs(hi)) + pivmin) break;
    if (count(mid) === k) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * Eigenvector of λ_max by inverse iteration with σI − T = L D Lᵀ, D = −pivots (all > 0), L unit lower
 * bidiagonal with L[i+1][i] = β_i / pivots[i]. The start has no zero component and no structure, so it is not
 * orthogonal to the eigenvector.
 */
function inverseIteration(beta: readonly number[], pivots: Float64Array): number[] {
  const k = pivots.length;
  let x = Array.from({ length: k }, (_, i) => 1 + ((i * 0.6180339887498949) % 1));
  for (let sweep = 0; sweep < INVERSE_ITERATIONS; sweep++) x = normalised(solveShifted(beta, pivots, x));
  return x;
}

/** Solves (σI − T) x = r through its LDLᵀ, rescaling the partial solution so that it never overflows. */
function solveShifted(beta: readonly number[], pivots: Float64Array, r: readonly number[]): number[] {
  const k = pivots.length;
  const y = r.slice();
  // Forward: L y = r, with L[i][i−1] = −β_{i−1}/d_{i−1} = β_{i−1}/pivots[i−1].
  for (let i = 1; i < k; i++) {
    y[i] -= (beta[i - 1] / pivots[i - 1]) * y[i - 1];
    keepBounded(y, i);
  }
  // Diagonal and backward: D Lᵀ x = y.
  for (let i = 0; i < k; i++) {
    y[i] /= -pivots[i];
    keepBounded(y, i);
  }
  for (let i = k - 2; i >= 0; i--) {
    y[i] -= (beta[i] / pivots[i]) * y[i + 1];
    keepBounded(y, i);
  }
  return y;
}

/** Divides the whole vector by |v[i]| when that entry grew past RESCALE_ABOVE (every other entry is then ≤ 1). */
function keepBounded(v: number[], i: number): void {
  const size = Math.abs(v[i]);
  if (size <= RESCALE_ABOVE) return;
  for (let j = 0; j < v.length; j++) v[j] /= size;
}

function normalised(v: number[]): number[] {
  let largest = 0;
  for (const e of v) largest = Math.max(largest, Math.abs(e));
  if (!(largest > 0) || !Number.isFinite(largest)) throw new Error('tridiagonalTopPair: inverse iteration failed');
  let sumSq = 0;
  for (const e of v) sumSq += (e / largest) ** 2;
  const norm = largest * Math.sqrt(sumSq);
  return v.map((e) => e / norm);
}
