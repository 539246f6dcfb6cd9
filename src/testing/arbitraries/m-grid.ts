/**
 * `mGrid()`: increasing grids of dataset sizes m₀, 2m₀, 4m₀, … for scaling properties (t_crit against m).
 * Doubling makes every step the same ratio, so ln m is evenly spaced; the grid shrinks toward the
 * smallest m₀ and the fewest doublings.
 */
import fc from 'fast-check';
import { resolveRange, type IntRange } from './range';

/** Ranges for `mGrid`: the first m, the number of doublings, the largest m. */
export interface MGridConstraints {
  /** Smallest size m₀ (default 4–10; m₀ ≥ 3 keeps ln m₀ ≥ 1, see the scaling claim). */
  m0?: Partial<IntRange>;
  /** Number of doublings (default 3–4: grids of 4 to 5 sizes spanning 8× to 16×, so a scaling law has a shape). */
  doublings?: Partial<IntRange>;
  /** Largest m allowed in a grid (default 200); a grid is cut where it would exceed it. */
  maxM?: number;
}

export const M_GRID_DEFAULTS = { m0: { min: 4, max: 12 }, doublings: { min: 3, max: 4 }, maxM: 200 } as const;

/** m₀·2^k for k = 0..doublings, cut at maxM. */
export function doublingGrid(m0: number, doublings: number, maxM: number): number[] {
  const grid = [m0];
  for (let k = 1; k <= doublings && grid[k - 1] * 2 <= maxM; k++) grid.push(grid[k - 1] * 2);
  return grid;
}

function isDoublingGrid(value: unknown, m0Range: IntRange, maxM: number): value is number[] {
  if (!Array.isArray(value) || value.length < 1) return false;
  if (!value.every((v, i) => Number.isInteger(v) && (i === 0 || v === 2 * value[i - 1]))) return false;
  return value[0] >= m0Range.min && value[0] <= m0Range.max && value[value.length - 1] <= maxM;
}

/**
 * Doubling grids of dataset sizes m₀, 2m₀, 4m₀, … (the designs `verify` sweeps); shrinks toward fewer, smaller m.
 *
 * @param constraints - the first m, the number of doublings, the largest m.
 * @returns the arbitrary.
 */
export function mGrid(constraints: MGridConstraints = {}): fc.Arbitrary<number[]> {
  const op = 'mGrid';
  const m0 = resolveRange(op, 'm0', constraints.m0, M_GRID_DEFAULTS.m0, 2);
  const doublings = resolveRange(op, 'doublings', constraints.doublings, M_GRID_DEFAULTS.doublings, 0);
  const maxM = constraints.maxM ?? M_GRID_DEFAULTS.maxM;
  if (!Number.isInteger(maxM) || maxM < m0.max)
    throw new RangeError(`${op}: maxM must be an integer ≥ m0.max = ${m0.max}, got ${maxM}`);
  return fc.record({ m0: fc.integer(m0), doublings: fc.integer(doublings) }).map(
    ({ m0: first, doublings: k }) => doublingGrid(first, k, maxM),
    (value) => {
      if (!isDoublingGrid(value, m0, maxM))
        throw new Error(`${op}: ${JSON.stringify(value)} is not a doubling grid within the constraints`);
      return { m0: value[0], doublings: value.length - 1 };
    },
  );
}
