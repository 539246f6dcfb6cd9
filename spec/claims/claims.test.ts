/**
 * CLAIM-log-scaling, the one claim over an m grid (the per-run checks are tested in spec/checks): it says PASS,
 * FAIL or NOT APPLICABLE for the right reason on known cases.
 */
import { initBackend } from '../../src/backend';
import { CLAIM_LOG_SCALING, logEnvelope } from '../../src/claims/scaling-claim';
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

  it('the envelope t_crit(m₀)·(1 + ln(m/m₀)) contains every log law a + b·ln m with a, b ≥ 0 (m₀ ≥ 3), not m¹', () => {
    expect(logEnvelope(19, 4, 8)).toBeCloseTo(19 * (1 + Math.log(2)), 12);
    for (const [a, b] of [
      [0, 5],
      [10, 1],
      [3, 40],
    ]) {
      const law = (m: number) => a + b * Math.log(m);
      for (const m of [6, 12, 24, 48]) expect(law(m)).toBeLessThanOrEqual(logEnvelope(law(3), 3, m) + 1e-9);
    }
    expect(4 * 8).toBeGreaterThan(logEnvelope(4, 4, 32)); // linear growth leaves it
  });

  it('fails on the shrunk case m ∈ {4, 8}: t_crit(8) is not reached by T = 100, which already exceeds the envelope from t_crit(4)', async () => {
    const o = await CLAIM_LOG_SCALING.evaluate(base, ctx);
    expect(o.status).toBe('fail');
    expect(o.detail).toMatch(
      /^t_crit\(m = 8\) > T = 100 ≥ t_crit\(m₀\)·\(1 \+ ln\(m\/m₀\)\) = [\d.]+ \[t_crit\(4\) = \d+, t_crit\(8\) = > 100\]$/,
    );
    const t4 = o.measured['tCrit(m=4)']!;
    expect(t4).toBeGreaterThan(0);
    expect(o.measured['tCrit(m=8)']).toBeNull();
    expect(o.measured['envelope(m=8)']).toBeCloseTo(logEnvelope(t4, 4, 8), 12);
    expect(o.measured['envelope(m=8)']).toBeLessThanOrEqual(100);
  });

  it('holds across m ∈ {9, 18, 36} on a wide mean-field network', async () => {
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
    expect(o.status).toBe('pass');
  });

  it('is not applicable when the smallest m needs no pre-training (no growth rate to compare)', async () => {
    const o = await CLAIM_LOG_SCALING.evaluate({ ...base, epsilon: 10 }, ctx);
    expect([o.status, o.reason]).toEqual(['not-applicable', 'no pre-training needed at m₀']);
  });
});
