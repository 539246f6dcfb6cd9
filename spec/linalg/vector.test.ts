import fc from 'fast-check';
import {
  axpy,
  combine,
  dot,
  norm,
  normalise,
  residualNorm,
  scale,
  squaredDistance,
  sumSquares,
} from '../../src/linalg/vector';

const EPS = 2 ** -53;
/** Zero or 1e-50 ≤ |x| ≤ 1e3, so that squares and products stay clear of float64 underflow. */
const magnitude = fc.double({ min: 1e-50, max: 1e3, noNaN: true });
const entry = fc.oneof(
  fc.constant(0),
  magnitude,
  magnitude.map((x) => -x),
);
const vectorOf = (n: number) => fc.array(entry, { minLength: n, maxLength: n }).map((xs) => Float64Array.from(xs));
const vector = fc.integer({ min: 1, max: 40 }).chain(vectorOf);
const vectorPair = fc.integer({ min: 1, max: 40 }).chain((n) => fc.tuple(vectorOf(n), vectorOf(n)));

/** Σ|a_i b_i|: the scale of the rounding error of a float64 dot product (error ≤ n·ε·Σ|a_i b_i|). */
function absDot(a: Float64Array, b: Float64Array): number {
  return a.reduce((s, x, i) => s + Math.abs(x * b[i]), 0);
}

describe('vector helpers', () => {
  it('dot is symmetric, equals Σ a_i b_i in index order, and ‖a‖² = aᵀa', () => {
    fc.assert(
      fc.property(vectorPair, ([a, b]) => {
        expect(dot(a, b)).toBe(dot(b, a));
        let s = 0;
        for (let i = 0; i < a.length; i++) s += a[i] * b[i];
        expect(dot(a, b)).toBe(s);
        expect(norm(a)).toBe(Math.sqrt(dot(a, a)));
      }),
    );
  });

  it('Cauchy–Schwarz: |aᵀb| ≤ ‖a‖‖b‖ up to rounding', () => {
    fc.assert(
      fc.property(vectorPair, ([a, b]) => {
        const slack = 4 * a.length * EPS * absDot(a, b);
        expect(Math.abs(dot(a, b))).toBeLessThanOrEqual(norm(a) * norm(b) * (1 + 4 * EPS) + slack);
      }),
    );
  });

  it('axpy adds alpha·x to y elementwise, in place; scale returns a new vector factor·v', () => {
    fc.assert(
      fc.property(vectorPair, entry, ([x, y], alpha) => {
        const before = Float64Array.from(y);
        axpy(alpha, x, y);
        y.forEach((yi, i) => expect(yi).toBe(before[i] + alpha * x[i]));
        const s = scale(x, alpha);
        expect(s).not.toBe(x);
        s.forEach((si, i) => expect(si).toBe(x[i] * alpha));
      }),
    );
  });

  it('‖c·v‖ = |c|·‖v‖ up to rounding (homogeneity of the norm)', () => {
    fc.assert(
      fc.property(vector, entry, (v, c) => {
        const expected = Math.abs(c) * norm(v);
        expect(Math.abs(norm(scale(v, c)) - expected)).toBeLessThanOrEqual(4 * v.length * EPS * expected);
      }),
    );
  });

  it('normalise divides by the norm in place, returns the old norm, and leaves a unit vector', () => {
    fc.assert(
      fc.property(vector, (v) => {
        fc.pre(norm(v) > 1e-100);
        const original = Float64Array.from(v);
        const length = normalise(v);
        expect(length).toBe(norm(original));
        v.forEach((vi, i) => expect(vi).toBe(original[i] / length));
        expect(Math.abs(norm(v) - 1)).toBeLessThanOrEqual(4 * v.length * EPS);
      }),
    );
  });

  it('combine(Q, c) = Σ c_i q_i accumulated in basis order; rejects an empty basis or too few coefficients', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }).chain((n) => fc.array(vectorOf(n), { minLength: 1, maxLength: 6 })),
        fc.array(entry, { minLength: 6, maxLength: 6 }),
        (basis, coefficients) => {
          const expected = new Float64Array(basis[0].length);
          basis.forEach((q, i) => q.forEach((qj, j) => (expected[j] += coefficients[i] * qj)));
          expect(combine(basis, coefficients)).toEqual(expected);
        },
      ),
    );
    expect(() => combine([], [1])).toThrow(/empty/);
    expect(() => combine([Float64Array.of(1), Float64Array.of(2)], [1])).toThrow(/coefficients/);
  });

  it('residualNorm(Av, v, θ) = ‖Av − θv‖: zero for an exact eigenpair, the distance otherwise', () => {
    fc.assert(
      fc.property(vectorPair, entry, ([v, w], theta) => {
        const exact = scale(v, theta);
        expect(residualNorm(exact, v, theta)).toBe(0);
        const difference = w.map((wi, i) => wi - theta * v[i]);
        expect(residualNorm(w, v, theta)).toBe(norm(difference));
      }),
    );
  });
});

describe('sumSquares and squaredDistance', () => {
  it('sumSquares(a) is dot(a, a) to the bit, and squaredDistance(a, b) = sumSquares(a − b) to the bit', () => {
    fc.assert(
      fc.property(vectorPair, ([a, b]) => {
        const difference = a.map((x, i) => x - b[i]);
        return Object.is(sumSquares(a), dot(a, a)) && Object.is(squaredDistance(a, b), sumSquares(difference));
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('a wrong distance is caught: squaredDistance(a, b) differs from the sum of squares of a + b when b ≠ 0', () => {
    const a = Float64Array.from([1, 2]);
    const b = Float64Array.from([3, -1]);
    expect(squaredDistance(a, b)).toBe(13);
    expect(sumSquares(Float64Array.from([4, 1]))).toBe(17);
  });
});
