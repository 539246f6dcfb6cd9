/** `verify` and `fit` as library functions: the commands' pipeline, returning the document instead of writing it. */
import { fit, verify } from '../../src/public/verify';
import { validateReport } from '../../src/report/verify/schema';
import { validateScalingAnalysis } from '../../src/scaling/schema';

const TINY = {
  name: 'library-verify',
  mGrid: [10, 20],
  seeds: [1],
  width: 20,
  iterations: 40,
  checkpoints: 3,
  subnetworkSizes: [2, 4],
  pruners: ['greedy'],
};

describe('verify()', () => {
  it('runs the grid and returns a schema-valid report with a verdict for every check', async () => {
    const report = await verify(TINY, { engine: 'tfjs' });
    expect(validateReport(report).errors).toEqual([]);
    expect(report.runs.map((r) => [r.m, r.seed])).toEqual([
      [10, 1],
      [20, 1],
    ]);
    expect(report.checks.length).toBeGreaterThan(0);
    expect(report.config.width).toBe(20);
  }, 120_000);

  it('rejects a bad setting before computing anything, naming it', async () => {
    await expect(verify({ width: -3 })).rejects.toThrow(/width/);
  });
});

describe('fit()', () => {
  it('fits t(m) = 10 ln m measured at five doubling m: the log law is the AICc-best; 20 simulations are too few for a verdict', () => {
    const observations = [20, 40, 80, 160, 320].flatMap((m) =>
      [1, 2].map((seed) => ({ m, seed, lo: Math.round(10 * Math.log(m)), hi: Math.round(10 * Math.log(m)) })),
    );
    const analysis = fit({ quantity: 't_crit', observations }, { seed: 1, simulations: 20, resamples: 20, threads: 1 });
    expect(validateScalingAnalysis(JSON.parse(JSON.stringify(analysis))).errors).toEqual([]);
    expect(analysis.quantity).toBe('t_crit');
    expect(analysis.decision.aiccBest).toBe('log');
    expect(analysis.verdict).toBe('inconclusive');
  });

  it('rejects an invalid observation naming its index and field', () => {
    expect(() => fit({ quantity: 't', observations: [{ m: -1, seed: 1, lo: 1, hi: 1 }] })).toThrow(/m/);
  });
});
