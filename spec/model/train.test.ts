import fc from 'fast-check';
import { initBackend } from '../../src/backend';
import { tf, type Tensor2D } from '../../src/backend/tf';
import { stabilityInfo } from '../../src/model/stability';
import { DivergenceError, logSpacedCheckpoints, trainNetwork } from '../../src/model/train';
import type { Parameterisation, TwoLayerWeights } from '../../src/model/types';
import { problem } from './fixtures';

beforeAll(async () => {
  await initBackend();
});

const SMALL = { m: 12, d: 5, width: 40, outputs: 1 };

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to throw');
}

/** One GD step by autodiff, in the paper's own terms: ntk W −= η∇_W(½R); meanfield θ −= ηN ∇_θ(R/(2m)). */
function autodiffStep(weights: TwoLayerWeights, x: Tensor2D, y: Tensor2D, eta: number) {
  const { width: N } = weights;
  const m = x.shape[0];
  const meanfield = weights.parameterisation === 'meanfield';
  return tf.tidy(() => {
    const w = tf.tensor2d(weights.w, [N, weights.inputDim]);
    const v = tf.tensor2d(weights.v, [N, weights.outputs]);
    const loss = (wv: tf.Tensor, vv: tf.Tensor) => {
      const hidden = tf.relu(tf.matMul(x, wv as Tensor2D, false, true));
      const u = tf.mul(tf.matMul(hidden, vv as Tensor2D), meanfield ? 1 / N : 1 / Math.sqrt(N));
      const r = tf.sum(tf.square(tf.sub(u, y)));
      return meanfield ? tf.div(r, 2 * m) : tf.mul(r, 0.5);
    };
    const [gw, gv] = tf.grads(loss)([w, v]);
    const step = meanfield ? eta * N : eta;
    const newW = tf.sub(w, tf.mul(gw, step)).dataSync();
    const newV = meanfield ? tf.sub(v, tf.mul(gv, step)).dataSync() : v.dataSync();
    return { w: Float32Array.from(newW), v: Float32Array.from(newV) };
  });
}

/**
 * θ₁ from trainNetwork vs θ₁ from autodiff. Tolerance: the steps agree to 1e-5 of the largest step entry
 * (float32 sums of ≤ m·C = 36 terms, see backprop.test.ts), and each side rounds θ₀ − step to float32
 * once (≤ 2⁻²⁴|θ₁| each), hence + 2⁻²³ max|θ₁|.
 */
function expectSameStep(actual: Float32Array, expected: Float32Array, start: Float32Array): void {
  let stepScale = 0;
  let weightScale = 0;
  let err = 0;
  for (let i = 0; i < expected.length; i++) {
    stepScale = Math.max(stepScale, Math.abs(expected[i] - start[i]));
    weightScale = Math.max(weightScale, Math.abs(expected[i]));
    err = Math.max(err, Math.abs(actual[i] - expected[i]));
  }
  expect(stepScale).toBeGreaterThan(0);
  expect(err).toBeLessThanOrEqual(1e-5 * stepScale + 2 ** -23 * weightScale);
}

describe('trainNetwork: the GD update', () => {
  it.each<[Parameterisation, number]>([
    ['ntk', 1],
    ['ntk', 3],
    ['meanfield', 1],
    ['meanfield', 3],
  ])('one step equals the autodiff step of the paper’s rule (%s, C = %i)', (p, outputs) => {
    const { weights, data } = problem(p, { ...SMALL, outputs }, 2);
    const eta = 0.05;
    const result = trainNetwork(weights, data, { eta, iterations: 1, checkpoints: [] });
    const expected = autodiffStep(weights, data.x, data.y, eta);
    expectSameStep(result.final.w, expected.w, weights.w);
    if (p === 'ntk') expect(result.final.v).toEqual(weights.v);
    else expectSameStep(result.final.v, expected.v, weights.v);
    data.dispose();
  });

  it.each<Parameterisation>(['ntk', 'meanfield'])('one step with small η decreases R (%s)', (p) => {
    const { weights, data } = problem(p, SMALL, 3);
    const limit = stabilityInfo(weights, data).limit;
    const { residuals } = trainNetwork(weights, data, { eta: 0.1 * limit, iterations: 1 });
    expect(residuals[1]).toBeLessThan(residuals[0]);
    data.dispose();
  });

  it('ntk at η = limit/2: R(300) < R(0), and ln(R(0)/R(t)) stays within 2× of the linearised (I − ηH(0)) prediction', () => {
    const { weights, data } = problem('ntk', { m: 10, d: 5, width: 800, outputs: 1 }, 4);
    const info = stabilityInfo(weights, data);
    const eta = info.limit / 2;
    const T = 300;
    const { residuals } = trainNetwork(weights, data, { eta, iterations: T, stability: info });
    expect(residuals[T]).toBeLessThan(residuals[0]);
    const predicted = linearisedResidualSeries(weights, data.x, data.y, eta, T);
    // Compare only while the prediction is ≥ 1e-6 R(0): below that float32 GD hits its rounding floor
    // (updates smaller than ulp(W) are lost; R stalls near 1e-14 R(0)), which says nothing about the theory.
    const compared = predicted.map((r, t) => ({ r, t })).filter(({ r, t }) => t > 0 && r >= 1e-6 * residuals[0]);
    expect(compared.length).toBeGreaterThan(10);
    for (const { r, t } of compared) {
      const ratio = Math.log(residuals[0] / residuals[t]) / Math.log(residuals[0] / r);
      // Wide net (N = 800 ≫ m): H(t) stays near H(0), so the decay is of the predicted order.
      expect(ratio).toBeGreaterThan(0.5);
      expect(ratio).toBeLessThan(2);
    }
    data.dispose();
  });

  it('meanfield at η = limit/2 over 300 steps: R(T) < R(0)', () => {
    const { weights, data } = problem('meanfield', { m: 10, d: 5, width: 100, outputs: 2 }, 4);
    const { residuals } = trainNetwork(weights, data, { eta: stabilityInfo(weights, data).limit / 2, iterations: 300 });
    expect(residuals[300]).toBeLessThan(residuals[0]);
    expect(residuals.every(Number.isFinite)).toBe(true);
    data.dispose();
  });
});

/** ‖(I − ηH(0))^t (u(0) − y)‖² for t = 0..T, with H(0) built explicitly (m×m is small here). */
function linearisedResidualSeries(
  weights: TwoLayerWeights,
  x: Tensor2D,
  y: Tensor2D,
  eta: number,
  T: number,
): number[] {
  const series: number[] = [];
  tf.tidy(() => {
    const N = weights.width;
    const w = tf.tensor2d(weights.w, [N, weights.inputDim]);
    const a = tf.tensor2d(weights.v, [N, 1]);
    const z = tf.matMul(x, w, false, true);
    const mask = tf.step(z);
    const h = tf.div(tf.mul(tf.matMul(x, x, false, true), tf.matMul(mask, mask, false, true)), N);
    let e = tf.sub(tf.div(tf.matMul(tf.relu(z), a), Math.sqrt(N)), y);
    for (let t = 0; t <= T; t++) {
      series.push(tf.sum(tf.square(e)).dataSync()[0]);
      e = tf.sub(e, tf.mul(tf.matMul(h, e), eta));
    }
  });
  return series;
}

describe('trainNetwork: divergence and bad arguments', () => {
  it.each<Parameterisation>(['ntk', 'meanfield'])(
    'η = 3 × limit throws a DivergenceError whose message states the limit (%s)',
    (p) => {
      const { weights, data } = problem(p, { ...SMALL, outputs: 2 }, 5);
      const info = stabilityInfo(weights, data);
      const before = tf.memory().numTensors;
      const err = errorOf(() => trainNetwork(weights, data, { eta: 3 * info.limit, iterations: 500, stability: info }));
      expect(tf.memory().numTensors).toBe(before);
      expect(err).toBeInstanceOf(DivergenceError);
      const e = err as DivergenceError;
      expect(e.eta).toBe(3 * info.limit);
      expect(e.stabilityLimit).toBe(info.limit);
      expect(e.step).toBeGreaterThan(0);
      expect(e.step).toBeLessThan(500);
      expect(e.message).toMatch(
        new RegExp(
          `^GD diverged at step ${e.step} \\(R = \\S+ from R\\(0\\) = \\S+\\): eta = \\S+ exceeds the stability limit`,
        ),
      );
      const formula = info.limitFormula.replace(/[()/·]/g, (c) => `\\${c}`);
      const stated = Number(new RegExp(`${formula} = (\\S+)$`).exec(e.message)![1]);
      expect(Math.abs(stated - info.limit) / info.limit).toBeLessThan(5e-3);
      data.dispose();
    },
  );

  it('when GD blows up below the (claimed) limit, the message says so', () => {
    const { weights, data } = problem('ntk', SMALL, 5);
    const info = stabilityInfo(weights, data);
    const claimed = { ...info, limit: 100 * info.limit };
    const err = errorOf(() =>
      trainNetwork(weights, data, { eta: 3 * info.limit, iterations: 500, stability: claimed }),
    );
    expect(err).toBeInstanceOf(DivergenceError);
    expect((err as Error).message).toMatch(/although eta = \S+ is below the stability limit 2\/λ_max\(H\(0\)\) = \S+/);
    data.dispose();
  });

  it('rejects a non-finite, zero or negative eta, negative or fractional iterations, and checkpoints outside [0, T]', () => {
    const { weights, data } = problem('ntk', SMALL, 5);
    const stability = stabilityInfo(weights, data);
    const train = (opts: Partial<Parameters<typeof trainNetwork>[2]>) => () =>
      trainNetwork(weights, data, { eta: 0.01, iterations: 3, stability, ...opts });
    expect(train({ eta: NaN })).toThrow('trainNetwork: eta must be a finite number > 0, got NaN');
    expect(train({ eta: Infinity })).toThrow('trainNetwork: eta must be a finite number > 0, got Infinity');
    expect(train({ eta: -1 })).toThrow('trainNetwork: eta must be a finite number > 0, got -1');
    expect(train({ eta: 0 })).toThrow('trainNetwork: eta must be a finite number > 0, got 0');
    expect(train({ iterations: -1 })).toThrow('trainNetwork: iterations must be a non-negative integer, got -1');
    expect(train({ iterations: 2.5 })).toThrow('trainNetwork: iterations must be a non-negative integer, got 2.5');
    expect(train({ checkpoints: [0, 4] })).toThrow(
      'trainNetwork: checkpoint 4 must be an integer in [0, iterations = 3]',
    );
    expect(train({ divergenceFactor: 1 })).toThrow('trainNetwork: divergenceFactor must be a finite number > 1, got 1');
    expect(() =>
      trainNetwork({ ...weights, outputs: 2, v: new Float32Array(80) }, data, { eta: 0.01, iterations: 1 }),
    ).toThrow('trainNetwork: data.y has shape [12, 1], expected [m, 2]');
    data.dispose();
  });
});

describe('trainNetwork: checkpoints, determinism, memory', () => {
  it('same seed gives bit-identical initial weights, residual series and checkpoint weights; another seed differs', () => {
    const run = (seed: number) => {
      const { weights, data } = problem('meanfield', { ...SMALL, outputs: 2 }, seed);
      const result = trainNetwork(weights, data, { eta: 0.5, iterations: 40, checkpoints: [0, 7, 40] });
      data.dispose();
      return { weights, result };
    };
    const [a, b, c] = [run(11), run(11), run(12)];
    expect(b.weights).toEqual(a.weights);
    expect(b.result.residuals).toEqual(a.result.residuals);
    expect(b.result.checkpoints).toEqual(a.result.checkpoints);
    expect(c.weights.w).not.toEqual(a.weights.w);
    expect(c.result.residuals).not.toEqual(a.result.residuals);
  });

  it('checkpoints are exactly at the requested t: weights after t steps, residual = residuals[t]', () => {
    const { weights, data } = problem('ntk', { ...SMALL, outputs: 3 }, 13);
    const seen: number[] = [];
    const long = trainNetwork(weights, data, {
      eta: 0.02,
      iterations: 9,
      checkpoints: [9, 3, 0, 3],
      onCheckpoint: (cp) => seen.push(cp.t),
    });
    expect(seen).toEqual([0, 3, 9]);
    expect(long.checkpoints.map((cp) => cp.t)).toEqual([0, 3, 9]);
    for (const cp of long.checkpoints) expect(cp.residual).toBe(long.residuals[cp.t]);
    expect(long.checkpoints[0].weights).toEqual(weights);
    const short = trainNetwork(weights, data, { eta: 0.02, iterations: 3 });
    expect(long.checkpoints[1].weights).toEqual(short.final);
    expect(long.checkpoints[2].weights).toEqual(long.final);
    expect(long.residuals.length).toBe(10);
    expect(Array.from(long.residuals.subarray(0, 4))).toEqual(Array.from(short.residuals));
    data.dispose();
  });

  it('iterations = 0 records R(0) only and returns the initial weights', () => {
    const { weights, data } = problem('ntk', SMALL, 14);
    const result = trainNetwork(weights, data, { eta: 0.1, iterations: 0 });
    expect(result.residuals.length).toBe(1);
    expect(result.final).toEqual(weights);
    expect(result.checkpoints.map((cp) => cp.t)).toEqual([0]);
    data.dispose();
  });

  it.each<[Parameterisation, number]>([
    ['ntk', 1],
    ['meanfield', 1],
    ['meanfield', 5],
  ])(
    'tensor count is flat across 200 steps and back to its start after training (%s, read interval %i)',
    (p, interval) => {
      const { weights, data } = problem(p, { ...SMALL, outputs: 2 }, 15);
      const stability = stabilityInfo(weights, data);
      const before = tf.memory().numTensors;
      const counts: number[] = [];
      trainNetwork(weights, data, {
        eta: stability.limit / 4,
        iterations: 200,
        stability,
        residualReadInterval: interval,
        onProgress: () => counts.push(tf.memory().numTensors),
      });
      expect(tf.memory().numTensors).toBe(before);
      // Between reads, at most `interval` residual scalars wait on the backend.
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(interval === 1 ? 0 : interval);
      data.dispose();
    },
  );
});

describe('logSpacedCheckpoints', () => {
  it('is sorted, unique, within [0, T], contains 0 and T, and has exactly min(count, T + 1) entries', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 2, max: 40 }), (T, count) => {
        const points = logSpacedCheckpoints(T, count);
        expect(points[0]).toBe(0);
        expect(points[points.length - 1]).toBe(T);
        expect(points.length).toBe(Math.min(count, T + 1));
        for (let i = 1; i < points.length; i++) expect(points[i]).toBeGreaterThan(points[i - 1]);
        expect(points.every((t) => Number.isInteger(t) && t >= 0 && t <= T)).toBe(true);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('is log-spaced: T = 10⁶ with 8 points gives 0 and the decades 1, 10, …, 10⁶', () => {
    const points = logSpacedCheckpoints(1_000_000, 8);
    expect(points).toEqual([0, 1, 10, 100, 1000, 10_000, 100_000, 1_000_000]);
  });

  it('rejects a negative T and a count that cannot hold both 0 and T', () => {
    expect(() => logSpacedCheckpoints(-1, 5)).toThrow('logSpacedCheckpoints: T must be a non-negative integer, got -1');
    expect(() => logSpacedCheckpoints(10, 1)).toThrow(/logSpacedCheckpoints: count must be ≥ 2/);
  });
});

describe('trainNetwork: non-finite data', () => {
  it('non-finite inputs are reported as bad data at t = 0, not as divergence', () => {
    const { weights, data } = problem('ntk', SMALL, 16);
    const x = data.x.mul(tf.scalar(NaN)) as Tensor2D;
    const bad = { ...data, x, xT: x.transpose() as Tensor2D };
    expect(() => stabilityInfo(weights, bad)).toThrow('stabilityInfo: K·q is not finite');
    const stability = stabilityInfo(weights, data);
    expect(() => trainNetwork(weights, bad, { eta: 0.01, iterations: 5, stability })).toThrow(
      'trainNetwork: R(0) = NaN at initialisation: the data or weights hold non-finite values',
    );
    tf.dispose([x, bad.xT]);
    data.dispose();
  });
});
