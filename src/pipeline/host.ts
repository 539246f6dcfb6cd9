/** Host-side reductions over typed arrays, shared by the pipeline and the checks (sums of squares: src/linalg). */

import { sumSquares } from '../linalg/vector';

// Bound once: under jest every global lookup costs ~1 µs (see src/data/synthetic.ts).
const { abs, sqrt, max } = Math;

export function maxAbs(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s = max(s, abs(values[i]));
  return s;
}

/** max_j |‖x_j‖₂ − 1| over the rows of a row-major m×d matrix (hypothesis H1). */
export function maxNormDeviation(x: Float32Array, m: number, d: number): number {
  let worst = 0;
  for (let j = 0; j < m; j++) worst = max(worst, abs(sqrt(sumSquares(x.subarray(j * d, (j + 1) * d))) - 1));
  return worst;
}
