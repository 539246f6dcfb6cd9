import { initBackend } from '../../src/backend';
import { tf } from '../../src/backend/tf';
import {
  denseOutput,
  disposeNeuronFeatures,
  neuronFeatures,
  neuronFeaturesFromActivations,
} from '../../src/model/features';
import { neuronScale, type Parameterisation } from '../../src/model/types';
import { problem, scaledMaxError, transpose } from './fixtures';

beforeAll(async () => {
  await initBackend();
});

describe.each<[Parameterisation, number]>([
  ['ntk', 1],
  ['ntk', 3],
  ['meanfield', 2],
])('neuron features (%s, C = %i)', (p, outputs) => {
  const sizes = { m: 9, d: 4, width: 13, outputs };

  it('Φ_r = φ_r(x_j) = neuronScale·v_r·ReLU(w_rᵀx_j), and the dense output is their centroid (1/N) Σ_r Φ_r', () => {
    const { weights, dataset, data } = problem(p, sizes, 21);
    const before = tf.memory().numTensors;
    const features = neuronFeatures(weights, data.x);
    const dense = denseOutput(weights, data.x);
    const { m, d } = dataset;
    const { width: N, outputs: C } = weights;
    const s = neuronScale(weights);
    const activations = new Float64Array(m * N);
    const centroid = new Float64Array(m * C);
    for (let j = 0; j < m; j++) {
      for (let r = 0; r < N; r++) {
        let z = 0;
        for (let i = 0; i < d; i++) z += weights.w[r * d + i] * dataset.x[j * d + i];
        activations[j * N + r] = Math.max(z, 0);
        for (let c = 0; c < C; c++) centroid[j * C + c] += (s * weights.v[r * C + c] * Math.max(z, 0)) / N;
      }
    }
    // float32 dot products of length d = 4 and sums of N = 13 terms: 1e-5 of the largest entry is ample.
    expect(scaledMaxError(features.activations.dataSync(), activations)).toBeLessThan(1e-5);
    expect(scaledMaxError(dense.dataSync(), centroid)).toBeLessThan(1e-5);
    expect(Array.from(features.activationsT.dataSync())).toEqual(
      Array.from(transpose(features.activations.dataSync(), m, N)),
    );
    expect(Array.from(features.outWeights.dataSync())).toEqual(Array.from(weights.v, (v) => Math.fround(s * v)));
    expect([features.m, features.width, features.outputs]).toEqual([m, N, C]);
    expect(features.activations.shape).toEqual([m, N]);
    expect(features.activationsT.shape).toEqual([N, m]);
    expect(features.outWeights.shape).toEqual([N, C]);
    expect(dense.shape).toEqual([m, C]);
    disposeNeuronFeatures(features);
    dense.dispose();
    expect(tf.memory().numTensors).toBe(before);
    data.dispose();
  });
});

describe('neuron features from host activations (the engine path)', () => {
  it('rebuild the tfjs features bit for bit from their own activations, and carry the Gram given with them', () => {
    for (const [p, outputs] of [
      ['ntk', 2],
      ['meanfield', 1],
    ] as const) {
      const { weights, data } = problem(p, { m: 7, d: 3, width: 5, outputs }, 23);
      const reference = neuronFeatures(weights, data.x);
      const gram = new Float32Array(25).map((_, i) => i);
      const rebuilt = neuronFeaturesFromActivations(weights, reference.activations.dataSync() as Float32Array, gram);
      for (const key of ['activations', 'activationsT', 'outWeights'] as const) {
        expect(rebuilt[key].shape).toEqual(reference[key].shape);
        expect(Array.from(rebuilt[key].dataSync())).toEqual(Array.from(reference[key].dataSync()));
      }
      expect([rebuilt.m, rebuilt.width, rebuilt.outputs]).toEqual([7, 5, outputs]);
      expect(rebuilt.gram).toBe(gram);
      expect(neuronFeaturesFromActivations(weights, reference.activations.dataSync() as Float32Array).gram).toBe(
        undefined,
      );
      disposeNeuronFeatures(reference);
      disposeNeuronFeatures(rebuilt);
      data.dispose();
    }
  });

  it('reject activations that are not m×N and a Gram that is not N×N', () => {
    const { weights } = problem('ntk', { m: 3, d: 2, width: 4, outputs: 1 }, 24);
    expect(() => neuronFeaturesFromActivations(weights, new Float32Array(10))).toThrow(
      'neuronFeaturesFromActivations: 10 activations is not m×4',
    );
    expect(() => neuronFeaturesFromActivations(weights, new Float32Array(12), new Float32Array(15))).toThrow(
      'neuronFeaturesFromActivations: gram has 15 entries, expected 4×4',
    );
  });
});

describe('neuron features: bad input', () => {
  it('rejects inputs whose width is not inputDim, and inconsistent weights, naming the operation', () => {
    const { weights, data } = problem('ntk', { m: 5, d: 3, width: 4, outputs: 1 }, 22);
    expect(() => neuronFeatures(weights, data.xT)).toThrow('neuronFeatures: x has shape [3, 5], expected [m, 3]');
    expect(() => denseOutput({ ...weights, v: new Float32Array(3) }, data.x)).toThrow(
      'denseOutput: v must be a Float32Array of width·outputs = 4 entries, got 3 entries',
    );
    const nan = { ...weights, w: weights.w.map((x, i) => (i === 2 ? NaN : x)) };
    expect(() => denseOutput(nan, data.x)).toThrow('denseOutput: w[2] is not finite (NaN)');
    data.dispose();
  });
});
