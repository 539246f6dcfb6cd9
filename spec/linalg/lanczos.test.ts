import fc from 'fast-check';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { lanczosIteration, lanczosTop, runWithAsync, type LanczosOptions } from '../../src/linalg/lanczos';
import { norm, normalise, residualNorm, scale } from '../../src/linalg/vector';
import { Rng } from '../../src/rng';

const EPS = 2 ** -53;

/** A random symmetric n×n matrix: (B + Bᵀ)/2 with entries of B in [−1, 1], or B_r B_rᵀ (rank r < n). */
const symmetricMatrix = fc
  .record({ n: fc.integer({ min: 1, max: 24 }), rank: fc.integer({ min: 1, max: 24 }), lowRank: fc.boolean() })
  .chain(({ n, rank, lowRank }) =>
    fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: n * n, maxLength: n * n }).map((b) => {
      const B = new Matrix(n, n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) B.set(i, j, b[i * n + j]);
      if (!lowRank) return B.add(B.transpose()).div(2);
      const Br = B.subMatrix(0, n - 1, 0, Math.min(rank, n) - 1);
      return Br.mmul(Br.transpose());
    }),
  );

function operator(A: Matrix): (v: Float64Array) => Float64Array {
  return (v) => Float64Array.from(A.mmul(Matrix.columnVector(Array.from(v))).getColumn(0));
}

function randomUnit(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const v = Float64Array.from({ length: n }, () => rng.normal());
  normalise(v);
  return v;
}

function denseTop(A: Matrix): number {
  return Math.max(...new EigenvalueDecomposition(A, { assumeSymmetric: true }).realEigenvalues);
}

function frobenius(A: Matrix): number {
  return norm(Float64Array.from(A.to1DArray()));
}

/** Measured ‖Av̂ − θv̂‖ of the normalised returned vector: A has an eigenvalue within it of θ. */
function measuredResidual(A: Matrix, value: number, vector: Float64Array): number {
  const unit = scale(vector, 1 / norm(vector));
  return residualNorm(operator(A)(unit), unit, value);
}

describe('lanczosTop', () => {
  it('θ equals the top eigenvalue of a dense eigendecomposition within the certified residual ‖Av − θv‖', () => {
    fc.assert(
      fc.property(symmetricMatrix, fc.integer(), (A, seed) => {
        const n = A.rows;
        const tolerance = 1e-10;
        const result = lanczosTop(operator(A), randomUnit(n, seed), { tolerance, maxIterations: n });
        const residual = measuredResidual(A, result.value, result.vector);
        // Rounding of θ, of the residual and of the dense reference: a few n·ε·‖A‖_F.
        const slack = 64 * n * EPS * Math.max(frobenius(A), Number.MIN_VALUE);
        expect(Math.abs(result.value - denseTop(A))).toBeLessThanOrEqual(residual + slack);
        // The stop rule's estimate β|s_k| matches the measured residual (orthogonal basis), so it certifies too.
        expect(Math.abs(result.ritzResidual - residual)).toBeLessThanOrEqual(1e-6 * frobenius(A) + slack);
        expect(result.iterations).toBeLessThanOrEqual(n);
      }),
      { seed: 42, numRuns: 150 },
    );
  });

  it('stops by the rule β|s_k| ≤ tolerance·|θ| before the cap when the top eigenvalue is well separated', () => {
    const n = 200;
    const lambdas = Array.from({ length: n }, (_, i) => (i === n - 1 ? 10 : i / n));
    const apply = (v: Float64Array) => v.map((x, i) => lambdas[i] * x);
    const result = lanczosTop(apply, randomUnit(n, 3), { tolerance: 1e-8, maxIterations: n });
    expect(result.iterations).toBeLessThan(40);
    expect(result.ritzResidual).toBeLessThanOrEqual(1e-8 * result.value);
    expect(Math.abs(result.value - 10)).toBeLessThan(1e-8 * 10);
  });

  it('stops at the first step whose Ritz pair meets β|s_k| ≤ tolerance·|θ|: one step fewer does not meet it', () => {
    fc.assert(
      fc.property(symmetricMatrix, fc.integer(), (A, seed) => {
        const n = A.rows;
        const opts: LanczosOptions = { tolerance: 1e-6, maxIterations: n };
        const start = randomUnit(n, seed);
        const { iterations, value } = lanczosTop(operator(A), start, opts);
        expect(Number.isFinite(value)).toBe(true);
        if (iterations < 2) return;
        const earlier = lanczosTop(operator(A), start, { ...opts, maxIterations: iterations - 1 });
        expect(earlier.ritzResidual).toBeGreaterThan(opts.tolerance * Math.abs(earlier.value));
      }),
      { seed: 7, numRuns: 60 },
    );
  });

  it('an invariant start (an eigenvector) stops after one step under either breakdown rule', () => {
    const apply = (v: Float64Array) => v.map((x, i) => (i + 1) * x);
    const e3 = Float64Array.from([0, 0, 1, 0, 0]);
    for (const breakdown of [
      { relativeTo: 'operatorScale', tolerance: EPS },
      { relativeTo: 'ritzValue', tolerance: 1e-12 },
    ] as const) {
      const result = lanczosTop(apply, e3, { tolerance: 0, maxIterations: 5, breakdown });
      expect(result.iterations).toBe(1);
      expect(result.value).toBe(3);
      expect(Array.from(result.vector)).toEqual([0, 0, 1, 0, 0]);
    }
  });

  it('driven by an asynchronous operator, the iteration gives the same bits as lanczosTop', async () => {
    await fc.assert(
      fc.asyncProperty(symmetricMatrix, fc.integer({ min: 1, max: 1000 }), async (A, seed) => {
        const n = A.rows;
        const opts = { tolerance: 1e-10, maxIterations: n };
        const sync = lanczosTop(operator(A), randomUnit(n, seed), opts);
        const apply = operator(A);
        const driven = await runWithAsync(lanczosIteration(randomUnit(n, seed), opts), async (v) => apply(v));
        expect(driven.iterations).toBe(sync.iterations);
        expect(Object.is(driven.value, sync.value)).toBe(true);
        expect(Buffer.from(driven.vector.buffer).equals(Buffer.from(sync.vector.buffer))).toBe(true);
      }),
      { seed: 21, numRuns: 30 },
    );
  });

  it('rejects an empty start, a negative or NaN tolerance and non-integer caps', () => {
    const id = (v: Float64Array) => Float64Array.from(v);
    const start = Float64Array.of(1);
    expect(() => lanczosTop(id, new Float64Array(0), { tolerance: 1, maxIterations: 1 })).toThrow(RangeError);
    expect(() => lanczosTop(id, start, { tolerance: -1, maxIterations: 1 })).toThrow(/tolerance/);
    expect(() => lanczosTop(id, start, { tolerance: NaN, maxIterations: 1 })).toThrow(/tolerance/);
    expect(() => lanczosTop(id, start, { tolerance: 1, maxIterations: 0 })).toThrow(/maxIterations/);
    expect(() => lanczosTop(id, start, { tolerance: 1, maxIterations: 1.5 })).toThrow(/maxIterations/);
  });
});
