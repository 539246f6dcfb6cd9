import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { initBackend } from '../../src/backend';
import { stabilityInfo } from '../../src/model/stability';
import { neuronScale, type Parameterisation, type TwoLayerWeights } from '../../src/model/types';
import type { Dataset } from '../../src/data/types';
import { problem } from './fixtures';

beforeAll(async () => {
  await initBackend();
});

function preactivations(weights: TwoLayerWeights, ds: Dataset): Float64Array {
  const { width, inputDim: d } = weights;
  const z = new Float64Array(ds.m * width);
  for (let j = 0; j < ds.m; j++) {
    for (let r = 0; r < width; r++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += weights.w[r * d + i] * ds.x[j * d + i];
      z[j * width + r] = s;
    }
  }
  return z;
}

function inner(ds: Dataset, j: number, k: number): number {
  let s = 0;
  for (let i = 0; i < ds.d; i++) s += ds.x[j * ds.d + i] * ds.x[k * ds.d + i];
  return s;
}

/** H(0)_jk = (1/N) Σ_r x_jᵀx_k 1{w_rᵀx_j > 0} 1{w_rᵀx_k > 0}, in float64 (THEORY.md §3). */
function explicitGram(weights: TwoLayerWeights, ds: Dataset): Matrix {
  const z = preactivations(weights, ds);
  const N = weights.width;
  const h = Matrix.zeros(ds.m, ds.m);
  for (let j = 0; j < ds.m; j++) {
    for (let k = 0; k < ds.m; k++) {
      let count = 0;
      for (let r = 0; r < N; r++) if (z[j * N + r] > 0 && z[k * N + r] > 0) count++;
      h.set(j, k, (inner(ds, j, k) * count) / N);
    }
  }
  return h;
}

/**
 * K = J Jᵀ over the trained parameters, written entrywise (stability.ts derivation):
 * K_(jc),(kc′) = c² Σ_r [v_rc v_rc′ 1_jr 1_kr x_jᵀx_k + (meanfield) δ_cc′ ReLU(z_jr) ReLU(z_kr)].
 */
function explicitKernel(weights: TwoLayerWeights, ds: Dataset): Matrix {
  const z = preactivations(weights, ds);
  const { width: N, outputs: C } = weights;
  const c2 = (neuronScale(weights) / N) ** 2;
  const k = Matrix.zeros(ds.m * C, ds.m * C);
  for (let j = 0; j < ds.m; j++) {
    for (let l = 0; l < ds.m; l++) {
      const xx = inner(ds, j, l);
      for (let c = 0; c < C; c++) {
        for (let e = 0; e < C; e++) {
          let s = 0;
          for (let r = 0; r < N; r++) {
            const zj = z[j * N + r];
            const zl = z[l * N + r];
            if (zj > 0 && zl > 0) s += weights.v[r * C + c] * weights.v[r * C + e] * xx;
            if (weights.parameterisation === 'meanfield' && c === e) s += Math.max(zj, 0) * Math.max(zl, 0);
          }
          k.set(j * C + c, l * C + e, c2 * s);
        }
      }
    }
  }
  return k;
}

function lambdaMax(symmetric: Matrix): number {
  return Math.max(...new EigenvalueDecomposition(symmetric, { assumeSymmetric: true }).realEigenvalues);
}

describe('stabilityInfo', () => {
  it('for ntk with C = 1, λ_max equals λ_max of the explicit H(0) to 1e-3 and limit = 2/λ_max', () => {
    const { weights, dataset, data } = problem('ntk', { m: 24, d: 6, width: 40, outputs: 1 }, 5);
    const info = stabilityInfo(weights, data);
    const exact = lambdaMax(explicitGram(weights, dataset));
    expect(info.converged).toBe(true);
    expect(info.relativeResidual).toBeLessThanOrEqual(1e-4);
    expect(Math.abs(info.lambdaMaxH0 - exact) / exact).toBeLessThan(1e-3);
    expect(info.limit).toBeCloseTo(2 / info.lambdaMaxH0, 12);
    expect(info.limitFormula).toBe('2/λ_max(H(0))');
    data.dispose();
  });

  it.each<[Parameterisation, number]>([
    ['ntk', 3],
    ['meanfield', 1],
    ['meanfield', 3],
  ])('for %s with C = %i, λ_max equals λ_max of the explicit J Jᵀ to 1e-3, with the matching limit', (p, outputs) => {
    const m = 14;
    const width = 30;
    const { weights, dataset, data } = problem(p, { m, d: 5, width, outputs }, 6);
    const info = stabilityInfo(weights, data);
    const exact = lambdaMax(explicitKernel(weights, dataset));
    expect(info.converged).toBe(true);
    expect(Math.abs(info.lambdaMaxH0 - exact) / exact).toBeLessThan(1e-3);
    const expectedLimit = p === 'ntk' ? 2 / exact : (2 * m) / (width * exact);
    expect(Math.abs(info.limit - expectedLimit) / expectedLimit).toBeLessThan(1e-3);
    data.dispose();
  });

  it('Lanczos and plain power iteration agree to the tolerance, Lanczos in fewer K·q products', () => {
    const { weights, data } = problem('ntk', { m: 30, d: 4, width: 60, outputs: 3 }, 7);
    const lanczos = stabilityInfo(weights, data, { method: 'lanczos' });
    const power = stabilityInfo(weights, data, { method: 'power', maxIterations: 2000 });
    expect(lanczos.converged && power.converged).toBe(true);
    expect(Math.abs(lanczos.lambdaMaxH0 - power.lambdaMaxH0) / lanczos.lambdaMaxH0).toBeLessThan(2e-4);
    expect(lanczos.iterations).toBeLessThan(power.iterations);
    data.dispose();
  });

  it('reports converged = false, with the estimate, when the iteration cap is hit first', () => {
    const { weights, data } = problem('ntk', { m: 30, d: 4, width: 60, outputs: 3 }, 7);
    const info = stabilityInfo(weights, data, { method: 'power', maxIterations: 2 });
    expect(info.converged).toBe(false);
    expect(info.iterations).toBe(2);
    expect(info.relativeResidual).toBeGreaterThan(1e-4);
    expect(Number.isFinite(info.lambdaMaxH0) && info.lambdaMaxH0 > 0).toBe(true);
    data.dispose();
  });

  it('gives limit = ∞ when every neuron is inactive on every input (K = 0: GD cannot move)', () => {
    const { weights, data } = problem('ntk', { m: 8, d: 3, width: 5, outputs: 1 }, 8);
    // All-positive inputs and all-negative weights: w_rᵀx_j < 0 everywhere.
    const dead = { ...weights, w: weights.w.map((x) => -Math.abs(x) - 0.1) };
    const positive = { ...data, x: data.x.abs(), xT: data.xT.abs() };
    const info = stabilityInfo(dead, positive);
    expect(info.lambdaMaxH0).toBe(0);
    expect(info.limit).toBe(Infinity);
    positive.x.dispose();
    positive.xT.dispose();
    data.dispose();
  });

  it('rejects a bad tolerance or data of the wrong width, naming the field', () => {
    const { weights, data } = problem('ntk', { m: 8, d: 3, width: 5, outputs: 1 }, 8);
    expect(() => stabilityInfo(weights, data, { tolerance: 0 })).toThrow(/stabilityInfo: tolerance must be/);
    expect(() => stabilityInfo(weights, data, { maxIterations: 0.5 })).toThrow(/stabilityInfo: maxIterations/);
    expect(() => stabilityInfo({ ...weights, inputDim: 4, w: new Float32Array(20) }, data)).toThrow(
      /stabilityInfo: data.x has shape \[8, 3\], expected \[m, 4\]/,
    );
    expect(() => stabilityInfo(weights, { x: data.x, xT: data.x })).toThrow(
      'stabilityInfo: data.xT has shape [8, 3], expected [3, 8]',
    );
    data.dispose();
  });
});
