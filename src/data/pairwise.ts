/**
 * Finding parallel, antiparallel and duplicate inputs (|cos(x_i, x_j)| ≥ 1 − 1e-6), which make
 * λ0 = λ_min(H∞) vanish or break Du et al.'s non-parallel assumption (THEORY.md §3, H3).
 *
 * Default engine 'sweep' (exact; ≈ 0.3 s for m = 10,000, d = 784, where a blocked float32
 * upper-triangle Gram on wasm SIMD took ≈ 8 s on the same machine): for unit directions x̂ = x/‖x‖, cos(x_i, x_j) ≥ 1 − ε ⟺ ‖x̂_i − x̂_j‖ ≤
 * √(2ε), and by Cauchy–Schwarz then |gᵀx̂_i − gᵀx̂_j| ≤ √(2ε) for every unit vector g. So we
 * project on a few unit directions, sort by the first projection, sweep a window of width √(2ε)
 * and keep pairs that are close in every projection; antiparallel pairs are found the same way
 * among the points −x̂_j. This filter never drops a true pair (the directions only affect
 * speed), and every candidate is confirmed by its float64 cosine.
 * Engine 'exact' compares all pairs in float64 (O(m²d)); it is the reference for tests.
 */
import { Rng } from '../rng';
import { rowDot, rowNorms, rowsEqual } from './rows';

// Module-level aliases: under jest every global lookup (Math, Number) costs ≈ 1 µs (test globals live
// in a vm context), which turns per-entry loops over 10^7 values into seconds.
const { abs, min, max } = Math;

/** |cos| at or above this counts as parallel. */
export const PARALLEL_COS = 1 - 1e-6;

export type PairKind = 'duplicate' | 'parallel' | 'antiparallel';

export interface ParallelPair {
  /** i < j. */
  i: number;
  j: number;
  /** Cosine computed in float64 from the stored float32 values. */
  cos: number;
  kind: PairKind;
}

export interface ParallelPairs {
  /** The first `limit` offending pairs in lexicographic (i, j) order (of those found, if not complete). */
  pairs: ParallelPair[];
  /** How many offending pairs were found. */
  total: number;
  /** False when the search stopped at `STOP_AFTER` pairs (then `total` is a lower bound). */
  complete: boolean;
}

export type PairwiseEngine = 'sweep' | 'exact';

export interface PairwiseOptions {
  engine?: PairwiseEngine;
  /** Maximum number of pairs listed (all are counted). Default 100. */
  limit?: number;
}

/** Data this degenerate is rejected anyway; counting further would only cost time. */
const STOP_AFTER = 100_000;
const PROJECTIONS = 8;
/** Seed of the projection directions; any value gives the same answer. */
const PROJECTION_SEED = 0x9e3779b9 | 0;
/** √(2(1 − PARALLEL_COS)), widened to absorb float64 rounding in the projections. */
const WINDOW = Math.sqrt(2 * (1 - PARALLEL_COS)) + 1e-9;

export function findParallelPairs(x: Float32Array, m: number, d: number, opts: PairwiseOptions = {}): ParallelPairs {
  const norms = rowNorms(x, m, d);
  const zero = norms.findIndex((n) => n === 0);
  if (zero >= 0) throw new RangeError(`findParallelPairs: x[${zero}] is the zero vector (its direction is undefined)`);
  const collector = new PairCollector(x, d, norms);
  if ((opts.engine ?? 'sweep') === 'exact') scanAllPairs(m, collector);
  else scanProjections(x, m, d, norms, collector);
  return collector.result(opts.limit ?? 100);
}

/** Confirms candidate pairs by their float64 cosine and records the offending ones. */
class PairCollector {
  private readonly found: ParallelPair[] = [];

  constructor(
    private readonly x: Float32Array,
    private readonly d: number,
    private readonly norms: Float64Array,
  ) {}

  get full(): boolean {
    return this.found.length >= STOP_AFTER;
  }

  consider(i: number, j: number): void {
    const cos = snapToUnit(rowDot(this.x, i, j, this.d) / (this.norms[i] * this.norms[j]));
    if (abs(cos) < PARALLEL_COS) return;
    const kind: PairKind = cos < 0 ? 'antiparallel' : rowsEqual(this.x, i, j, this.d) ? 'duplicate' : 'parallel';
    this.found.push({ i, j, cos, kind });
  }

  result(limit: number): ParallelPairs {
    const sorted = [...this.found].sort((a, b) => a.i - b.i || a.j - b.j);
    return { pairs: sorted.slice(0, limit), total: sorted.length, complete: !this.full };
  }
}

/** Clamps to [−1, 1] and reports ±1 for cosines within float64 rounding (1e-12) of it. */
function snapToUnit(cos: number): number {
  if (1 - abs(cos) < 1e-12) return cos < 0 ? -1 : 1;
  return cos;
}

function scanAllPairs(m: number, collector: PairCollector): void {
  for (let i = 0; i < m; i++) for (let j = i + 1; j < m && !collector.full; j++) collector.consider(i, j);
}

/** PROJECTIONS seeded unit directions in R^d, interleaved: dirs[k·P + l] = g_l[k]. */
function projectionDirections(d: number): Float64Array {
  const rng = new Rng(PROJECTION_SEED).fork('parallel-check');
  const dirs = new Float64Array(d * PROJECTIONS);
  for (let l = 0; l < PROJECTIONS; l++) {
    let sq = 0;
    for (let k = 0; k < d; k++) {
      const v = rng.normal();
      dirs[k * PROJECTIONS + l] = v;
      sq += v * v;
    }
    const norm = Math.sqrt(sq);
    for (let k = 0; k < d; k++) dirs[k * PROJECTIONS + l] /= norm;
  }
  return dirs;
}

/** proj[i·P + l] = g_lᵀ x̂_i in float64 (zero pixels skipped: most of an MNIST image). */
function projectUnitRows(x: Float32Array, m: number, d: number, norms: Float64Array): Float64Array {
  const dirs = projectionDirections(d);
  const proj = new Float64Array(m * PROJECTIONS);
  const acc = new Float64Array(PROJECTIONS);
  for (let i = 0; i < m; i++) {
    acc.fill(0);
    for (let k = 0; k < d; k++) {
      const v = x[i * d + k];
      if (v === 0) continue;
      for (let l = 0; l < PROJECTIONS; l++) acc[l] += dirs[k * PROJECTIONS + l] * v;
    }
    for (let l = 0; l < PROJECTIONS; l++) proj[i * PROJECTIONS + l] = acc[l] / norms[i];
  }
  return proj;
}

/**
 * Points 2i (= x̂_i) and 2i+1 (= −x̂_i), swept in order of their first projection. Each
 * offending pair shows up twice (parallel: +i/+j and −i/−j; antiparallel: +i/−j and −i/+j);
 * `isCanonical` keeps one of the two.
 */
function scanProjections(x: Float32Array, m: number, d: number, norms: Float64Array, collector: PairCollector): void {
  const proj = projectUnitRows(x, m, d, norms);
  const coordinate = (point: number, l: number) => (point & 1 ? -1 : 1) * proj[(point >> 1) * PROJECTIONS + l];
  const key = Float64Array.from({ length: 2 * m }, (_, p) => coordinate(p, 0));
  const order = Int32Array.from({ length: 2 * m }, (_, p) => p).sort((p, q) => key[p] - key[q]);
  const closeInEveryProjection = (p: number, q: number) => {
    for (let l = 1; l < PROJECTIONS; l++) if (abs(coordinate(p, l) - coordinate(q, l)) > WINDOW) return false;
    return true;
  };
  for (let a = 0; a < order.length && !collector.full; a++) {
    const p = order[a];
    for (let b = a + 1; b < order.length && key[order[b]] - key[p] <= WINDOW && !collector.full; b++) {
      const q = order[b];
      if (isCanonical(p, q) && closeInEveryProjection(p, q))
        collector.consider(min(p >> 1, q >> 1), max(p >> 1, q >> 1));
    }
  }
}

/** Both points positive, or the positive one has the smaller row index (never a row with itself). */
function isCanonical(p: number, q: number): boolean {
  const i = p >> 1;
  const j = q >> 1;
  if (i === j) return false;
  const pPositive = (p & 1) === 0;
  const qPositive = (q & 1) === 0;
  if (pPositive && qPositive) return true;
  if (pPositive !== qPositive) return pPositive ? i < j : j < i;
  return false;
}
