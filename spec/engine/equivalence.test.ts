/**
 * The onnx engine against the tfjs reference (src/model/train.ts) on generated small problems, and the
 * reproducibility properties the lead's bisection relies on (same seed → same bytes; replay from a
 * checkpoint → the same trajectory).
 */
import fc from 'fast-check';
import { initBackend } from '../../src/backend';
import type { Dataset } from '../../src/data/types';
import { createOnnxEngine, createTfjsEngine, type Engine } from '../../src/engine';
import { stabilityInfo, type StabilityInfo } from '../../src/model/stability';
import { DivergenceError, type TrainOptions, type TrainResult } from '../../src/model/train';
import type { Parameterisation, TwoLayerWeights } from '../../src/model/types';
import { Rng } from '../../src/rng';
import { problem } from '../model/fixtures';

let onnx: Engine;
let onnx64: Engine;
let tfjs: Engine;
beforeAll(async () => {
  await initBackend();
  [onnx, onnx64, tfjs] = await Promise.all([
    createOnnxEngine(),
    createOnnxEngine({ precision: 'float64' }),
    createTfjsEngine(),
  ]);
});
afterAll(async () => {
  await Promise.all([onnx.dispose(), onnx64.dispose(), tfjs.dispose()]);
});

interface Case {
  parameterisation: Parameterisation;
  m: number;
  d: number;
  width: number;
  outputs: number;
  seed: number;
  /** η as a fraction of the stability limit. */
  stepFraction: number;
  batch: number | null;
}

const caseArbitrary = (batch: boolean): fc.Arbitrary<Case> =>
  fc
    .record({
      parameterisation: fc.constantFrom<Parameterisation>('ntk', 'meanfield'),
      m: fc.integer({ min: 4, max: 16 }),
      d: fc.integer({ min: 2, max: 6 }),
      width: fc.integer({ min: 8, max: 40 }),
      outputs: fc.constantFrom(1, 3),
      seed: fc.integer({ min: 1, max: 1000 }),
      stepFraction: fc.double({ min: 0.1, max: 0.5, noNaN: true }),
      batchFraction: fc.double({ min: 0.2, max: 1, noNaN: true }),
    })
    .map(({ batchFraction, ...c }) => ({ ...c, batch: batch ? Math.max(1, Math.round(batchFraction * c.m)) : null }));

interface Setup {
  dataset: Dataset;
  weights: TwoLayerWeights;
  options: TrainOptions;
}

function setUp(c: Case, iterations = 100): Setup {
  const { dataset, data, weights } = problem(c.parameterisation, c, c.seed);
  let stability: StabilityInfo;
  try {
    stability = stabilityInfo(weights, data);
  } finally {
    data.dispose();
  }
  const options: TrainOptions = {
    eta: c.stepFraction * stability.limit,
    iterations,
    checkpoints: [0, Math.floor(iterations / 3), iterations],
    stability,
    ...(c.batch !== null ? { batch: { size: c.batch, rng: new Rng(c.seed).fork('sgd') } } : {}),
  };
  return { dataset, weights, options };
}

function relativeDistance(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    norm += b[i] ** 2;
  }
  return Math.sqrt(diff / Math.max(norm, 1e-30));
}

function expectSameTrajectory(a: TrainResult, b: TrainResult, tolerance: number): void {
  const scale = Math.max(b.residuals[0], 1e-12);
  for (let t = 0; t < b.residuals.length; t++) {
    expect(Math.abs(a.residuals[t] - b.residuals[t]) / scale).toBeLessThanOrEqual(tolerance);
  }
  expect(relativeDistance(a.final.w, b.final.w)).toBeLessThanOrEqual(tolerance);
  expect(relativeDistance(a.final.v, b.final.v)).toBeLessThanOrEqual(tolerance);
  expect(a.checkpoints.map((c) => c.t)).toEqual(b.checkpoints.map((c) => c.t));
}

const bytes = (r: TrainResult) => [
  Buffer.from(r.residuals.buffer).toString('base64'),
  ...r.checkpoints.flatMap((c) => [
    Buffer.from(c.weights.w.buffer).toString('base64'),
    Buffer.from(c.weights.v.buffer).toString('base64'),
  ]),
];

describe('onnx and tfjs engines', () => {
  it('agree on GD: R(t) within 1e-4·R(0) to t = 100, final weights within 1e-4 (ntk, meanfield; C = 1, 3)', async () => {
    await fc.assert(
      fc.asyncProperty(caseArbitrary(false), async (c) => {
        const { dataset, weights, options } = setUp(c);
        const [a, b] = [await onnx.train(weights, dataset, options), await tfjs.train(weights, dataset, options)];
        expectSameTrajectory(a, b, 1e-4);
        expect(b.residuals[100]).toBeLessThan(b.residuals[0]); // the runs did train
      }),
      { seed: 12, numRuns: 6 },
    );
  });

  it('agree on minibatch SGD: the batch of step t depends only on (seed, t), so both draw the same rows', async () => {
    await fc.assert(
      fc.asyncProperty(caseArbitrary(true), async (c) => {
        const { dataset, weights, options } = setUp(c);
        expectSameTrajectory(
          await onnx.train(weights, dataset, options),
          await tfjs.train(weights, dataset, options),
          1e-4,
        );
      }),
      { seed: 13, numRuns: 4 },
    );
  });

  it('float64 onnx agrees with the float32 reference to 1e-4 and its R(t) are not float32-rounded', async () => {
    const { dataset, weights, options } = setUp({
      parameterisation: 'meanfield',
      m: 12,
      d: 4,
      width: 30,
      outputs: 3,
      seed: 5,
      stepFraction: 0.4,
      batch: null,
    });
    const a = await onnx64.train(weights, dataset, options);
    expectSameTrajectory(a, await tfjs.train(weights, dataset, options), 1e-4);
    expect(Array.from(a.residuals).some((r) => Math.fround(r) !== r)).toBe(true);
  });

  it('both throw DivergenceError at the same step when η is far above the stability limit', async () => {
    const { dataset, weights, options } = setUp(
      { parameterisation: 'ntk', m: 10, d: 4, width: 20, outputs: 1, seed: 3, stepFraction: 8, batch: null },
      200,
    );
    const stepOf = async (engine: Engine) => {
      const error = await engine.train(weights, dataset, options).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DivergenceError);
      return (error as DivergenceError).step;
    };
    expect(await stepOf(onnx)).toBe(await stepOf(tfjs));
  });
});

describe('reproducibility on one engine', () => {
  const replayCase: Case = {
    parameterisation: 'meanfield',
    m: 14,
    d: 5,
    width: 24,
    outputs: 3,
    seed: 9,
    stepFraction: 0.3,
    batch: null,
  };

  it.each([
    ['onnx float32', () => onnx],
    ['onnx float64', () => onnx64],
    ['tfjs', () => tfjs],
  ])('%s: the same seed gives identical bytes, whatever the checkpoint schedule', async (_name, engineOf) => {
    const { dataset, weights, options } = setUp({ ...replayCase, batch: 5 }, 40);
    const first = await engineOf().train(weights, dataset, options);
    expect(bytes(await engineOf().train(weights, dataset, options))).toEqual(bytes(first));
    // Every step a checkpoint: onnx then runs one step per session.run instead of unrolled chunks.
    const dense = await engineOf().train(weights, dataset, {
      ...options,
      checkpoints: Array.from({ length: 41 }, (_, t) => t),
    });
    expect(Buffer.from(dense.residuals.buffer)).toEqual(Buffer.from(first.residuals.buffer));
    expect(Buffer.from(dense.final.w.buffer)).toEqual(Buffer.from(first.final.w.buffer));
  });

  it.each([
    ['onnx float32', () => onnx, null],
    ['onnx float64', () => onnx64, null],
    ['tfjs', () => tfjs, null],
    ['onnx float32, SGD', () => onnx, 4],
    ['tfjs, SGD', () => tfjs, 4],
  ])(
    '%s: training from the checkpoint at t0 with startStep = t0 reproduces the original trajectory exactly',
    async (_name, engineOf, batch) => {
      const { dataset, weights, options } = setUp({ ...replayCase, batch }, 60);
      const original = await engineOf().train(weights, dataset, { ...options, checkpoints: [0, 23, 60] });
      const from = original.checkpoints[1];
      const replay = await engineOf().train(from.weights, dataset, {
        ...options,
        iterations: 37,
        checkpoints: [0, 37],
        startStep: 23,
      });
      expect(Array.from(replay.residuals)).toEqual(Array.from(original.residuals.subarray(23)));
      expect(Buffer.from(replay.final.w.buffer)).toEqual(Buffer.from(original.final.w.buffer));
      expect(Buffer.from(replay.final.v.buffer)).toEqual(Buffer.from(original.final.v.buffer));
    },
  );
});

describe('checkpoint features (activations, Gram, projections)', () => {
  it('onnx (float32 and float64) and tfjs agree: A within 1e-5·max|A|, G within 1e-5·max|G|, P within 1e-5·max|P|; G symmetric to 1e-6', async () => {
    await fc.assert(
      fc.asyncProperty(caseArbitrary(false), async (c) => {
        const { dataset, data, weights } = problem(c.parameterisation, c, c.seed);
        data.dispose();
        const reference = await tfjs.featureGram(weights, dataset);
        const maxAbs = (a: ArrayLike<number>) => Math.max(...Array.from(a, Math.abs), 1e-30);
        for (const engine of [onnx, onnx64]) {
          const got = await engine.featureGram(weights, dataset);
          const aScale = maxAbs(reference.activations);
          expect(got.activations).toHaveLength(c.m * c.width);
          got.activations.forEach((a, i) =>
            expect(Math.abs(a - reference.activations[i])).toBeLessThanOrEqual(1e-5 * aScale),
          );
          const gScale = maxAbs(reference.gram);
          const pScale = maxAbs(reference.projections);
          got.gram.forEach((g, i) => expect(Math.abs(g - reference.gram[i])).toBeLessThanOrEqual(1e-5 * gScale));
          got.projections.forEach((p, i) =>
            expect(Math.abs(p - reference.projections[i])).toBeLessThanOrEqual(1e-5 * pScale),
          );
          const N = c.width;
          for (let r = 0; r < N; r++) {
            for (let s = 0; s < r; s++)
              expect(Math.abs(got.gram[r * N + s] - got.gram[s * N + r])).toBeLessThanOrEqual(1e-6 * gScale);
          }
        }
      }),
      { seed: 14, numRuns: 4 },
    );
  });
});

describe('stability limit (λ_max of the linearised GD operator K = J Jᵀ)', () => {
  it('onnx (float32 and float64) and tfjs find the same λ_max within 1e-4 and the same limit; each certifies its own residual', async () => {
    await fc.assert(
      fc.asyncProperty(caseArbitrary(false), async (c) => {
        const { dataset, data, weights } = problem(c.parameterisation, c, c.seed);
        data.dispose();
        const reference = await tfjs.stability(weights, dataset);
        for (const engine of [onnx, onnx64]) {
          const got = await engine.stability(weights, dataset);
          expect(got.converged).toBe(true);
          expect(got.relativeResidual).toBeLessThanOrEqual(got.tolerance);
          expect(Math.abs(got.lambdaMaxH0 - reference.lambdaMaxH0)).toBeLessThanOrEqual(1e-4 * reference.lambdaMaxH0);
          expect(Math.abs(got.limit - reference.limit)).toBeLessThanOrEqual(1e-4 * reference.limit);
          expect(got.limitFormula).toBe(reference.limitFormula);
        }
      }),
      { seed: 15, numRuns: 6 },
    );
  });

  it('rejects bad options before any product, as stabilityInfo does', async () => {
    const { dataset, data, weights } = problem('ntk', { m: 4, d: 2, width: 8, outputs: 1 }, 1);
    data.dispose();
    await expect(onnx.stability(weights, dataset, { tolerance: 0 })).rejects.toThrow(/tolerance/);
    await expect(onnx.stability(weights, dataset, { maxIterations: 1.5 })).rejects.toThrow(/maxIterations/);
  });
});
