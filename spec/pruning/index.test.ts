import fc from 'fast-check';
import { initBackend } from '../../src/backend';
import { tf } from '../../src/backend/tf';
import {
  BUILTIN_PRUNERS,
  BUILTIN_PRUNER_NAMES,
  checkPruneResult,
  getPruner,
  subnetworkOutput,
  validatePruneInput,
  type PruneInput,
  type Pruner,
} from '../../src/pruning';
import {
  FC_SEED,
  allPhi,
  featureCaseArb,
  lossScale,
  makeInput,
  snapshot,
  squaredDistance,
  uniformCase,
  type FeatureCase,
} from './cases';

beforeAll(async () => {
  await initBackend();
});

/** Pruners that pick each neuron at most once (n ≤ N required). */
const DISTINCT = new Set(['greedy-norep', 'random', 'magnitude']);

/**
 * lossPerStep is float64 from float32 features; the direct evaluation goes through subnetworkOutput,
 * a float32 matmul with per-entry error ≤ (N + 3)·2⁻²⁴·max‖Φ_r‖ ≈ 1.2e-6·max‖Φ_r‖ for N ≤ 16. The
 * loss difference is ≤ 2‖f − y‖·‖δf‖ + ‖δf‖² ≤ 3e-6·√(mC)·scale; with mC ≤ 30, 1e-4 of the loss scale
 * (max‖Φ_r‖ + ‖y‖)²/(2m) bounds it with a margin of 6.
 */
const DIRECT_LOSS_TOLERANCE = 1e-4;

function sizeFor(name: string, c: FeatureCase, requested: number): number {
  return DISTINCT.has(name) ? Math.min(requested, c.N) : requested;
}

async function pruneCase(pruner: Pruner, c: FeatureCase, n: number, seed = 1) {
  const input = makeInput(c, n, seed);
  try {
    return { input, result: checkPruneResult(await pruner.prune(input), input, pruner.name) };
  } finally {
    input.dispose();
  }
}

describe.each(BUILTIN_PRUNER_NAMES.map((name) => [name]))('pruner contract (%s)', (name) => {
  const pruner = getPruner(name);

  it('returns n valid indices (distinct for without-replacement pruners) and n finite losses', async () => {
    await fc.assert(
      fc.asyncProperty(featureCaseArb, fc.integer({ min: 1, max: 20 }), async (c, requested) => {
        const n = sizeFor(name, c, requested);
        const { result } = await pruneCase(pruner, c, n);
        expect(result.selection).toHaveLength(n);
        result.selection.forEach((r) => expect(Number.isInteger(r) && r >= 0 && r < c.N).toBe(true));
        if (DISTINCT.has(name)) expect(new Set(result.selection).size).toBe(n);
        expect(result.lossPerStep.every(Number.isFinite)).toBe(true);
      }),
      { seed: FC_SEED, numRuns: 40 },
    );
  });

  it('lossPerStep[k−1] equals the directly evaluated loss ‖f_{S_k} − y‖²/(2m) of each prefix (via subnetworkOutput)', async () => {
    await fc.assert(
      fc.asyncProperty(featureCaseArb, fc.integer({ min: 1, max: 10 }), async (c, requested) => {
        const n = sizeFor(name, c, requested);
        const input = makeInput(c, n);
        try {
          const { selection, lossPerStep } = await pruner.prune(input);
          const tolerance = (DIRECT_LOSS_TOLERANCE * lossScale(c, allPhi(c))) / (2 * c.m);
          for (let k = 1; k <= n; k++) {
            const output = subnetworkOutput(input.features, selection.slice(0, k));
            const direct = squaredDistance(output.dataSync(), c.targets) / (2 * c.m);
            output.dispose();
            expect(Math.abs(lossPerStep[k - 1] - direct)).toBeLessThanOrEqual(tolerance);
          }
        } finally {
          input.dispose();
        }
      }),
      { seed: FC_SEED, numRuns: 40 },
    );
  });

  it('is deterministic under a seed, does not mutate its input, and leaks no tensors', async () => {
    await fc.assert(
      fc.asyncProperty(
        featureCaseArb,
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 1000 }),
        async (c, requested, seed) => {
          const n = sizeFor(name, c, requested);
          const input = makeInput(c, n, seed);
          try {
            const before = snapshot(input);
            const tensorsBefore = tf.memory().numTensors;
            const first = await pruner.prune(input);
            const second = await pruner.prune(input);
            expect(second).toEqual(first);
            expect(snapshot(input)).toEqual(before);
            expect(tf.memory().numTensors).toBe(tensorsBefore);
          } finally {
            input.dispose();
          }
        },
      ),
      { seed: FC_SEED, numRuns: 25 },
    );
  });

  it('rejects n ≤ 0, non-integer n (and n > N if it picks distinct neurons) with an error naming n and prune', async () => {
    const c = fc.sample(featureCaseArb, { seed: FC_SEED, numRuns: 1 })[0];
    const input = makeInput(c, 1);
    try {
      for (const n of [0, -2, 1.5, NaN]) {
        expect(() => pruner.prune({ ...input, n })).toThrow(
          new RegExp(`prune \\(${name}\\): n must be a positive integer`),
        );
      }
      if (DISTINCT.has(name)) {
        expect(() => pruner.prune({ ...input, n: c.N + 1 })).toThrow(
          new RegExp(`prune \\(${name}\\): n = ${c.N + 1} exceeds the width N = ${c.N}`),
        );
      } else {
        expect((await pruner.prune({ ...input, n: c.N + 1 })).selection).toHaveLength(c.N + 1);
      }
    } finally {
      input.dispose();
    }
  });
});

describe('pruner registry', () => {
  it('maps every built-in name to a pruner of that name', () => {
    for (const name of BUILTIN_PRUNER_NAMES) {
      expect(getPruner(name).name).toBe(name);
      expect(BUILTIN_PRUNERS[name]).toBe(getPruner(name));
    }
  });

  it('rejects an unknown name, listing the known ones', () => {
    expect(() => getPruner('lottery')).toThrow(
      "getPruner: unknown pruner 'lottery' (known: greedy, greedy-norep, random, magnitude)",
    );
    expect(() => getPruner('toString')).toThrow(/unknown pruner 'toString'/);
  });
});

describe('validatePruneInput', () => {
  const c = uniformCase(3, 4, 2);

  it('accepts a consistent input', () => {
    const input = makeInput(c, 2);
    expect(() => validatePruneInput(input)).not.toThrow();
    input.dispose();
  });

  it('names the field and the operation for inconsistent shapes, weights, seeds and non-finite values', () => {
    const input = makeInput(c, 2);
    const wrong = tf.zeros([4, 1]) as tf.Tensor2D;
    const nan = tf.tensor2d([NaN, 0, 0], [3, 1]);
    const huge = tf.tensor2d([3e38, 3e38, 0], [3, 1]);
    const cases: Array<[Partial<PruneInput>, RegExp]> = [
      [{ targets: wrong }, /^prune: targets must have shape \[3, 1\], got \[4, 1\]$/],
      [{ targets: nan }, /^prune: targets contains NaN or infinite values$/],
      [{ targets: huge }, /^prune: targets has values so large that their float32 sum overflows$/],
      [
        { features: { ...input.features, activationsT: input.features.activations } },
        /^prune: features.activationsT must have shape \[4, 3\]/,
      ],
      [{ features: { ...input.features, m: 0 } }, /^prune: features.m must be a positive integer, got 0$/],
      [{ weights: { ...input.weights, width: 5 } }, /^prune: weights.width = 5 does not match features.width = 4$/],
      [
        { weights: { ...input.weights, w: new Float32Array(3) } },
        /^prune: weights.w must hold width·inputDim = 8 values, got 3$/,
      ],
      [{ seed: 0.5 }, /^prune: seed must be an integer, got 0.5$/],
      [{ n: 0 }, /^prune: n must be a positive integer, got 0$/],
    ];
    try {
      for (const [patch, message] of cases) expect(() => validatePruneInput({ ...input, ...patch })).toThrow(message);
      expect(() => validatePruneInput({ ...input, n: -1 }, 'experiment')).toThrow(/^experiment: n must be/);
      const disposed = tf.zeros([3, 1]) as tf.Tensor2D;
      disposed.dispose();
      expect(() => validatePruneInput({ ...input, targets: disposed })).toThrow(/^prune: targets has been disposed$/);
    } finally {
      [wrong, nan, huge].forEach((t) => t.dispose());
      input.dispose();
    }
  });
});

describe('checkPruneResult', () => {
  const c = uniformCase(2, 5);
  let input: ReturnType<typeof makeInput>;
  beforeAll(() => {
    input = makeInput(c, 3);
  });
  afterAll(() => input.dispose());

  it('accepts a valid result and returns a plain copy', () => {
    const result = { selection: Int32Array.from([4, 4, 0]), lossPerStep: [0.5, 0.25, 0] };
    expect(checkPruneResult(result, input, 'mine')).toEqual({ selection: [4, 4, 0], lossPerStep: [0.5, 0.25, 0] });
  });

  it('catches a wrong-size selection, out-of-range or non-integer indices, and bad losses', () => {
    const loss = [1, 1, 1];
    const bad: Array<[unknown, RegExp]> = [
      [{ selection: [0, 1], lossPerStep: loss }, /pruner 'mine' returned a selection of length 2, expected n = 3/],
      [
        { selection: [0, 1, 5], lossPerStep: loss },
        /pruner 'mine': selection\[2\] = 5 is not an integer neuron index in \[0, 5\)/,
      ],
      [{ selection: [-1, 1, 2], lossPerStep: loss }, /selection\[0\] = -1/],
      [{ selection: [0, 1.5, 2], lossPerStep: loss }, /selection\[1\] = 1.5/],
      [{ selection: [0, 1, 2], lossPerStep: [1, 1] }, /lossPerStep of length 2, expected n = 3/],
      [{ selection: [0, 1, 2], lossPerStep: [1, NaN, 1] }, /lossPerStep\[1\] = NaN is not a finite number ≥ 0/],
      [{ selection: [0, 1, 2] }, /lossPerStep is undefined, expected an array of numbers/],
      [null, /pruner 'mine': prune returned null/],
    ];
    for (const [result, message] of bad) expect(() => checkPruneResult(result, input, 'mine')).toThrow(message);
  });
});
