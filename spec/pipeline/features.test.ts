import fc from 'fast-check';
import { initBackend } from '../../src/backend';
import { tf, type Tensor2D } from '../../src/backend/tf';
import { createOnnxEngine, createTfjsEngine, type Engine } from '../../src/engine';
import { disposeNeuronFeatures } from '../../src/model/features';
import { featuresAt, hullProductsOn } from '../../src/pipeline/features';
import { Rng } from '../../src/rng';
import { explicitPhi, gaussianWeights, sphereDataset } from '../kernel/helpers';

let onnx: Engine;
let tfjs: Engine;

beforeAll(async () => {
  await initBackend();
  [onnx, tfjs] = await Promise.all([createOnnxEngine({ threads: 1 }), createTfjsEngine()]);
});

afterAll(async () => {
  await Promise.all([onnx.dispose(), tfjs.dispose()]);
});

const sizes = fc.record({
  m: fc.integer({ min: 1, max: 40 }),
  d: fc.integer({ min: 1, max: 8 }),
  N: fc.integer({ min: 1, max: 30 }),
  seed: fc.integer(),
});

describe('featuresAt: one construction of a checkpoint’s features', () => {
  it('without an engine they are the tfjs engine’s; on onnx, A matches tfjs to 1e-5 of max|A|, and the Gram that comes with it is ⟨Φ_r, Φ_s⟩ of that A to 1e-5 of max G', async () => {
    await fc.assert(
      fc.asyncProperty(sizes, async ({ m, d, N, seed }) => {
        const data = sphereDataset(m, d, seed);
        data.y = new Rng(seed).fork('y').normalArray(m);
        const weights = gaussianWeights(N, d, seed);
        const x = tf.tensor2d(data.x, [m, d]) as Tensor2D;
        const reference = await featuresAt(weights, { data, x });
        const onTfjs = await featuresAt(weights, { engine: tfjs, data, x });
        const engine = await featuresAt(weights, { engine: onnx, data, x });
        try {
          // Without an engine is the tfjs engine, bit for bit (inline runs and worker runs measure the same numbers).
          for (const key of ['activations', 'activationsT', 'outWeights'] as const)
            expect(Array.from(onTfjs[key].dataSync())).toEqual(Array.from(reference[key].dataSync()));
          expect(Array.from(onTfjs.gram!)).toEqual(Array.from(reference.gram!));
          const A = engine.activations.dataSync();
          const refA = reference.activations.dataSync();
          const aScale = Math.max(...Array.from(refA, Math.abs), 1e-30);
          A.forEach((a, i) => expect(Math.abs(a - refA[i])).toBeLessThanOrEqual(1e-5 * aScale));
          expect(Array.from(engine.outWeights.dataSync())).toEqual(Array.from(reference.outWeights.dataSync()));
          const phi = explicitPhi(engine);
          const gram = engine.gram!;
          expect(gram).toHaveLength(N * N);
          const exact = phi.map((p) => phi.map((q) => p.reduce((s, v, i) => s + v * q[i], 0)));
          const gScale = Math.max(...exact.flat().map(Math.abs), 1e-30);
          exact.forEach((row, r) =>
            row.forEach((g, s) => expect(Math.abs(gram[r * N + s] - g)).toBeLessThanOrEqual(1e-5 * gScale)),
          );
        } finally {
          [reference, onTfjs, engine].forEach(disposeNeuronFeatures);
          x.dispose();
        }
      }),
      { seed: 51, numRuns: 12 },
    );
  });

  it('the hull products on onnx are Φp − y and Φᵀ(Φp − y) in float64 (to 1e-12 of scale); without an engine or on tfjs there are none', async () => {
    await fc.assert(
      fc.asyncProperty(sizes, fc.integer({ min: 1, max: 3 }), async ({ m, d, N, seed }, C) => {
        const data = sphereDataset(m, d, seed);
        data.outputs = C;
        data.y = new Rng(seed).fork('y').normalArray(m * C);
        const weights = { ...gaussianWeights(N, d, seed), outputs: C, v: new Rng(seed).fork('v').normalArray(N * C) };
        const x = tf.tensor2d(data.x, [m, d]) as Tensor2D;
        const y = tf.tensor2d(data.y, [m, C]) as Tensor2D;
        const features = await featuresAt(weights, { engine: onnx, data, x });
        try {
          expect(hullProductsOn({ data, x }, features, y)).toBeUndefined();
          expect(hullProductsOn({ engine: tfjs, data, x }, features, y)).toBeUndefined();
          const products = await hullProductsOn({ engine: onnx, data, x }, features, y)!();
          const p = Float64Array.from(new Rng(seed).fork('p').normalArray(N));
          const { residual, projected } = await products(p);
          const phi = explicitPhi(features);
          const exactResidual = new Float64Array(m * C).map(
            (_, i) => phi.reduce((s, f, r) => s + p[r] * f[i], 0) - data.y[i],
          );
          const exactProjected = phi.map((f) => f.reduce((s, v, i) => s + v * exactResidual[i], 0));
          const scale = (a: ArrayLike<number>) => Math.max(...Array.from(a, Math.abs), 1);
          residual.forEach((r, i) =>
            expect(Math.abs(r - exactResidual[i])).toBeLessThanOrEqual(1e-12 * scale(exactResidual)),
          );
          projected.forEach((v, r) =>
            expect(Math.abs(v - exactProjected[r])).toBeLessThanOrEqual(1e-12 * scale(exactProjected) * m),
          );
        } finally {
          disposeNeuronFeatures(features);
          tf.dispose([x, y]);
        }
      }),
      { seed: 52, numRuns: 10 },
    );
  });
});
