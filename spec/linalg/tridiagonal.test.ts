/**
 * The top eigenpair of a symmetric tridiagonal matrix (Sturm bisection + inverse iteration), checked without a
 * reference solver: the residual puts an eigenvalue within ‖Ts − θs‖ of θ, and a Cholesky factorisation of
 * (θ + δ)I − T proves that none lies above θ + δ. (ml-matrix's dense EVD is no reference here: with subnormal
 * couplings it misplaces the top eigenvalue by 1e-11 relative, and it throws on some 2×2 matrices.)
 */
import fc from 'fast-check';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { tridiagonalTopPair } from '../../src/linalg/tridiagonal';

const EPS = 2 ** -53;

/** T / size as a dense matrix, size = max |entry| (so that nothing overflows). */
function scaledDense(alpha: readonly number[], beta: readonly number[], size: number): Matrix {
  const k = alpha.length;
  const T = Matrix.zeros(k, k);
  alpha.forEach((a, i) => T.set(i, i, a / size));
  beta.slice(0, k - 1).forEach((b, i) => (T.set(i, i + 1, b / size), T.set(i + 1, i, b / size)));
  return T;
}

function expectTopPair(alpha: number[], beta: number[]): void {
  const k = alpha.length;
  const size = Math.max(...alpha.map(Math.abs), ...beta.slice(0, k - 1).map(Math.abs)) || 1;
  const T = scaledDense(alpha, beta, size);
  const { value, vector } = tridiagonalTopPair(alpha, beta);
  const theta = value / size;
  const s = Matrix.columnVector(vector);
  const residual = T.mmul(s).sub(s.clone().mul(theta)).norm();
  const slack = 1e3 * k * EPS;
  expect(Math.abs(Math.hypot(...vector) - 1)).toBeLessThan(1e-12);
  expect(residual).toBeLessThanOrEqual(slack); // an eigenvalue within slack·size of θ
  const above = Matrix.eye(k)
    .mul(theta + slack)
    .sub(T);
  expect(new CholeskyDecomposition(above).isPositiveDefinite()).toBe(true); // and none above θ + slack·size
}

describe('tridiagonalTopPair', () => {
  it('returns the largest eigenvalue of T and a unit eigenvector with T s = θ s', () => {
    const entries = fc.double({ min: -5, max: 5, noNaN: true });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.array(entries, { minLength: 60, maxLength: 60 }), (k, xs) =>
        expectTopPair(xs.slice(0, k), xs.slice(30, 30 + k - 1)),
      ),
      { seed: 11, numRuns: 100 },
    );
  });

  it('is accurate relative to ‖T‖ at any scale, with splits (β = 0), tiny couplings and repeated entries', () => {
    const entry = fc.oneof(fc.double({ min: -1, max: 1, noNaN: true }), fc.constantFrom(0, 1, -1, 1e-300, 2));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.array(entry, { minLength: 120, maxLength: 120 }),
        fc.constantFrom(1e-250, 1e-8, 1, 1e8, 1e250),
        (k, xs, s) =>
          expectTopPair(
            xs.slice(0, k).map((x) => x * s),
            xs.slice(60, 60 + k - 1).map((x) => x * s),
          ),
      ),
      { seed: 12, numRuns: 150 },
    );
  });

  it('resolves the close top pair of the Wilkinson matrix W21⁺ and the top of the 200×200 second-difference matrix', () => {
    expectTopPair(
      Array.from({ length: 21 }, (_, i) => Math.abs(10 - i)),
      Array(20).fill(1),
    );
    const lap = tridiagonalTopPair(Array(200).fill(2), Array(199).fill(-1));
    expect(lap.value).toBeCloseTo(2 + 2 * Math.cos(Math.PI / 201), 13); // 2 − 2cos(jπ/201) at j = 200
  });

  it('gives value 0 and an empty vector for k = 0, and α₀ with vector [1] for k = 1', () => {
    expect(tridiagonalTopPair([], [])).toEqual({ value: 0, vector: [] });
    expect(tridiagonalTopPair([3], [])).toEqual({ value: 3, vector: [1] });
  });
});
