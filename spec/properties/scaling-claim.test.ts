/**
 * CLAIM-log-scaling, the one claim over an m grid (the per-run checks are tested in spec/checks): the one-sided
 * test of the bound on 3 seeds per m says PASS, FAIL or NOT APPLICABLE for the right reason on known cases.
 */
import { initBackend } from '../../src/backend';
import {
  CLAIM_LEVEL,
  CLAIM_LOG_SCALING,
  claimLogBound,
  claimStatus,
  seedsOf,
} from '../../src/properties/scaling-claim';
import { Rng } from '../../src/rng';
import type { TimeObservation } from '../../src/scaling';
import { greedyPruner } from '../../src/pruning/greedy';
import type { ScalingCase } from '../../src/testing/arbitraries';

beforeAll(async () => {
  await initBackend();
});

const ctx = { pruner: greedyPruner() };

describe('CLAIM-log-scaling (t_crit grows no faster than logarithmically)', () => {
  const base: ScalingCase = {
    mGrid: [4, 8],
    d: 3,
    labels: 'random',
    seed: 417453428,
    parameterisation: 'meanfield',
    width: 20,
    n: 6,
    stepFraction: 0.1,
    iterations: 100,
    epsilon: 0.02,
  };

  const grid = [8, 16, 32, 64, 128];
  const observed = (law: (m: number) => number, sigma: number, seed: number): TimeObservation[] => {
    const rng = new Rng(seed);
    return grid.flatMap((m) =>
      [0, 1, 2].map((k) => {
        const t = Math.max(0, Math.round(law(m) + sigma * rng.normal()));
        return { m, seed: k, lo: t, hi: t };
      }),
    );
  };

  it('mutation: t_crit growing like m (3 seeds per m) FAILs the claim', () => {
    const bound = claimLogBound(
      observed((m) => 2 + 0.8 * m, 2, 1),
      0,
    );
    expect(bound.verdict).toBe('grows faster than log m');
    expect(bound.pValue).toBeLessThanOrEqual(CLAIM_LEVEL);
    expect(claimStatus(bound).status).toBe('fail');
  });

  it("the theorem reference's own log law (a = −3.21, b = 1.27, σ = 0.8), which left the old envelope, passes", () => {
    const bound = claimLogBound(
      observed((m) => -3.21 + 1.27 * Math.log(m) + 5, 0.8, 2),
      0,
    );
    expect(bound.verdict).not.toBe('grows faster than log m');
    expect(claimStatus(bound).status).not.toBe('fail');
  });

  it('a grid with fewer than 3 measured m is out of scope, not a PASS', async () => {
    const o = await CLAIM_LOG_SCALING.evaluate(base, ctx);
    expect([o.status, o.reason]).toEqual(['not-applicable', 'bound undetermined on this grid']);
    expect(o.detail).toMatch(/^undetermined: /);
    expect(seedsOf(base)).toEqual([417453428, 417453429, 417453430]);
  });

  it('runs 3 seeds at each m ∈ {9, 18, 36} on a wide mean-field network and never FAILs it', async () => {
    const o = await CLAIM_LOG_SCALING.evaluate(
      {
        mGrid: [9, 18, 36],
        parameterisation: 'meanfield',
        width: 153,
        n: 9,
        stepFraction: 0.13,
        iterations: 204,
        epsilon: 0.02,
        d: 8,
        labels: 'clusters',
        seed: 10,
      },
      ctx,
    );
    expect(o.detail).toMatch(/^(consistent with O\(log m\)|undetermined): /);
    expect(o.status).not.toBe('fail');
  });

  it('is not applicable when no pre-training is needed at any m (t_crit = 0 everywhere)', async () => {
    const o = await CLAIM_LOG_SCALING.evaluate({ ...base, mGrid: [4, 8, 16], epsilon: 10 }, ctx);
    expect([o.status, o.reason]).toEqual(['not-applicable', 'bound undetermined on this grid']);
    expect(o.detail).toMatch(/t_crit = 0 at every m/);
  });
});
