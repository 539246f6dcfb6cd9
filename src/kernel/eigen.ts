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
import { lanczosTop } from '../linalg/lanczos';
import { dot, norm, normalise, residualNorm } from '../linalg/vector';
import { Rng } from '../rng';

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
const RITZ_CHECK_EVERY = 4;
const UNIT_ROUNDOFF = 2 ** -53;

/** A dense symmetric n×n matrix stored row-major. */
export interface SymmetricArray {
  n: number;
  a: Float64Array;
}

function toSymmetricArray(M: Matrix): SymmetricArray {
  if (M.rows !== M.columns)
    throw new RangeError(`symmetricExtremeEigenvalues: matrix must be square, got ${M.rows}×${M.columns}`);
  const n = M.rows;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) a.set(M.getRow(i), i * n);
  return { n, a };
}

export function toMatrix({ n, a }: SymmetricArray): Matrix {
  const rows: Float64Array[] = [];
  for (let i = 0; i < n; i++) rows.push(a.subarray(i * n, (i + 1) * n));
  return new Matrix(rows);
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

// ---------- Cholesky and triangular solves (row-major, lower triangle in place) ----------

/** Column-panel width of the blocked Cholesky: b rows of length ≤ n stay in L2 while the rest streams past. */
const CHOLESKY_PANEL = 32;

/**
 * L with M − shift·I = L Lᵀ, or the failing pivot. Only the lower triangle of the result is meaningful.
 * Left-looking by column panels: each panel first receives the whole update from the columns to its left
 * (a cache-friendly matrix product, almost all of the n³/3 flops), then is factorised column by column.
 */
export function cholesky(
  S: SymmetricArray,
  shift = 0,
): { ok: true; L: Float64Array } | { ok: false; row: number; pivot: number } {
  const { n } = S;
  const L = Float64Array.from(S.a);
  for (let i = 0; i < n; i++) L[i * n + i] -= shift;
  for (let k0 = 0; k0 < n; k0 += CHOLESKY_PANEL) {
    const k1 = Math.min(n, k0 + CHOLESKY_PANEL);
    updatePanel(L, n, k0, k1);
    const failure = factorPanel(L, n, k0, k1);
    if (failure) return { ok: false, ...failure };
  }
  return { ok: true, L };
}

/**
 * L[i, j] −= Σ_{s<k0} L[i, s]·L[j, s] for i ≥ j, j ∈ [k0, k1): dot products in register blocks of
 * 2 rows i × 4 rows j (8 accumulators, 6 loads per 8 multiply-adds).
 */
function updatePanel(L: Float64Array, n: number, k0: number, k1: number): void {
  if (k0 === 0) return;
  let i = k0;
  for (; i + 1 < n; i += 2) {
    const ri = i * n;
    const ri1 = ri + n;
    const jEnd = Math.min(k1, i + 2);
    let j = k0;
    for (; j + 3 < jEnd; j += 4) {
      const rj = j * n;
      let s00 = 0,
        s01 = 0,
        s02 = 0,
        s03 = 0,
        s10 = 0,
        s11 = 0,
        s12 = 0,
        s13 = 0;
      for (let s = 0; s < k0; s++) {
        const a0 = L[ri + s];
        const a1 = L[ri1 + s];
        const b0 = L[rj + s];
        const b1 = L[rj + n + s];
        const b2 = L[rj + 2 * n + s];
        const b3 = L[rj + 3 * n + s];
        s00 += a0 * b0;
        s01 += a0 * b1;
        s02 += a0 * b2;
        s03 += a0 * b3;
        s10 += a1 * b0;
        s11 += a1 * b1;
        s12 += a1 * b2;
        s13 += a1 * b3;
      }
      const sums = [s00, s01, s02, s03, s10, s11, s12, s13];
      for (let q = 0; q < 4; q++) {
        if (j + q <= i) L[ri + j + q] -= sums[q];
        if (j + q <= i + 1) L[ri1 + j + q] -= sums[4 + q];
      }
    }
    for (; j < jEnd; j++) {
      const rj = j * n;
      if (j <= i) L[ri + j] -= dotPrefix(L, ri, rj, k0);
      L[ri1 + j] -= dotPrefix(L, ri1, rj, k0);
    }
  }
  if (i < n) {
    const ri = i * n;
    for (let j = k0; j < Math.min(k1, i + 1); j++) L[ri + j] -= dotPrefix(L, ri, j * n, k0);
  }
}

/** Unblocked Cholesky of columns [k0, k1) (all rows below), given the update from columns < k0. */
function factorPanel(L: Float64Array, n: number, k0: number, k1: number): { row: number; pivot: number } | null {
  for (let j = k0; j < k1; j++) {
    const rj = j * n;
    let pivot = L[rj + j];
    for (let s = k0; s < j; s++) pivot -= L[rj + s] * L[rj + s];
    if (!(pivot > 0)) return { row: j, pivot };
    const diag = Math.sqrt(pivot);
    L[rj + j] = diag;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let v = L[ri + j];
      for (let s = k0; s < j; s++) v -= L[ri + s] * L[rj + s];
      L[ri + j] = v / diag;
    }
  }
  return null;
}

/** Σ_{k<len} a[p+k]·a[q+k], four accumulators to break the add dependency chain. */
function dotPrefix(a: Float64Array, p: number, q: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += a[p + k] * a[q + k];
    s1 += a[p + k + 1] * a[q + k + 1];
    s2 += a[p + k + 2] * a[q + k + 2];
    s3 += a[p + k + 3] * a[q + k + 3];
  }
  for (; k < len; k++) s0 += a[p + k] * a[q + k];
  return s0 + s1 + s2 + s3;
}

/** x = (L Lᵀ)⁻¹ b, writing into out. */
function choleskySolve(L: Float64Array, n: number, b: Float64Array, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s0 = 0;
    let s1 = 0;
    let k = 0;
    for (; k + 1 < i; k += 2) {
      s0 += L[ri + k] * out[k];
      s1 += L[ri + k + 1] * out[k + 1];
    }
    if (k < i) s0 += L[ri + k] * out[k];
    out[i] = (b[i] - s0 - s1) / L[ri + i];
  }
  // Lᵀx = z by column sweeps so that L is read by rows.
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * n;
    const xi = out[i] / L[ri + i];
    out[i] = xi;
    for (let k = 0; k < i; k++) out[k] -= L[ri + k] * xi;
  }
}

function matVec(S: SymmetricArray, v: Float64Array, out: Float64Array): void {
  const { n, a } = S;
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s0 = 0;
    let s1 = 0;
    let j = 0;
    for (; j + 1 < n; j += 2) {
      s0 += a[ri + j] * v[j];
      s1 += a[ri + j + 1] * v[j + 1];
    }
    if (j < n) s0 += a[ri + j] * v[j];
    out[i] = s0 + s1;
  }
}

// ---------- Lanczos ----------

/**
 * Unit eigenvector estimate for the largest eigenvalue of the symmetric operator `apply` (src/linalg/lanczos.ts,
 * stop rule β|s_k| ≤ 1e-12·|θ| checked every few steps). The start vector comes from a fixed-seed Rng so results
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
    // The k×k tridiagonal eigenproblem costs O(k³): check convergence every few steps only.
    checkEvery: RITZ_CHECK_EVERY,
    breakdown: { relativeTo: 'operatorScale', tolerance: UNIT_ROUNDOFF },
  });
  normalise(vector);
  return vector;
}

/** Rayleigh quotient θ = vᵀMv of a unit vector and the residual ‖Mv − θv‖. */
function rayleigh(S: SymmetricArray, v: Float64Array): { value: number; residual: number } {
  const Mv = new Float64Array(S.n);
  matVec(S, v, Mv);
  const value = dot(v, Mv);
  return { value, residual: residualNorm(Mv, v, value) };
}

function lanczosExtremes(S: SymmetricArray, certifyMin: boolean): ExtremeEigenvalues {
  const { n } = S;
  const top = rayleigh(
    S,
    lanczosTopVector(n, (v, o) => matVec(S, v, o), 0x1a2c),
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
