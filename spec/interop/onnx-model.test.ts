/**
 * The pruned subnetwork as ONNX: run in onnxruntime-node on the training inputs it equals f_{S_n} =
 * (1/n) Σ_{r∈S} Φ_r within float32 rounding (multiplicities honoured), and read back with
 * --parameterisation meanfield it is a network of the distinct picks with the same output.
 */
import fc from 'fast-check';
import * as ort from 'onnxruntime-node';
import { initBackend } from '../../src/backend';
import { tf } from '../../src/backend/tf';
import { weightsFromOnnx, subnetworkToOnnx } from '../../src/interop/onnx-model';
import { denseOutput, disposeNeuronFeatures, neuronFeatures } from '../../src/model/features';
import { initNetwork } from '../../src/model/init';
import type { Parameterisation } from '../../src/model/types';
import { greedyPruner } from '../../src/pruning/greedy';
import { subnetworkOutput } from '../../src/pruning/subnetwork';
import { Rng } from '../../src/rng';

beforeAll(async () => {
  await initBackend();
});

async function runOnnx(bytes: Uint8Array, x: Float32Array, m: number, d: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  const result = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', x, [m, d]) });
  return result[session.outputNames[0]].data as Float32Array;
}

describe('prune --export: the subnetwork as ONNX', () => {
  it('its onnxruntime output on the inputs is f_{S_n} within float32 rounding, for greedy picks with repeats', async () => {
    const cases = fc.sample(
      fc.record({
        seed: fc.integer({ min: 0, max: 1000 }),
        parameterisation: fc.constantFrom<Parameterisation>('ntk', 'meanfield'),
        width: fc.integer({ min: 1, max: 40 }),
        m: fc.integer({ min: 1, max: 30 }),
        d: fc.integer({ min: 1, max: 6 }),
        outputs: fc.integer({ min: 1, max: 3 }),
        n: fc.integer({ min: 1, max: 60 }),
      }),
      { seed: 24, numRuns: 25 },
    );
    for (const c of cases) {
      const rng = new Rng(c.seed);
      const weights = initNetwork({ ...c, inputDim: c.d, rng: rng.fork('net') });
      const x = rng.fork('x').normalArray(c.m * c.d);
      const y = rng.fork('y').normalArray(c.m * c.outputs);
      const xt = tf.tensor2d(x, [c.m, c.d]);
      const yt = tf.tensor2d(y, [c.m, c.outputs]);
      const features = neuronFeatures(weights, xt);
      try {
        const { selection } = greedyPruner().prune({ features, targets: yt, weights, n: c.n, seed: 0 }) as {
          selection: number[];
        };
        const expected = subnetworkOutput(features, selection);
        const reference = expected.dataSync();
        const scale = Math.max(...Array.from(reference, Math.abs), 1e-30);
        const bytes = subnetworkToOnnx(weights, selection);
        const actual = await runOnnx(bytes, x, c.m, c.d);
        expect(actual).toHaveLength(reference.length);
        actual.forEach((v, i) => expect(Math.abs(v - reference[i])).toBeLessThanOrEqual(1e-5 * scale));
        // Read back as a mean-field network of the distinct picks: the same function.
        const back = weightsFromOnnx(bytes, 'sub.onnx', 'meanfield');
        expect(back.width).toBe(new Set(selection).size);
        const dense = denseOutput(back, xt);
        Array.from(dense.dataSync()).forEach((v, i) =>
          expect(Math.abs(v - reference[i])).toBeLessThanOrEqual(1e-5 * scale),
        );
        tf.dispose([expected, dense]);
      } finally {
        disposeNeuronFeatures(features);
        tf.dispose([xt, yt]);
      }
    }
  });

  it('a wrong subnetwork does not pass: dropping the multiplicities changes the output beyond the tolerance', async () => {
    const rng = new Rng(5);
    const weights = initNetwork({ parameterisation: 'ntk', width: 4, inputDim: 3, outputs: 1, rng });
    const x = rng.fork('x').normalArray(8 * 3);
    const xt = tf.tensor2d(x, [8, 3]);
    const features = neuronFeatures(weights, xt);
    const selection = [0, 0, 0, 1];
    const reference = subnetworkOutput(features, selection).dataSync();
    const distinctOnly = await runOnnx(subnetworkToOnnx(weights, [0, 1]), x, 8, 3);
    const scale = Math.max(...Array.from(reference, Math.abs));
    expect(Math.max(...Array.from(distinctOnly, (v, i) => Math.abs(v - reference[i])))).toBeGreaterThan(1e-5 * scale);
    disposeNeuronFeatures(features);
    xt.dispose();
  });
});
