/** Row-wise helpers on m×d row-major Float32Arrays. Norms are accumulated in float64. */

// Module-level aliases: under jest every global lookup (Math, Number) costs ≈ 1 µs (test globals live
// in a vm context), which turns per-entry loops over 10^7 values into seconds.
const sqrt = Math.sqrt;

/** Euclidean norm of each row, in float64. */
export function rowNorms(x: Float32Array, m: number, d: number): Float64Array {
  const norms = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let k = i * d, end = k + d; k < end; k++) s += x[k] * x[k];
    norms[i] = sqrt(s);
  }
  return norms;
}

/**
 * Copies row `from` of `src` into row `to` of `dst`, divided by `norm` (float64 division,
 * one float32 rounding per entry, so the stored row has norm 1 to ≈ √d·2⁻²⁴).
 */
export function copyRowScaled(
  src: Float32Array,
  from: number,
  dst: Float32Array,
  to: number,
  d: number,
  norm: number,
): void {
  const s = from * d;
  const t = to * d;
  for (let k = 0; k < d; k++) dst[t + k] = src[s + k] / norm;
}

/** Whether rows i and j hold bitwise-identical values. */
export function rowsEqual(x: Float32Array, i: number, j: number, d: number): boolean {
  const a = i * d;
  const b = j * d;
  for (let k = 0; k < d; k++) if (x[a + k] !== x[b + k]) return false;
  return true;
}

/** Float64 dot product of rows i and j. */
export function rowDot(x: Float32Array, i: number, j: number, d: number): number {
  let s = 0;
  const a = i * d;
  const b = j * d;
  for (let k = 0; k < d; k++) s += x[a + k] * x[b + k];
  return s;
}
