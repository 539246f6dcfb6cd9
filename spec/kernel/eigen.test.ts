import fc from 'fast-check';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { cholesky, symmetricExtremeEigenvalues } from '../../src/kernel/eigen';
import { Rng } from '../../src/rng';

/** Q diag(λ) Qᵀ with a random orthogonal Q (QR of a Gaussian matrix) and the given spectrum. */
function withSpectrum(lambdas: number[], seed: number): Matrix {
  const n = lambdas.length;
  const rng = new Rng(seed);
  const G = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) G.set(i, j, rng.normal());
  const Q = new EigenvalueDecomposition(G.add(G.transpose()), { assumeSymmetric: true }).eigenvectorMatrix;
  const M = Q.mmul(Matrix.diag(lambdas)).mmul(Q.transpose());
  return M.add(M.transpose()).div(2);
}

function denseExtremes(M: Matrix): { min: number; max: number } {
  const values = new EigenvalueDecomposition(M, { assumeSymmetric: true }).realEigenvalues;
  return { min: Math.min(...values), max: Math.max(...values) };
}

const spectrum = (minSize: number, maxSize: number) =>
  fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: minSize, maxLength: maxSize });

describe('symmetric extreme eigenvalues', () => {
  it('cholesky: L Lᵀ = M − σI for SPD M of any size (panel edges included), and fails on an indefinite M', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 75 }), fc.integer(), (n, seed) => {
        const rng = new Rng(seed);
        const lambdas = Array.from({ length: n }, () => 0.1 + rng.uniform());
        const M = withSpectrum(lambdas, seed);
        const f = cholesky({ n, a: Float64Array.from(M.to1DArray()) }, 0.05);
        if (!f.ok) return false;
        const L = new Matrix(n, n);
        for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) L.set(i, j, f.L[i * n + j]);
        const diff = L.mmul(L.transpose()).sub(M).add(Matrix.eye(n).mul(0.05));
        expect(diff.abs().max()).toBeLessThan(1e-12 * n);
        // Shifting past the smallest eigenvalue makes it indefinite: the factorisation must refuse.
        return !cholesky({ n, a: Float64Array.from(M.to1DArray()) }, Math.min(...lambdas) + 1e-3).ok;
      }),
      { seed: 42, numRuns: 40 },
    );
  });

  it('lanczos λ_min and λ_max equal the full eigendecomposition (definite, singular and indefinite matrices)', () => {
    fc.assert(
      fc.property(spectrum(2, 60), fc.boolean(), fc.integer(), (lambdas, makeSingular, seed) => {
        if (makeSingular) lambdas[0] = 0;
        const M = withSpectrum(lambdas, seed);
        const exact = denseExtremes(M);
        const scale = Math.max(1, Math.abs(exact.min), Math.abs(exact.max));
        const e = symmetricExtremeEigenvalues(M, { method: 'lanczos', certifyMin: true });
        expect(e.method).toBe('lanczos');
        // Tolerance: 1e-9·scale, far above the float64 error of both methods (≈ n·ε·‖M‖ ≈ 1e-14).
        expect(Math.abs(e.min - exact.min)).toBeLessThan(1e-9 * scale);
        expect(Math.abs(e.max - exact.max)).toBeLessThan(1e-9 * scale);
        expect(e.minError).toBeLessThan(1e-8 * scale);
        expect(e.minLowerBound).not.toBeNull();
        expect(e.minLowerBound as number).toBeLessThanOrEqual(exact.min);
        const dense = symmetricExtremeEigenvalues(M, { method: 'dense' });
        expect(Math.abs(dense.min - exact.min)).toBeLessThan(1e-12 * scale);
      }),
      { seed: 42, numRuns: 60 },
    );
  });

  it('the certified lower bound on λ_min is tight for a positive definite matrix', () => {
    const lambdas = Array.from({ length: 120 }, (_, i) => 0.01 + i / 10);
    const e = symmetricExtremeEigenvalues(withSpectrum(lambdas, 7), { method: 'lanczos', certifyMin: true });
    expect(Math.abs(e.min - 0.01)).toBeLessThan(1e-11);
    expect(e.minLowerBound as number).toBeLessThanOrEqual(0.01);
    expect(e.minLowerBound as number).toBeGreaterThan(0.01 - 1e-8);
  });

  it('rejects a non-square or non-finite matrix, naming the operation', () => {
    expect(() => symmetricExtremeEigenvalues(new Matrix(2, 3))).toThrow(
      /symmetricExtremeEigenvalues: matrix must be square/,
    );
    expect(() =>
      symmetricExtremeEigenvalues(
        new Matrix([
          [1, NaN],
          [NaN, 1],
        ]),
      ),
    ).toThrow(/not finite/);
  });
});
