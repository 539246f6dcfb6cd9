import fc from 'fast-check';
import { generateSynthetic, type SyntheticOptions } from '../../src/data/synthetic';
import { validateDataset } from '../../src/data/validate';
import { LABEL_KINDS, type Dataset } from '../../src/data/types';

/**
 * Rows are normalised in float64 and stored in float32: each entry moves by ≤ 2⁻²⁴ relative, so
 * the norm is 1 within 2⁻²⁴·(1 + tiny) ≈ 6e-8. 1e-6 leaves a 16× margin.
 */
const UNIT_NORM_TOL = 1e-6;

function norm(ds: Dataset, j: number): number {
  let s = 0;
  for (let k = 0; k < ds.d; k++) s += ds.x[j * ds.d + k] ** 2;
  return Math.sqrt(s);
}

function cos(ds: Dataset, i: number, j: number): number {
  let s = 0;
  for (let k = 0; k < ds.d; k++) s += ds.x[i * ds.d + k] * ds.x[j * ds.d + k];
  return s / (norm(ds, i) * norm(ds, j));
}

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

const optionsArb = fc.record({
  m: fc.integer({ min: 2, max: 60 }),
  d: fc.integer({ min: 2, max: 12 }),
  labels: fc.constantFrom(...LABEL_KINDS),
  seed: fc.integer({ min: -1000, max: 1000 }),
  teacherWidth: fc.integer({ min: 1, max: 10 }),
  clusters: fc.integer({ min: 1, max: 6 }),
  clusterSpread: fc.double({ min: 0.01, max: 1, noNaN: true }),
});

describe('generateSynthetic', () => {
  it('puts every input on the unit sphere S^{d−1} (H1): |‖x_j‖ − 1| ≤ 1e-6', () => {
    fc.assert(
      fc.property(optionsArb, (opts) => {
        const ds = generateSynthetic(opts);
        for (let j = 0; j < ds.m; j++) expect(Math.abs(norm(ds, j) - 1)).toBeLessThanOrEqual(UNIT_NORM_TOL);
      }),
      { seed: 42, numRuns: 60 },
    );
  });

  it('bounds every label by C = 1 (H2): max_j |y_j| ≤ 1', () => {
    fc.assert(
      fc.property(optionsArb, (opts) => {
        const ds = generateSynthetic(opts);
        expect(Math.max(...Array.from(ds.y, Math.abs))).toBeLessThanOrEqual(1);
      }),
      { seed: 43, numRuns: 60 },
    );
  });

  it('returns shapes m×d inputs, m×1 labels, no classes, and a name recording the parameters', () => {
    const ds = generateSynthetic({ m: 200, d: 10, labels: 'teacher', seed: 1 });
    expect(ds).toMatchObject({ m: 200, d: 10, outputs: 1, classes: null, name: 'teacher(m=200,d=10,width=8,seed=1)' });
    expect(ds.x).toHaveLength(2000);
    expect(ds.y).toHaveLength(200);
    expect(generateSynthetic({ m: 5, d: 3, labels: 'random', seed: 2 }).name).toBe('random(m=5,d=3,seed=2)');
    expect(generateSynthetic({ m: 5, d: 3, labels: 'clusters', seed: 2 }).name).toBe(
      'clusters(m=5,d=3,K=4,spread=0.2,seed=2)',
    );
  });

  it('is deterministic: the same options give byte-identical x and y', () => {
    fc.assert(
      fc.property(optionsArb, (opts) => {
        const a = generateSynthetic(opts);
        const b = generateSynthetic(opts);
        expect(bytes(a.x).equals(bytes(b.x))).toBe(true);
        expect(bytes(a.y).equals(bytes(b.y))).toBe(true);
      }),
      { seed: 44, numRuns: 40 },
    );
  });

  it('gives different data for different seeds', () => {
    fc.assert(
      fc.property(optionsArb, (opts) => {
        const a = generateSynthetic(opts);
        const b = generateSynthetic({ ...opts, seed: opts.seed + 1 });
        expect(bytes(a.x).equals(bytes(b.x))).toBe(false);
      }),
      { seed: 45, numRuns: 40 },
    );
  });

  it('draws inputs and labels from independent streams: the label kind and teacher width do not change x', () => {
    fc.assert(
      fc.property(optionsArb, (opts) => {
        const teacher = generateSynthetic({ ...opts, labels: 'teacher' });
        const random = generateSynthetic({ ...opts, labels: 'random' });
        const wider = generateSynthetic({ ...opts, labels: 'teacher', teacherWidth: opts.teacherWidth + 3 });
        expect(bytes(teacher.x).equals(bytes(random.x))).toBe(true);
        expect(bytes(teacher.x).equals(bytes(wider.x))).toBe(true);
      }),
      { seed: 46, numRuns: 30 },
    );
  });

  it('is nested in m: the inputs and labels for m are the first m of those for a larger m', () => {
    fc.assert(
      fc.property(optionsArb, fc.integer({ min: 1, max: 40 }), (opts, extra) => {
        const small = generateSynthetic(opts);
        const large = generateSynthetic({ ...opts, m: opts.m + extra });
        expect(bytes(large.x.subarray(0, small.x.length)).equals(bytes(small.x))).toBe(true);
        expect(bytes(large.y.subarray(0, small.m)).equals(bytes(small.y))).toBe(true);
      }),
      { seed: 49, numRuns: 40 },
    );
  });

  it("'teacher' labels lie in [−1, 1], scaled by the teacher's maximum over a fixed reference sample, not per m", () => {
    fc.assert(
      fc.property(optionsArb, (opts) => {
        const ds = generateSynthetic({ ...opts, labels: 'teacher' });
        expect(Math.max(...Array.from(ds.y, Math.abs))).toBeLessThanOrEqual(1);
      }),
      { seed: 47, numRuns: 40 },
    );
  });

  it("'teacher' with one hidden unit is a ReLU ridge: labels share one sign and about half of the sphere maps to 0", () => {
    for (const seed of [1, 2, 3, 4]) {
      const ds = generateSynthetic({ m: 400, d: 6, labels: 'teacher', seed, teacherWidth: 1 });
      const y = Array.from(ds.y);
      expect(y.every((v) => v >= 0) || y.every((v) => v <= 0)).toBe(true);
      // ReLU(wᵀx) = 0 on the half-sphere wᵀx ≤ 0: Binomial(400, ½) lies in [140, 260] with prob. > 1 − 1e-9.
      const zeros = y.filter((v) => v === 0).length;
      expect(zeros).toBeGreaterThanOrEqual(140);
      expect(zeros).toBeLessThanOrEqual(260);
    }
  });

  it("'random' labels are ±1 and both signs occur", () => {
    const ds = generateSynthetic({ m: 200, d: 5, labels: 'random', seed: 3 });
    const y = Array.from(ds.y);
    expect(y.every((v) => v === 1 || v === -1)).toBe(true);
    // Binomial(200, ½) is in [60, 140] with probability > 1 − 1e-8.
    const plus = y.filter((v) => v === 1).length;
    expect(plus).toBeGreaterThanOrEqual(60);
    expect(plus).toBeLessThanOrEqual(140);
  });

  it("'clusters' points form at most K tight groups on the sphere, each group sharing one ±1 label", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 1000 }), (k, seed) => {
        // Spread 0.05 puts each point within angle ≈ 0.05 of its centre, so points of one cluster
        // have cos ≥ cos(0.1 + slack) > 0.99; random centres in R^20 have |cos| ≤ 0.9 (prob. > 1 − 1e-4 per pair).
        const ds = generateSynthetic({ m: 80, d: 20, labels: 'clusters', seed, clusters: k, clusterSpread: 0.05 });
        const representatives: number[] = [];
        for (let j = 0; j < ds.m; j++) {
          const group = representatives.find((r) => cos(ds, r, j) > 0.95);
          if (group === undefined) representatives.push(j);
          else expect(ds.y[j]).toBe(ds.y[group]);
        }
        expect(representatives.length).toBeLessThanOrEqual(k);
        expect(Array.from(ds.y).every((v) => v === 1 || v === -1)).toBe(true);
      }),
      { seed: 48, numRuns: 25 },
    );
  });

  it("'clusters' gives both labels to the centres (a seeded half are +1)", () => {
    const ds = generateSynthetic({ m: 300, d: 8, labels: 'clusters', seed: 9, clusters: 4 });
    const y = Array.from(ds.y);
    expect(y.some((v) => v === 1) && y.some((v) => v === -1)).toBe(true);
  });

  it('produces data that passes validateDataset (no parallel inputs, unit norms, |y| ≤ 1) for d ≥ 3', () => {
    for (const labels of LABEL_KINDS) {
      validateDataset(generateSynthetic({ m: 300, d: 5, labels, seed: 7 }));
    }
    expect(() => validateDataset(generateSynthetic({ m: 1000, d: 50, labels: 'teacher', seed: 8 }))).not.toThrow();
  });

  it('rejects bad options with a message naming the option', () => {
    const base: SyntheticOptions = { m: 10, d: 3, labels: 'teacher', seed: 1 };
    expect(() => generateSynthetic({ ...base, m: 0 })).toThrow(/generateSynthetic: m must be an integer ≥ 1, got 0/);
    expect(() => generateSynthetic({ ...base, d: 2.5 })).toThrow(
      /generateSynthetic: d must be an integer ≥ 1, got 2.5/,
    );
    expect(() => generateSynthetic({ ...base, seed: 0.5 })).toThrow(/seed must be an integer/);
    expect(() => generateSynthetic({ ...base, teacherWidth: 0 })).toThrow(/teacherWidth must be an integer ≥ 1/);
    expect(() => generateSynthetic({ ...base, labels: 'clusters', clusters: -1 })).toThrow(
      /clusters must be an integer ≥ 1/,
    );
    expect(() => generateSynthetic({ ...base, labels: 'clusters', clusterSpread: 0 })).toThrow(
      /clusterSpread must be a finite number > 0, got 0/,
    );
    expect(() => generateSynthetic({ ...base, labels: 'spiral' as never })).toThrow(
      /unknown labels 'spiral' \(expected one of teacher, random, clusters\)/,
    );
  });
});
