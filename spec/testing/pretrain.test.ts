/** pretrainCase: a generated case run end to end — reproducible, η inside the stability limit, no tensor leaks. */
import fc from 'fast-check';
import { initBackend } from '../../src/backend';
import { tf } from '../../src/backend/tf';
import { greedyPruner } from '../../src/pruning/greedy';
import { subnetworkLoss } from '../../src/pruning/subnetwork';
import { pruningCase, type PruningCase } from '../../src/testing/arbitraries';
import {
  measureHull,
  pretrainCase,
  pruneAndMeasure,
  pruneInput,
  withFeatures,
  withPretrainedCase,
} from '../../src/testing/pretrain';
import { FC_SEED } from '../properties/helpers';

beforeAll(async () => {
  await initBackend();
});

const CASE: PruningCase = {
  dataset: { m: 6, d: 5, labels: 'teacher', seed: 11 },
  parameterisation: 'meanfield',
  width: 40,
  n: 10,
  stepFraction: 0.5,
  iterations: 60,
};

describe('pretrainCase', () => {
  it('η = stepFraction × the stability limit; the NTK-equivalent step is η for ntk and η/m for meanfield', async () => {
    for (const parameterisation of ['ntk', 'meanfield'] as const) {
      const p = await pretrainCase({ ...CASE, parameterisation });
      try {
        expect(p.eta).toBeCloseTo(CASE.stepFraction * p.stability.limit, 12);
        expect(p.etaEffective).toBeCloseTo(parameterisation === 'ntk' ? p.eta : p.eta / CASE.dataset.m, 12);
        expect(p.lambda0).toBeGreaterThan(0);
        expect(p.divergence).toBeNull();
        expect(p.residuals).toHaveLength(CASE.iterations + 1);
        expect(p.checkpoints.map((c) => c.t)).toEqual([0, 1, 3, 8, 22, 60]);
        expect(p.initialResidual).toBe(p.residuals![0]);
      } finally {
        p.dispose();
      }
    }
  });

  it('replays bit for bit: the same case gives the same residual curve and the same greedy selection', async () => {
    const run = () =>
      withPretrainedCase(CASE, {}, async (p) => {
        const last = p.checkpoints[p.checkpoints.length - 1];
        const s = await withFeatures(p, last.weights, (f) =>
          pruneAndMeasure(greedyPruner(), pruneInput(p, f, last.weights)),
        );
        return { residuals: Array.from(p.residuals!), selection: s.selection };
      });
    expect(await run()).toEqual(await run());
  });

  it('frees every tensor it creates, whatever the case (property over generated cases)', async () => {
    await fc.assert(
      fc.asyncProperty(pruningCase({ iterations: { max: 40 } }), async (c) => {
        const before = tf.memory().numTensors;
        await withPretrainedCase(c, { checkpointCount: 3 }, async (p) => {
          for (const cp of p.checkpoints) {
            await withFeatures(p, cp.weights, async (f) => {
              await measureHull(f, p, 200);
              await pruneAndMeasure(greedyPruner(), pruneInput(p, f, cp.weights));
            });
          }
        });
        expect(tf.memory().numTensors).toBe(before);
      }),
      { seed: FC_SEED, numRuns: 15 },
    );
  });

  it('pruneAndMeasure measures the selection itself (subnetworkLoss), never trusting the pruner', async () => {
    await withPretrainedCase(CASE, {}, async (p) => {
      const last = p.checkpoints[p.checkpoints.length - 1];
      await withFeatures(p, last.weights, async (f) => {
        const liar = { name: 'liar', prune: () => ({ selection: [0, 1], lossPerStep: [0, 0] }) };
        const s = await pruneAndMeasure(liar, pruneInput(p, f, last.weights, 2));
        expect(s.loss).toBe(subnetworkLoss(f, p.tensors.y, [0, 1]));
        expect(s.residual).toBeCloseTo(s.loss * 2 * CASE.dataset.m, 12);
        expect(s.loss).toBeGreaterThan(0);
      });
    });
  });

  it('rejects a malformed case before doing any work', async () => {
    await expect(pretrainCase({ ...CASE, n: 41 })).rejects.toThrow(
      'pretrainCase: n must be an integer in [1, 40], got 41',
    );
  });
});
