import fc from 'fast-check';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { initBackend } from '../../src/backend';
import { tf } from '../../src/backend/tf';
import { finiteWidthGram, gramInfinity, kernelSpectrum } from '../../src/kernel/gram';
import { Rng } from '../../src/rng';
import { gaussianWeights, sphereDataset } from './helpers';

beforeAll(async () => {
  await initBackend();
});

function eigenvalues(M: Matrix): number[] {
  return new EigenvalueDecomposition(M, { assumeSymmetric: true }).realEigenvalues;
}

function rowOf(x: Float32Array, d: number, j: number): Float64Array {
  return Float64Array.from(x.subarray(j * d, (j + 1) * d));
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

describe('H∞ (infinite-width Gram)', () => {
  it('equals the Monte-Carlo mean of x_jᵀx_k 1{wᵀx_j>0} 1{wᵀx_k>0}, w ~ N(0, I), within 5σ/√S', () => {
    const S = 4000;
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 2, max: 6 }), fc.integer(), (m, d, seed) => {
        const ds = sphereDataset(m, d, seed);
        const H = gramInfinity(ds);
        const rng = new Rng(seed).fork('monte-carlo');
        const sums = new Float64Array(m * m);
        for (let s = 0; s < S; s++) {
          const w = Array.from({ length: d }, () => rng.normal());
          const active = Array.from({ length: m }, (_, j) => dot(w, rowOf(ds.x, d, j)) > 0);
          for (let j = 0; j < m; j++) for (let k = 0; k < m; k++) if (active[j] && active[k]) sums[j * m + k] += 1;
        }
        let worst = 0; // largest |estimate − H∞| in units of the 5σ/√S allowance
        for (let j = 0; j < m; j++) {
          for (let k = 0; k < m; k++) {
            const c = dot(rowOf(ds.x, d, j), rowOf(ds.x, d, k));
            // The sample is c·Bernoulli(p), p = (π − arccos c)/(2π): σ = |c|·√(p(1 − p)).
            const p = (Math.PI - Math.acos(Math.min(1, Math.max(-1, c)))) / (2 * Math.PI);
            const sigma = Math.abs(c) * Math.sqrt(p * (1 - p));
            const allowance = (5 * sigma) / Math.sqrt(S) + 1e-12;
            worst = Math.max(worst, Math.abs((c * sums[j * m + k]) / S - H.get(j, k)) / allowance);
          }
        }
        expect(worst).toBeLessThanOrEqual(1);
      }),
      { seed: 42, numRuns: 15 },
    );
  });

  it('is symmetric positive semidefinite with diagonal 1/2', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 2, max: 8 }), fc.integer(), (m, d, seed) => {
        const H = gramInfinity(sphereDataset(m, d, seed));
        let diagonalGap = 0;
        let asymmetry = 0;
        for (let j = 0; j < m; j++) {
          diagonalGap = Math.max(diagonalGap, Math.abs(H.get(j, j) - 0.5));
          for (let k = 0; k < m; k++) asymmetry = Math.max(asymmetry, Math.abs(H.get(j, k) - H.get(k, j)));
        }
        // Inputs are float32-normalised: x_jᵀx_j = 1 ± 1e-6 at most, hence the 1e-6 tolerance.
        expect(diagonalGap).toBeLessThan(1e-6);
        expect(asymmetry).toBe(0);
        expect(Math.min(...eigenvalues(H))).toBeGreaterThan(-1e-12);
      }),
      { seed: 42, numRuns: 40 },
    );
  });
});

describe('kernelSpectrum', () => {
  it('λ0 and λ_max match the full ml-matrix eigendecomposition, by both the dense and the Lanczos path', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.integer({ min: 3, max: 8 }), fc.integer(), (m, d, seed) => {
        const ds = sphereDataset(m, d, seed);
        const values = eigenvalues(gramInfinity(ds));
        const exactMin = Math.min(...values);
        const exactMax = Math.max(...values);
        for (const method of ['dense', 'lanczos'] as const) {
          const s = kernelSpectrum(ds, { method });
          expect(s.method).toBe(method);
          // 1e-10·λ_max: far above the float64 error of either method (≈ m·ε·λ_max ≈ 1e-14·λ_max).
          expect(Math.abs(s.lambda0 - exactMin)).toBeLessThan(1e-10 * exactMax);
          expect(Math.abs(s.lambdaMax - exactMax)).toBeLessThan(1e-10 * exactMax);
          expect(s.stabilityLimitInfinity).toBeCloseTo(2 / exactMax, 12);
          if (method === 'lanczos') expect(s.lambda0LowerBound as number).toBeLessThanOrEqual(exactMin);
        }
      }),
      { seed: 42, numRuns: 30 },
    );
  });

  it('uses the Lanczos path above m = 300 and brackets λ0 by a certificate', () => {
    const s = kernelSpectrum(sphereDataset(320, 10, 3));
    expect(s.method).toBe('lanczos');
    expect(s.lambda0LowerBound as number).toBeLessThanOrEqual(s.lambda0);
    expect(s.lambda0 - (s.lambda0LowerBound as number)).toBeLessThan(1e-6 * s.lambdaMax);
    expect(s.lambda0Error).toBeLessThan(1e-9 * s.lambdaMax);
    expect(s.seconds).toBeGreaterThan(0);
  });

  it('a duplicated (parallel) input makes H∞ singular: the error says λ0 = 0 and names the pair', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 30 }),
        fc.integer({ min: 3, max: 8 }),
        fc.integer(),
        fc.boolean(),
        (m, d, seed, lanczos) => {
          const ds = sphereDataset(m, d, seed);
          const rng = new Rng(seed).fork('pair');
          const [a, b] = rng.sampleWithoutReplacement(m, 2).sort((p, q) => p - q);
          ds.x.copyWithin(b * d, a * d, (a + 1) * d);
          expect(() => kernelSpectrum(ds, { method: lanczos ? 'lanczos' : 'dense' })).toThrow(
            new RegExp(`singular \\(λ0 = 0.*inputs x_${a} and x_${b} .* are parallel`),
          );
        },
      ),
      { seed: 42, numRuns: 20 },
    );
    const big = sphereDataset(310, 5, 1);
    big.x.copyWithin(7 * 5, 0, 5);
    expect(() => kernelSpectrum(big)).toThrow(/x_0 and x_7/);
  });

  it('antiparallel inputs (x_k = −x_j) keep λ0 > 0: only parallel pairs are singular', () => {
    const ds = sphereDataset(10, 4, 5);
    for (let i = 0; i < 4; i++) ds.x[4 + i] = -ds.x[i];
    expect(kernelSpectrum(ds).lambda0).toBeGreaterThan(1e-3);
  });

  it('near-parallel pairs (angle 0.01 and π − 0.01, where the chord formula takes over) agree with arccos in float64', () => {
    const ds = sphereDataset(4, 3, 11);
    const [a0, a1, a2] = [ds.x[0], ds.x[1], ds.x[2]];
    // x_1 and x_2: x_0 rotated by ±0.01 rad in the plane of x_0 and a unit vector orthogonal to it.
    const ortho = [a1, -a0, 0].map((v) => v / Math.hypot(a0, a1));
    for (const [row, theta, sign] of [
      [1, 0.01, 1],
      [2, 0.01, -1],
    ] as const) {
      for (let i = 0; i < 3; i++)
        ds.x[row * 3 + i] = sign * (Math.cos(theta) * [a0, a1, a2][i] + Math.sin(theta) * ortho[i]);
    }
    const H = gramInfinity(ds);
    for (const k of [1, 2]) {
      const x0 = rowOf(ds.x, 3, 0);
      const xk = rowOf(ds.x, 3, k);
      const c = dot(x0, xk) / Math.sqrt(dot(x0, x0) * dot(xk, xk));
      // At |c| = cos 0.01 the slope of arccos is 1/sin 0.01 = 100: float64 arccos is accurate to ~1e-14 here.
      expect(Math.abs(H.get(0, k) - (dot(x0, xk) * (Math.PI - Math.acos(c))) / (2 * Math.PI))).toBeLessThan(1e-12);
    }
  });

  it('rejects inputs that are not unit-norm, naming the input', () => {
    const ds = sphereDataset(4, 3, 1);
    ds.x[6] *= 2;
    expect(() => kernelSpectrum(ds)).toThrow(/kernelSpectrum: input x_2 has norm .* unit-norm/);
    expect(() => gramInfinity({ ...ds, x: ds.x.subarray(0, 5) })).toThrow(
      /gramInfinity: ds.x has length 5, expected m·d = 12/,
    );
  });
});

describe('finiteWidthGram H(t)', () => {
  it('equals (1/N) Σ_r x_jᵀx_k 1{w_rᵀx_j>0} 1{w_rᵀx_k>0} computed neuron by neuron', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 2, max: 5 }),
        fc.integer(),
        (m, N, d, seed) => {
          const ds = sphereDataset(m, d, seed);
          const weights = gaussianWeights(N, d, seed);
          const before = tf.memory().numTensors;
          const H = finiteWidthGram(weights, ds);
          expect(tf.memory().numTensors).toBe(before);
          let worst = 0;
          for (let j = 0; j < m; j++) {
            for (let k = 0; k < m; k++) {
              let s = 0;
              for (let r = 0; r < N; r++) {
                const w = weights.w.subarray(r * d, (r + 1) * d);
                if (dot(w, rowOf(ds.x, d, j)) > 0 && dot(w, rowOf(ds.x, d, k)) > 0)
                  s += dot(rowOf(ds.x, d, j), rowOf(ds.x, d, k));
              }
              worst = Math.max(worst, Math.abs(H.get(j, k) - s / N));
            }
          }
          // Same float64 inner products and exact 0/1 counts: only summation order differs.
          expect(worst).toBeLessThan(1e-12);
        },
      ),
      { seed: 42, numRuns: 30 },
    );
  });

  it('H(0) → H∞ like 1/√N: the max entrywise gap at 16·N0 neurons is about 4× smaller than at N0', () => {
    // Mean over 16 seeds of max_jk |H(0) − H∞|_jk, m = 6, d = 4, N0 = 64. The expected ratio is √16 = 4;
    // a simulation of this statistic (1000 replicates) puts 99.8% of ratios in [2.8, 5.9]. Accepted: [2.5, 6.4] (4/1.6 to 4·1.6),
    // which still rejects a 1/N rate (16) and no convergence (1).
    const N0 = 64;
    let small = 0;
    let large = 0;
    for (let seed = 0; seed < 16; seed++) {
      const ds = sphereDataset(6, 4, seed);
      const H = gramInfinity(ds);
      small += finiteWidthGram(gaussianWeights(N0, 4, seed), ds)
        .sub(H)
        .abs()
        .max();
      large += finiteWidthGram(gaussianWeights(16 * N0, 4, seed + 1000), ds)
        .sub(H)
        .abs()
        .max();
    }
    const ratio = small / large;
    expect(ratio).toBeGreaterThan(2.5);
    expect(ratio).toBeLessThan(6.4);
  });

  it('rejects weights whose input dimension does not match the data', () => {
    expect(() => finiteWidthGram(gaussianWeights(3, 4, 1), sphereDataset(2, 3, 1))).toThrow(
      /finiteWidthGram: weights.inputDim \(4\) differs from ds.d \(3\)/,
    );
  });
});
