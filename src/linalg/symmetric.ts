/**
 * Dense symmetric matrices stored row-major in one Float64Array (cache-friendly, no per-row objects),
 * and the conversions to and from ml-matrix.
 */
import { Matrix } from 'ml-matrix';

/** A dense symmetric n×n matrix stored row-major. */
export interface SymmetricArray {
  n: number;
  a: Float64Array;
}

/** S as an ml-matrix Matrix (a copy). */
export function toMatrix({ n, a }: SymmetricArray): Matrix {
  const rows: Float64Array[] = [];
  for (let i = 0; i < n; i++) rows.push(a.subarray(i * n, (i + 1) * n));
  return new Matrix(rows);
}

/** out = S·v. */
export function symmetricMatVec(S: SymmetricArray, v: Float64Array, out: Float64Array): void {
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
