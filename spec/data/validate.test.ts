import fc from 'fast-check';
import { generateSynthetic } from '../../src/data/synthetic';
import { DatasetError, normaliseRows, validateDataset, validateLabels } from '../../src/data/validate';
import type { Dataset } from '../../src/data/types';

/** A valid base: 20 teacher-labelled points on S^4. */
function base(): Dataset {
  return generateSynthetic({ m: 20, d: 5, labels: 'teacher', seed: 11 });
}

function withX(ds: Dataset, edit: (x: Float32Array) => void): Dataset {
  const x = Float32Array.from(ds.x);
  edit(x);
  return { ...ds, x };
}

function setRow(x: Float32Array, d: number, j: number, values: ArrayLike<number>): void {
  for (let k = 0; k < d; k++) x[j * d + k] = values[k];
}

function row(ds: Dataset, j: number): Float32Array {
  return ds.x.slice(j * ds.d, (j + 1) * ds.d);
}

function errorOf(fn: () => void): DatasetError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DatasetError);
    return e as DatasetError;
  }
  throw new Error('expected a DatasetError, but nothing was thrown');
}

describe('validateDataset', () => {
  it('accepts a dataset that satisfies H1–H3', () => {
    expect(() => validateDataset(base())).not.toThrow();
  });

  it('rejects NaN in x, naming the entry', () => {
    const ds = withX(generateSynthetic({ m: 20, d: 5, labels: 'random', seed: 1 }), (x) => (x[12 * 5 + 3] = NaN));
    expect(() => validateDataset(ds)).toThrow(/x\[12\]\[3\] is NaN/);
  });

  it('rejects ±Infinity in x and y, naming the entry', () => {
    expect(() => validateDataset(withX(base(), (x) => (x[2 * 5 + 0] = -Infinity)))).toThrow(/x\[2\]\[0\] is -Infinity/);
    const y = Float32Array.from(base().y);
    y[3] = Infinity;
    expect(() => validateDataset({ ...base(), y })).toThrow(/y\[3\] is Infinity/);
  });

  it('rejects a non-unit input (H1) with the norm and the fix, unless unit norm is not required', () => {
    const ds = withX(base(), (x) => {
      for (let k = 0; k < 5; k++) x[4 * 5 + k] *= 1.73;
    });
    expect(() => validateDataset(ds)).toThrow(
      /x\[4\] has norm 1\.73; the theory requires ‖x_j‖ = 1 \(scale the rows to unit norm first\)$/,
    );
    // Only a caller that has a way to normalise names it (kernel's --normalise; verify has none).
    expect(() => validateDataset(ds, { normaliseHint: 'or pass --normalise' })).toThrow(
      /\(scale the rows to unit norm first; or pass --normalise\)$/,
    );
    expect(() => validateDataset(ds, { requireUnitNorm: false })).not.toThrow();
  });

  it('shows enough digits for a norm just outside the tolerance', () => {
    const ds = withX(base(), (x) => {
      for (let k = 0; k < 5; k++) x[k] *= 1.0005;
    });
    expect(() => validateDataset(ds)).toThrow(/x\[0\] has norm 1\.000500/);
    expect(() => validateDataset(ds, { normTolerance: 1e-3 })).not.toThrow();
  });

  it('rejects m < 2 and d < 1', () => {
    const ds = base();
    expect(() => validateDataset({ ...ds, m: 1, x: row(ds, 0), y: ds.y.slice(0, 1) })).toThrow(
      /m = 1, but at least 2 samples are needed/,
    );
    expect(() => validateDataset({ ...ds, d: 0, x: new Float32Array(0) })).toThrow(
      /d = 0, but the input dimension must be an integer ≥ 1/,
    );
  });

  it('rejects shape mismatches of x, y and classes', () => {
    const ds = base();
    expect(() => validateDataset({ ...ds, x: ds.x.slice(1) })).toThrow(/x has 99 values, expected m·d = 20·5 = 100/);
    expect(() => validateDataset({ ...ds, y: ds.y.slice(1) })).toThrow(/y has 19 values, expected m·C = 20·1 = 20/);
    expect(() => validateDataset({ ...ds, outputs: 2 })).toThrow(/y has 20 values, expected m·C = 20·2 = 40/);
    expect(() => validateDataset({ ...ds, classes: new Int32Array(3) })).toThrow(
      /classes has 3 entries, expected m = 20/,
    );
  });

  it('rejects class indices that disagree with the one-hot labels', () => {
    const m = 3;
    const ds: Dataset = {
      ...withX(base(), () => undefined),
      m,
      x: base().x.slice(0, m * 5),
      outputs: 2,
      y: Float32Array.from([1, 0, 0, 1, 1, 0]),
      classes: Int32Array.from([0, 1, 1]),
    };
    expect(() => validateDataset(ds)).toThrow(/classes\[2\] = 1 but y\[2\] is not the one-hot vector of class 1/);
  });

  it('rejects a label over the bound C (H2), naming it; a larger C accepts it', () => {
    const y = Float32Array.from(base().y);
    y[7] = 3;
    const ds = { ...base(), y };
    expect(() => validateDataset(ds)).toThrow(/\|y\[7\]\| = 3 exceeds the label bound C = 1/);
    expect(() => validateDataset(ds, { labelBound: 3 })).not.toThrow();
  });

  it('names the entry of a matrix label over the bound as y[j][c]', () => {
    const ds: Dataset = {
      ...base(),
      m: 2,
      x: base().x.slice(0, 10),
      outputs: 2,
      y: Float32Array.from([0, 0.5, -2, 0]),
      classes: null,
    };
    expect(() => validateDataset(ds)).toThrow(/\|y\[1\]\[0\]\| = 2 exceeds the label bound C = 1/);
  });

  it('rejects a zero input: its features vanish and λ0 = 0', () => {
    const ds = withX(base(), (x) => setRow(x, 5, 2, [0, 0, 0, 0, 0]));
    expect(() => validateDataset(ds, { requireUnitNorm: false })).toThrow(/x\[2\] is the zero vector/);
  });

  it('rejects duplicate inputs, saying λ0 = 0 and H3 fails', () => {
    const ds = withX(base(), (x) => setRow(x, 5, 9, row(base(), 3)));
    const err = errorOf(() => validateDataset(ds));
    expect(err.message).toMatch(
      /x\[3\] and x\[9\] are duplicates \(identical inputs, cos = 1\.000000\): λ0 = 0 and the theory's H3 fails/,
    );
    expect(err.parallel).toMatchObject({ total: 1, complete: true, pairs: [{ i: 3, j: 9, kind: 'duplicate' }] });
  });

  it('rejects parallel inputs (x_j = 2·x_i), distinguishing them from duplicates', () => {
    const ds = withX(base(), (x) =>
      setRow(
        x,
        5,
        9,
        Array.from(row(base(), 3), (v) => 2 * v),
      ),
    );
    expect(() => validateDataset(ds, { requireUnitNorm: false })).toThrow(
      /x\[3\] and x\[9\] are parallel \(cos = 1\.000000\): λ0 = 0 and the theory's H3 fails/,
    );
  });

  it('rejects nearly parallel unit inputs (cos ≥ 1 − 1e-6) with an upper bound on λ0 from their 2×2 block of H∞', () => {
    // x9 = normalise(x3 + 1e-3·u), u ⟂ x3 unit: cos = 1/√(1 + 1e-6) ≈ 1 − 5e-7.
    const src = base();
    const x3 = Array.from(row(src, 3));
    const u = [x3[1], -x3[0], 0, 0, 0];
    const un = Math.hypot(...u);
    const bent = x3.map((v, k) => v + (1e-3 * u[k]) / un);
    const bn = Math.hypot(...bent);
    const ds = withX(src, (x) =>
      setRow(
        x,
        5,
        9,
        bent.map((v) => v / bn),
      ),
    );
    // λ_min of [[½, h], [h, ½]], h = c(π − arccos c)/(2π), c ≈ 1 − 5e-7: ½ − h ≈ √(2·5e-7)/(2π) ≈ 1.6e-4.
    expect(() => validateDataset(ds)).toThrow(
      /x\[3\] and x\[9\] are parallel \(cos = 0\.99999\d+\): λ0 ≤ 1\.6e-4 \(their 2×2 block of H∞\), so λ0 ≈ 0/,
    );
  });

  it('rejects antiparallel inputs (x_j = −x_i), naming the non-parallel assumption', () => {
    const ds = withX(base(), (x) =>
      setRow(
        x,
        5,
        9,
        Array.from(row(base(), 3), (v) => -v),
      ),
    );
    expect(() => validateDataset(ds)).toThrow(
      /x\[3\] and x\[9\] are antiparallel \(cos = -1\.000000\): .*no two inputs are parallel or antiparallel/,
    );
  });

  it('reports how many parallel pairs there are when there are several', () => {
    const ds = withX(base(), (x) => {
      setRow(x, 5, 9, row(base(), 3));
      setRow(x, 5, 12, row(base(), 3));
      setRow(
        x,
        5,
        15,
        Array.from(row(base(), 1), (v) => -v),
      );
    });
    expect(() => validateDataset(ds)).toThrow(
      /x\[1\] and x\[15\] are antiparallel .*\[4 such pairs in all; next: \(3, 9\) duplicate, \(3, 12\) duplicate, \(9, 12\) duplicate\]/,
    );
  });

  it('finds any planted duplicate, parallel or antiparallel pair and names exactly it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 200 }),
        // d ≥ 4: on S^1 or S^2, 200 random points have accidental near-parallel pairs (angle < 1.4e-3).
        fc.integer({ min: 4, max: 30 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.constantFrom(['duplicates', 1], ['parallel', 2], ['antiparallel', -1]),
        fc.nat(),
        fc.nat(),
        (m, d, seed, [kind, factor], a, b) => {
          const src = generateSynthetic({ m, d, labels: 'random', seed });
          const i = a % m;
          const j = (i + 1 + (b % (m - 1))) % m;
          const ds = withX(src, (x) =>
            setRow(
              x,
              d,
              j,
              Array.from(row(src, i), (v) => factor * v),
            ),
          );
          const err = errorOf(() => validateDataset(ds, { requireUnitNorm: false }));
          expect(err.message).toContain(`x[${Math.min(i, j)}] and x[${Math.max(i, j)}] are ${kind}`);
        },
      ),
      { seed: 42, numRuns: 100 },
    );
  });

  it('prefixes messages with the context, or else the dataset name', () => {
    const ds = withX(base(), (x) => (x[0] = NaN));
    expect(() => validateDataset(ds, { context: 'data.json' })).toThrow(/^data\.json: x\[0\]\[0\] is NaN$/);
    expect(() => validateDataset(ds)).toThrow(/^teacher\(m=20,d=5,width=8,seed=11\): x\[0\]\[0\] is NaN$/);
  });

  it('rejects meaningless options', () => {
    expect(() => validateDataset(base(), { labelBound: -1 })).toThrow(/labelBound must be ≥ 0, got -1/);
    expect(() => validateDataset(base(), { normTolerance: NaN })).toThrow(/normTolerance must be ≥ 0, got NaN/);
  });
});

describe('normaliseRows', () => {
  it('scales every row to unit norm (|‖x̂‖ − 1| ≤ 1e-6, float32 rounding ≈ 6e-8) and keeps its direction', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 20 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        (m, d, seed, scale) => {
          const src = generateSynthetic({ m, d, labels: 'random', seed });
          const scaled = { ...src, x: src.x.map((v, k) => v * scale * (1 + (k % 3))) };
          const out = normaliseRows(scaled);
          for (let j = 0; j < m; j++) {
            let nn = 0;
            let dot = 0;
            let sn = 0;
            for (let k = 0; k < d; k++) {
              nn += out.x[j * d + k] ** 2;
              sn += scaled.x[j * d + k] ** 2;
              dot += out.x[j * d + k] * scaled.x[j * d + k];
            }
            expect(Math.abs(Math.sqrt(nn) - 1)).toBeLessThanOrEqual(1e-6);
            expect(dot / Math.sqrt(nn * sn)).toBeGreaterThanOrEqual(1 - 1e-6);
          }
          expect(out.y).toBe(scaled.y);
        },
      ),
      { seed: 42, numRuns: 50 },
    );
  });

  it('rejects a zero row, naming it', () => {
    const ds = withX(base(), (x) => setRow(x, 5, 6, [0, 0, 0, 0, 0]));
    expect(() => normaliseRows(ds)).toThrow(/normaliseRows\(.*\): x\[6\] is the zero vector and cannot be normalised/);
  });
});

describe('degenerate labels', () => {
  it('all-zero labels are rejected by validateDataset and validateLabels, naming why', () => {
    const zero = { ...base(), y: new Float32Array(20) };
    expect(errorOf(() => validateDataset(zero)).message).toMatch(/every label is 0: .*degenerate/);
    expect(errorOf(() => validateLabels(zero)).message).toMatch(/every label is 0/);
  });

  it('all-zero one-hot label vectors (C = 3) are rejected', () => {
    const ds = { ...base(), outputs: 3, y: new Float32Array(60) };
    expect(errorOf(() => validateLabels(ds)).message).toMatch(/every one of the 20 label vectors is all zero/);
  });

  it('a single non-zero label is enough (the check is not stricter than degenerate)', () => {
    const y = new Float32Array(20);
    y[7] = -0.5;
    expect(() => validateDataset({ ...base(), y })).not.toThrow();
  });
});
