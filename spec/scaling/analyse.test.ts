/** analyseScaling: the cases that must not produce a verdict, and a verdict calibrated on its own design. */
import { Rng } from '../../src/rng';
import { analyseScaling, anchoredLaws, assess, simulate, validateScalingAnalysis } from '../../src/scaling';
import type { Design, TimeObservation } from '../../src/scaling';

const exact = (m: number, seed: number, t: number): TimeObservation => ({ m, seed, lo: t, hi: t });
const FAST = { resamples: 20, simulations: 40, advise: false };

describe('analyseScaling: no verdict without the data for one', () => {
  it('all-zero times: says so in words, no fit, no verdict', () => {
    const obs = [100, 300, 1000].flatMap((m) => [exact(m, 1, 0), exact(m, 2, 0)]);
    const s = analyseScaling('t_crit', obs, FAST);
    expect(s.verdict).toBe('inconclusive');
    expect(s.reason).toMatch(
      /every one of the 3 runs holds at t = 0, before any step, at every m: there is no law to fit/,
    );
    expect(s.logBound.verdict).toBe('undetermined');
    expect(s.logBound.reason).toMatch(/^t_crit = 0 at every m: it holds before any step/);
    expect(s.fits).toEqual([]);
    expect(validateScalingAnalysis(JSON.parse(JSON.stringify(s))).errors).toEqual([]);
  });

  it('all-identical times: says the time does not vary with m', () => {
    const s = analyseScaling('t', [exact(10, 1, 7), exact(20, 1, 7), exact(40, 1, 7)], FAST);
    expect(s.verdict).toBe('inconclusive');
    expect(s.reason).toMatch(/equals 7: the time does not vary with m/);
  });

  it('fewer than 3 distinct m with a measured time: inconclusive and says so', () => {
    const obs = [exact(100, 1, 10), exact(100, 2, 12), exact(1000, 1, 30), exact(1000, 2, 31)];
    obs.push({ m: 10000, seed: 1, lo: null, hi: null, censoredAt: 50 });
    const s = analyseScaling('t', obs, FAST);
    expect(s.verdict).toBe('inconclusive');
    expect(s.reason).toMatch(/only 2 distinct m with a measured time/);
  });

  it('a majority of censored runs: inconclusive and says so', () => {
    const censored = (m: number, seed: number): TimeObservation => ({ m, seed, lo: null, hi: null, censoredAt: 100 });
    const obs = [exact(10, 1, 20), exact(30, 1, 40), exact(100, 1, 60), censored(300, 1), censored(1000, 1)];
    obs.push(censored(3000, 1), censored(10000, 1));
    const s = analyseScaling('t', obs, FAST);
    expect(s.verdict).toBe('inconclusive');
    expect(s.reason).toMatch(/4 of 7 runs are censored/);
  });

  it('seeds that give identical values at every m count once, not once per seed', () => {
    const ts = [23, 50, 84, 112, 114];
    const obs = [100, 300, 1000, 3000, 10000].flatMap((m, i) => [exact(m, 1, ts[i]), exact(m, 2, ts[i])]);
    const s = analyseScaling('t', obs, FAST);
    expect(s.counts.observations).toBe(5);
    expect(s.reason).toMatch(/the 10 runs count as 5 points/);
  });
});

describe('analyseScaling: calibrated verdicts', () => {
  const design: Design = {
    grid: [30, 80, 200, 500, 1300, 3300, 9500].map((m) => ({ m, seeds: 5 })),
    resolution: { absolute: 1, relative: 0 },
    censorAt: null,
    sigma: 4,
    floor: 0,
    sigmaSource: 'across seeds',
  };
  const laws = anchoredLaws(30, 20, 9500, 140);

  it('data drawn from a log law, 7 m over 2.5 decades × 5 seeds: "log", with the stated power ≥ 0.8', () => {
    const obs = simulate(laws[0], design, new Rng(11));
    const s = analyseScaling('t_crit', obs, { seed: 5, resamples: 30, simulations: 60, advise: false });
    expect(s.decision.verdict).toBe('consistent with logarithmic scaling');
    expect(s.verdict).toBe('consistent with logarithmic scaling');
    const c = s.calibration!;
    expect(c.adequate).toBe(true);
    expect(c.power).toBeGreaterThanOrEqual(0.8);
    expect(c.falseRate).toBeLessThanOrEqual(0.1);
    expect(s.fits.find((f) => f.model === 'log')!.intervals.b[0]).toBeLessThan(
      s.fits.find((f) => f.model === 'log')!.params.b,
    );
    expect(validateScalingAnalysis(JSON.parse(JSON.stringify(s))).errors).toEqual([]);
  });

  it('data drawn from a power law α = 1 on the same design: "power law"', () => {
    const obs = simulate(laws[3], design, new Rng(12));
    const s = analyseScaling('t_crit', obs, { seed: 5, resamples: 20, simulations: 60, advise: false });
    expect(s.verdict).toBe('better explained by a power law');
  });

  it('the stated power is what independent data sets show: the verdict on fresh log-law data sets matches it', () => {
    // Calibration says P(log | log law) ≥ 0.8 on this design; fresh draws from that law should agree.
    const s = analyseScaling('t', simulate(laws[0], design, new Rng(21)), {
      seed: 2,
      resamples: 10,
      simulations: 60,
      advise: false,
    });
    const stated = s.calibration!.power;
    let hits = 0;
    const runs = 40;
    for (let i = 0; i < runs; i++) {
      const fresh = assess(simulate(laws[0], design, new Rng(100 + i))).decision;
      if (fresh.verdict === 'consistent with logarithmic scaling') hits++;
    }
    // Binomial(30, p): ±3 standard deviations around the stated power.
    expect(Math.abs(hits / runs - stated)).toBeLessThan(3 * Math.sqrt((stated * (1 - stated)) / runs) + 0.05);
  });
});
