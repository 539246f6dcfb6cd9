/** Replays for bisection: snapshots kept during pre-training shorten them without changing a byte. */
import fc from 'fast-check';
import { initBackend } from '../../src/backend';
import { generateSynthetic } from '../../src/data/synthetic';
import { createOnnxEngine, MAX_UNROLL, type Engine } from '../../src/engine';
import { pretrain, type PretrainSpec } from '../../src/pipeline/pretrain';
import { Replayer, replaySnapshots } from '../../src/pipeline/refine';

let onnx: Engine;

beforeAll(async () => {
  await initBackend();
  onnx = await createOnnxEngine({ threads: 1 });
});

afterAll(async () => {
  await onnx.dispose();
});

describe('replaySnapshots', () => {
  it('are whole unroll chunks apart inside (0, T), at most 64 of them within 64 MB of float32 weights, none for a network that alone exceeds it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20000 }), fc.integer({ min: 1, max: 2 ** 26 }), (T, weights) => {
        const snapshots = replaySnapshots(T, weights);
        expect(snapshots.length).toBeLessThanOrEqual(64);
        expect(snapshots.length * 4 * weights).toBeLessThanOrEqual(64 * 2 ** 20);
        if (4 * weights > 64 * 2 ** 20) expect(snapshots).toEqual([]);
        snapshots.forEach((t, i) => {
          expect(t % MAX_UNROLL).toBe(0);
          expect(t).toBeGreaterThan(i === 0 ? 0 : snapshots[i - 1]);
          expect(t).toBeLessThan(T);
        });
        // Evenly strided: every step is at most one stride after a kept state (0 is always a checkpoint).
        const stride = snapshots[0];
        if (stride !== undefined) snapshots.forEach((t, i) => expect(t).toBe((i + 1) * stride));
      }),
      { seed: 5, numRuns: 300 },
    );
    // The MNIST preset's network (N = 200, d = 784, C = 10) over T = 500 gets a snapshot every 8 steps.
    expect(replaySnapshots(500, 200 * 794)[0]).toBe(8);
  });
});

describe('Replayer', () => {
  const spec = (snapshots: number[], checkpoints: number[]): PretrainSpec => ({
    data: generateSynthetic({ m: 30, d: 6, labels: 'teacher', seed: 4 }),
    parameterisation: 'meanfield',
    width: 40,
    seed: 4,
    step: { fractionOfLimit: 0.5 },
    iterations: 120,
    checkpoints,
    snapshots,
    lambda0: 'skip',
    onDivergence: 'throw',
    engine: onnx,
  });

  it('replays from the nearest snapshot below t, to the bytes the run itself has at t', async () => {
    const snapshots = [16, 32, 48, 64, 80, 96, 112];
    const run = await pretrain(spec(snapshots, [0, 120]));
    const direct = await pretrain(spec([], [0, 37, 59, 101, 120]));
    try {
      expect(run.snapshots.map((s) => s.t)).toEqual(snapshots);
      expect(run.checkpoints.map((c) => c.t)).toEqual([0, 120]);
      const replayer = new Replayer(run);
      let steps = 0;
      for (const cp of direct.checkpoints.slice(1, -1)) {
        const weights = await replayer.weightsAt(cp.t);
        expect(Buffer.from(weights.w.buffer)).toEqual(Buffer.from(cp.weights.w.buffer));
        expect(Buffer.from(weights.v.buffer)).toEqual(Buffer.from(cp.weights.v.buffer));
        expect(replayer.steps - steps).toBe(cp.t % 16); // from the snapshot just below, not from t = 0
        steps = replayer.steps;
      }
    } finally {
      run.dispose();
      direct.dispose();
    }
  });
});
