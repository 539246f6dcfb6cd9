/**
 * Cholesky factorisation of a shifted dense symmetric matrix and the solves with its factor
 * (row-major, lower triangle in place).
 */
import type { SymmetricArray } from './symmetric';

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
export function choleskySolve(L: Float64Array, n: number, b: Float64Array, out: Float64Array): void {
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
