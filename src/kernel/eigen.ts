/**
 * Extreme eigenvalues of dense symmetric matrices in float64, fast enough for m = 2000.
 *
 *  - 'dense':   ml-matrix's full symmetric eigendecomposition (backward stable, O(n³) with a large constant;
 *               the default for n ≤ DENSE_LIMIT).
 *  - 'lanczos': λ_max by Lanczos with full reorthogonalisation on M; λ_min by the same Lanczos on
 *               (M − σI)⁻¹ through a Cholesky factorisation (shift-invert: the smallest eigenvalues of M
 *               become the best separated ones of the inverse, so a few dozen steps suffice). Each
 *               eigenvalue is returned as the Rayleigh quotient θ = vᵀMv of a unit Ritz vector v with the
 *               residual ‖Mv − θv‖, which certifies that M has an eigenvalue within that distance of θ.
 *               With `certifyMin`, a second Cholesky of M − (θ − residual − margin)I proves no eigenvalue
 *               lies below that point (Sylvester's inertia), so λ_min is bracketed, not only approximated.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { cholesky, choleskySolve } from '../linalg/cholesky';
import { lanczosTop } from '../linalg/lanczos';
import { symmetricMatVec, toMatrix, type SymmetricArray } from '../linalg/symmetric';
import { dot, norm, normalise, residualNorm } from '../linalg/vector';
import { Rng } from '../rng';

export { cholesky } from '../linalg/cholesky';
export { toMatrix, type SymmetricArray } from '../linalg/symmetric';

export type EigenMethod = 'dense' | 'lanczos';

export interface ExtremeEigenvalues {
  /** λ_min. */
  min: number;
  /** λ_max. */
  max: number;
  /** M has an eigenvalue within this distance of `min` (lanczos: residual ‖Mv − θv‖; dense: backward-error bound 10·n·ε·‖M‖_F). */
  minError: number;
  /** M has an eigenvalue within this distance of `max`. */
  maxError: number;
  /** A proven lower bound on λ_min (Cholesky certificate), or null when not certified. */
  minLowerBound: number | null;
  method: EigenMethod;
}

export interface EigenOptions {
  method?: 'auto' | EigenMethod;
  /** 'auto' uses the dense method up to this size. */
  denseLimit?: number;
  /** Prove a lower bound on λ_min with one more Cholesky factorisation (lanczos only). */
  certifyMin?: boolean;
}

const DENSE_LIMIT = 300;
const LANCZOS_MAX_STEPS = 300;
/** Stop Lanczos when the Ritz residual estimate is below this fraction of |θ|. */
const LANCZOS_REL_TOL = 1e-12;
const UNIT_ROUNDOFF = 2 ** -53;

function toSymmetricArray(M: Matrix): SymmetricArray {
  if (M.rows !== M.columns)
    throw new RangeError(`symmetricExtremeEigenvalues: matrix must be square, got ${M.rows}×${M.columns}`);
  const n = M.rows;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) a.set(M.getRow(i), i * n);
  return { n, a };
}

export function symmetricExtremeEigenvalues(M: Matrix, opts: EigenOptions = {}): ExtremeEigenvalues {
  return extremeEigenvalues(toSymmetricArray(M), opts);
}

export function extremeEigenvalues(S: SymmetricArray, opts: EigenOptions = {}): ExtremeEigenvalues {
  if (S.n === 0) throw new RangeError('symmetricExtremeEigenvalues: matrix is empty');
  for (let i = 0; i < S.a.length; i++) {
    if (!Number.isFinite(S.a[i]))
      throw new RangeError(`symmetricExtremeEigenvalues: entry ${i} is not finite (${S.a[i]})`);
  }
  const method =
    opts.method && opts.method !== 'auto' ? opts.method : S.n <= (opts.denseLimit ?? DENSE_LIMIT) ? 'dense' : 'lanczos';
  return method === 'dense' ? denseExtremes(S) : lanczosExtremes(S, opts.certifyMin ?? false);
}

/** ‖M‖_F of a row-major matrix. */
const frobeniusNorm = norm;

function denseExtremes(S: SymmetricArray): ExtremeEigenvalues {
  const values = new EigenvalueDecomposition(toMatrix(S), { assumeSymmetric: true }).realEigenvalues;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // Backward stability of the symmetric QR algorithm: computed eigenvalues are exact for M + E, ‖E‖ ≲ c·n·ε·‖M‖.
  const error = 10 * S.n * UNIT_ROUNDOFF * frobeniusNorm(S.a);
  return { min, max, minError: error, maxError: error, minLowerBound: null, method: 'dense' };
}

// ---------- Lanczos ----------

/**
 * Unit eigenvector estimate for the largest eigenvalue of the symmetric operator `apply` (src/linalg/lanczos.ts,
 * stop rule β|s_k| ≤ 1e-12·|θ| checked at every step). The start vector comes from a fixed-seed Rng so results
 * are reproducible.
 */
function lanczosTopVector(n: number, apply: (v: Float64Array, out: Float64Array) => void, seed: number): Float64Array {
  const rng = new Rng(seed);
  const start = new Float64Array(n);
  for (let i = 0; i < n; i++) start[i] = rng.normal();
  normalise(start);
  const applyFresh = (v: Float64Array): Float64Array => {
    const out = new Float64Array(n);
    apply(v, out);
    return out;
  };
  const { vector } = lanczosTop(applyFresh, start, {
    tolerance: LANCZOS_REL_TOL,
    maxIterations: LANCZOS_MAX_STEPS,
    breakdown: { relativeTo: 'operatorScale', tolerance: UNIT_ROUNDOFF },
  });
  normalise(vector);
  return vector;
}

/** Rayleigh quotient θ = vᵀMv of a unit vector and the residual ‖Mv − θv‖. */
function rayleigh(S: SymmetricArray, v: Float64Array): { value: number; residual: number } {
  const Mv = new Float64Array(S.n);
  symmetricMatVec(S, v, Mv);
  const value = dot(v, Mv);
  return { value, residual: residualNorm(Mv, v, value) };
}

function lanczosExtremes(S: SymmetricArray, certifyMin: boolean): ExtremeEigenvalues {
  const { n } = S;
  const top = rayleigh(
    S,
    lanczosTopVector(n, (v, o) => symmetricMatVec(S, v, o), 0x1a2c),
  );
  const norm = Math.max(Math.abs(top.value) + top.residual, frobeniusNorm(S.a) / Math.sqrt(n), Number.MIN_VALUE);
  const { L, shift } = factoriseBelowSpectrum(S, norm);
  const bottom = rayleigh(
    S,
    lanczosTopVector(n, (v, o) => choleskySolve(L, n, v, o), 0x5e77),
  );
  return {
    min: bottom.value,
    max: top.value,
    minError: bottom.residual,
    maxError: top.residual,
    // ‖M‖_F ≥ ‖M‖₂ keeps the certificate's rounding margin rigorous.
    minLowerBound: certifyMin ? certifyLowerBound(S, bottom.value - bottom.residual, frobeniusNorm(S.a), shift) : null,
    method: 'lanczos',
  };
}

/**
 * Cholesky of M − σI for the largest σ on the ladder 0, −1e-10·‖M‖, −1e-8·‖M‖, … that succeeds
 * (σ = 0 for a positive definite M; a negative shift makes a singular or indefinite M definite).
 */
function factoriseBelowSpectrum(S: SymmetricArray, norm: number): { L: Float64Array; shift: number } {
  for (let shift = 0, step = 1e-10 * norm; ; shift = -step, step *= 100) {
    const f = cholesky(S, shift);
    if (f.ok) return { L: f.L, shift };
    if (step > 1e6 * norm)
      throw new Error(
        'symmetricExtremeEigenvalues: no shift makes the matrix positive definite (is it symmetric and finite?)',
      );
  }
}

/**
 * A proven lower bound on λ_min. If the floating-point Cholesky of M − σI succeeds, M − σI + E is positive
 * definite with ‖E‖₂ ≤ n(n+1)·ε·‖M‖₂ (Higham, Thm 10.3, with ‖|L||Lᵀ|‖₂ ≤ n‖M‖₂), so λ_min(M) > σ − that.
 * Tries σ just below the residual bracket [estimate, ·]; falls back to the shift that already factorised.
 */
function certifyLowerBound(S: SymmetricArray, estimate: number, norm: number, factorisedShift: number): number {
  const backwardError = 1.1 * S.n * (S.n + 1) * UNIT_ROUNDOFF * norm;
  const candidate = estimate - backwardError;
  if (candidate > factorisedShift && cholesky(S, candidate).ok) return candidate - backwardError;
  return factorisedShift - backwardError;
}
