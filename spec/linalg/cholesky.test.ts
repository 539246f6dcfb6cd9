import fc from 'fast-check';
import { Matrix } from 'ml-matrix';
import { cholesky, choleskySolve } from '../../src/linalg/cholesky';
import type { SymmetricArray } from '../../src/linalg/symmetric';

/** B Bᵀ + n·I: symmetric positive definite with λ_min ≥ n, for sizes that cross the 32-column panel edges. */
const spdMatrix = fc.integer({ min: 1, max: 70 }).chain((n) =>
  fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: n * n, maxLength: n * n }).map((b) => {
    const B = new Matrix(n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) B.set(i, j, b[i * n + j]);
    const M = B.mmul(B.transpose()).add(Matrix.eye(n).mul(n));
    return { n, a: Float64Array.from(M.to1DArray()) } satisfies SymmetricArray;
  }),
);

describe('cholesky and choleskySolve', () => {
  it('(L Lᵀ)⁻¹ b solves (M − σI) x = b to a small relative residual for SPD M', () => {
    fc.assert(
      fc.property(spdMatrix, fc.double({ min: -5, max: 0.5, noNaN: true }), (S, shift) => {
        const { n } = S;
        const f = cholesky(S, shift);
        expect(f.ok).toBe(true);
        if (!f.ok) return;
        const b = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1));
        const x = new Float64Array(n);
        choleskySolve(f.L, n, b, x);
        let residual = 0;
        let scale = 0;
        for (let i = 0; i < n; i++) {
          let s = -shift * x[i];
          for (let j = 0; j < n; j++) s += S.a[i * n + j] * x[j];
          residual = Math.max(residual, Math.abs(s - b[i]));
          scale = Math.max(scale, Math.abs(b[i]));
        }
        // κ(M − σI) ≤ (n + n² + 5)/(n − 0.5): the solve is accurate to a few thousand ε here.
        expect(residual).toBeLessThan(1e-10 * Math.max(scale, 1));
      }),
      { seed: 3, numRuns: 40 },
    );
  });

  it('fails, naming the row of a non-positive pivot, when the shift passes λ_min', () => {
    const S: SymmetricArray = { n: 2, a: Float64Array.of(2, 0, 0, 1) };
    expect(cholesky(S, 0.5).ok).toBe(true);
    const f = cholesky(S, 1.5);
    expect(f).toEqual({ ok: false, row: 1, pivot: -0.5 });
  });
});
