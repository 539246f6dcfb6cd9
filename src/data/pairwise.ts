/**
 * Finding parallel, antiparallel and duplicate inputs (|cos(x_i, x_j)| ≥ 1 − 1e-6), which make
 * λ0 = λ_min(H∞) vanish or break Du et al.'s non-parallel assumption (THEORY.md §3, H3).
 *
 * Two engines give the same answer:
 *  - 'js': exact float64 loops over all pairs, O(m²d); used for small data.
 *  - 'tf': a blocked Gram matrix of the unit-normalised rows on the tfjs backend (plain
 *    matMul of a row block by a column slice of the explicitly transposed matrix; transpose
 *    flags are ~14× slower on wasm), screened with a float32 error margin, then every
 *    candidate is confirmed in float64. Only the upper triangle is computed.
 */
import { tf, type Tensor2D } from '../backend/tf';
import { copyRowScaled, rowDot, rowNorms, rowsEqual } from './rows';

/** |cos| at or above this counts as parallel. */
export const PARALLEL_COS = 1 - 1e-6;

export type PairKind = 'duplicate' | 'parallel' | 'antiparallel';

export interface ParallelPair {
  i: number;
  j: number;
  /** Cosine computed in float64 from the stored float32 values. */
  cos: number;
  kind: PairKind;
}

export interface ParallelPairs {
  /** The first `limit` offending pairs in lexicographic (i, j) order, i < j. */
  pairs: ParallelPair[];
  /** How many offending pairs there are in all. */
  total: number;
}

export type PairwiseEngine = 'auto' | 'js' | 'tf';

export interface PairwiseOptions {
  engine?: PairwiseEngine;
  /** Maximum number of pairs listed (all are counted). Default 100. */
  limit?: number;
}

/** Below this many multiply-adds the exact JS loop is fast enough (≈ 20 ms). */
const JS_WORK_LIMIT = 2e7;
/** Block results are kept under ≈ 64 MB of float32. */
const BLOCK_ENTRIES = 16e6;
const FLOAT32_UNIT_ROUNDOFF = 2 ** -24;

export function findParallelPairs(x: Float32Array, m: number, d: number, opts: PairwiseOptions = {}): ParallelPairs {
  const norms = rowNorms(x, m, d);
  const zero = norms.findIndex((n) => n === 0);
  if (zero >= 0) throw new RangeError(`findParallelPairs: x[${zero}] is the zero vector (its direction is undefined)`);
  const collector = new PairCollector(x, d, norms, opts.limit ?? 100);
  const engine = opts.engine ?? 'auto';
  const useJs = engine === 'js' || (engine === 'auto' && (m * m * d) / 2 <= JS_WORK_LIMIT);
  if (useJs) scanExact(m, collector);
  else scanBlockedGram(x, m, d, norms, collector);
  return { pairs: collector.pairs, total: collector.total };
}

/** Confirms candidate pairs in float64 and records the offending ones. */
class PairCollector {
  readonly pairs: ParallelPair[] = [];
  total = 0;

  constructor(
    private readonly x: Float32Array,
    private readonly d: number,
    private readonly norms: Float64Array,
    private readonly limit: number,
  ) {}

  consider(i: number, j: number): void {
    const cos = Math.max(-1, Math.min(1, rowDot(this.x, i, j, this.d) / (this.norms[i] * this.norms[j])));
    if (Math.abs(cos) < PARALLEL_COS) return;
    this.total++;
    if (this.pairs.length >= this.limit) return;
    const kind: PairKind = cos < 0 ? 'antiparallel' : rowsEqual(this.x, i, j, this.d) ? 'duplicate' : 'parallel';
    this.pairs.push({ i, j, cos, kind });
  }
}

function scanExact(m: number, collector: PairCollector): void {
  for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) collector.consider(i, j);
}

/**
 * Screening margin for cosines computed in float32 from rounded unit rows: rounding the rows
 * costs ≤ 2u and the length-d dot product ≤ d·u (any summation order, |x̂| = 1), u = 2⁻²⁴.
 * Four times that bound keeps every true pair; false candidates are rejected in float64.
 */
function screenThreshold(d: number): number {
  return PARALLEL_COS - 4 * (d + 2) * FLOAT32_UNIT_ROUNDOFF;
}

function scanBlockedGram(x: Float32Array, m: number, d: number, norms: Float64Array, collector: PairCollector): void {
  const unit = new Float32Array(m * d);
  for (let i = 0; i < m; i++) copyRowScaled(x, i, unit, i, d, norms[i]);
  const threshold = screenThreshold(d);
  const rows = tf.tensor2d(unit, [m, d]);
  const columns = tf.transpose(rows) as Tensor2D;
  try {
    const block = Math.max(1, Math.min(m, Math.floor(BLOCK_ENTRIES / m)));
    for (let i0 = 0; i0 < m; i0 += block) {
      const b = Math.min(block, m - i0);
      const width = m - i0;
      const gram = tf.tidy(() => tf.matMul(tf.slice(rows, [i0, 0], [b, d]), tf.slice(columns, [0, i0], [d, width])));
      const values = gram.dataSync() as Float32Array;
      gram.dispose();
      screenBlock(values, i0, b, width, threshold, collector);
    }
  } finally {
    rows.dispose();
    columns.dispose();
  }
}

/** Scans the strict upper triangle of one b×width Gram block whose first row and column are i0. */
function screenBlock(values: Float32Array, i0: number, b: number, width: number, threshold: number, collector: PairCollector): void {
  for (let r = 0; r < b; r++) {
    const offset = r * width;
    for (let c = r + 1; c < width; c++) {
      const g = values[offset + c];
      if (g >= threshold || g <= -threshold) collector.consider(i0 + r, i0 + c);
    }
  }
}
