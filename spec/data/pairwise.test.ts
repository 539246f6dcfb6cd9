import fc from 'fast-check';
import { findParallelPairs, PARALLEL_COS } from '../../src/data/pairwise';
import { Rng } from '../../src/rng';

/** Unit rows in float64 → float32, with planted pairs at controlled cosines. */
function plantedData(
  m: number,
  d: number,
  seed: number,
  plants: { i: number; j: number; cos: number }[],
): Float32Array {
  const rng = new Rng(seed);
  const rows = Array.from({ length: m }, () => unit(Array.from({ length: d }, () => rng.normal())));
  for (const { i, j, cos } of plants) {
    // x_j = cos·x_i + sin·u with u ⟂ x_i a unit vector: cos(x_i, x_j) = cos exactly (before float32 rounding).
    const g = Array.from({ length: d }, () => rng.normal());
    const proj = dot(g, rows[i]);
    const u = unit(g.map((v, k) => v - proj * rows[i][k]));
    const sin = Math.sqrt(Math.max(0, 1 - cos * cos));
    rows[j] = rows[i].map((v, k) => cos * v + sin * u[k]);
  }
  return Float32Array.from(rows.flat());
}

const dot = (a: number[], b: number[]) => a.reduce((s, v, k) => s + v * b[k], 0);
const unit = (v: number[]) => {
  const n = Math.sqrt(dot(v, v));
  return v.map((x) => x / n);
};

describe('findParallelPairs', () => {
  it('the projection sweep finds exactly the pairs that the exhaustive float64 scan finds, including pairs at the threshold', () => {
    // 1 − cos = 1e-6·(1 ± 0.05): pairs just inside and just outside the threshold, either sign.
    const cosArb = fc.constantFrom(1, -1, 1 - 0.95e-6, 1 - 1.05e-6, -(1 - 0.95e-6), -(1 - 1.05e-6), 0.99, -0.999);
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 80 }),
        fc.integer({ min: 3, max: 40 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), cosArb), { maxLength: 6 }),
        (m, d, seed, raw) => {
          const plants = raw.map(([a, b, cos]) => ({ i: a % m, j: (a + 1 + (b % (m - 1))) % m, cos }));
          const x = plantedData(m, d, seed, plants);
          const sweep = findParallelPairs(x, m, d, { limit: Infinity });
          const exact = findParallelPairs(x, m, d, { engine: 'exact', limit: Infinity });
          expect(sweep).toEqual(exact);
        },
      ),
      { seed: 42, numRuns: 150 },
    );
  });

  it('every reported pair has |cos| ≥ 1 − 1e-6, i < j, and the kind that matches its values', () => {
    const m = 40;
    const d = 6;
    const x = plantedData(m, d, 5, [
      { i: 1, j: 30, cos: 1 },
      { i: 2, j: 20, cos: -1 },
      { i: 3, j: 10, cos: 1 - 5e-7 },
    ]);
    const found = findParallelPairs(x, m, d);
    expect(found.pairs.map((p) => [p.i, p.j, p.kind])).toEqual([
      [1, 30, 'duplicate'],
      [2, 20, 'antiparallel'],
      [3, 10, 'parallel'],
    ]);
    expect(found.pairs.every((p) => Math.abs(p.cos) >= PARALLEL_COS && p.i < p.j)).toBe(true);
    expect(found).toMatchObject({ total: 3, complete: true });
  });

  it('agrees with the exhaustive scan in d = 1, where every pair is parallel or antiparallel', () => {
    const x = Float32Array.from([0.5, -2, 3, 0.25, -0.125, 7]);
    const sweep = findParallelPairs(x, 6, 1, { limit: Infinity });
    expect(sweep.total).toBe(15);
    expect(sweep).toEqual(findParallelPairs(x, 6, 1, { engine: 'exact', limit: Infinity }));
  });

  it('lists at most `limit` pairs but counts them all, and stops at 100,000 pairs (complete = false)', () => {
    const x = Float32Array.from({ length: 300 }, (_, k) => (k % 2 ? 1 : -1));
    const some = findParallelPairs(x, 300, 1, { limit: 3 });
    expect(some.pairs).toHaveLength(3);
    expect(some).toMatchObject({ total: (300 * 299) / 2, complete: true });
    const many = findParallelPairs(new Float32Array(500).fill(1), 500, 1);
    expect(many).toMatchObject({ total: 100_000, complete: false });
  });

  it('rejects a zero row, whose direction is undefined', () => {
    expect(() => findParallelPairs(Float32Array.from([1, 0, 0, 0]), 2, 2)).toThrow(/x\[1\] is the zero vector/);
  });
});
