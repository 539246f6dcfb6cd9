/** Censored maximum likelihood: recovers the law from data where many runs never reached the target. */
import { Rng } from '../../src/rng';
import { fitCensored, prepare } from '../../src/scaling/fit';
import { MODEL_SPECS, modelSpec, predict } from '../../src/scaling/models';
import { logDensity, logIntervalProbability, logUpperTail } from '../../src/scaling/normal';
import type { TimeObservation } from '../../src/scaling/types';

function censoredLogData(seed: number): { data: TimeObservation[]; censored: number } {
  const rng = new Rng(seed);
  const [a, b, sigma, T] = [-40, 20, 6, 100];
  const data: TimeObservation[] = [];
  for (const m of [50, 100, 200, 400, 800, 1600, 3200]) {
    for (let s = 0; s < 20; s++) {
      const t = a + b * Math.log(m) + sigma * rng.normal();
      data.push(
        t > T
          ? { m, seed: s, lo: null, hi: null, censoredAt: T }
          : { m, seed: s, lo: Math.floor(t), hi: Math.floor(t) + 1 },
      );
    }
  }
  return { data, censored: data.filter((d) => d.lo === null).length };
}

describe('fitCensored', () => {
  it('recovers a + b·ln m and σ from interval-known, right-censored data (Tobit likelihood)', () => {
    const { data, censored } = censoredLogData(7);
    expect(censored).toBeGreaterThan(30); // the top of the grid is mostly censored
    const fit = fitCensored(modelSpec('log'), prepare(data))!;
    // Standard errors with 140 runs: b ≈ 0.4, a ≈ 3, σ ≈ 0.5; tolerances are about 3 of them.
    expect(Math.abs(fit.params.b - 20)).toBeLessThan(1.2);
    expect(Math.abs(fit.params.a + 40)).toBeLessThan(9);
    expect(Math.abs(fit.sigma - 6)).toBeLessThan(1.5);
  });

  it('recovers the exponent of a saturating law a − c·m^−β from exact times', () => {
    const rng = new Rng(3);
    const data: TimeObservation[] = [];
    for (const m of [30, 100, 300, 1000, 3000, 10000]) {
      for (let s = 0; s < 5; s++) {
        const t = 120 - 400 * m ** -0.5 + 0.5 * rng.normal();
        data.push({ m, seed: s, lo: t, hi: t });
      }
    }
    const fit = fitCensored(modelSpec('saturating'), prepare(data))!;
    expect(fit.params.beta).toBeCloseTo(0.5, 1);
    expect(fit.params.a).toBeCloseTo(120, 0);
  });

  it('reports the log-likelihood of every observation at the fit, summed in order (exact, interval, censored at two T)', () => {
    const rng = new Rng(11);
    const data: TimeObservation[] = [];
    [40, 80, 160, 320].forEach((m, j) => {
      for (let s = 0; s < 6; s++) {
        const t = 10 + 8 * Math.log(m) + 4 * rng.normal();
        const T = s % 2 === 0 ? 60 : 55; // two censoring times at one m: the per-m tail must follow T
        if (t > T) data.push({ m, seed: s, lo: null, hi: null, censoredAt: T });
        else if ((s + j) % 3 === 0) data.push({ m, seed: s, lo: t, hi: t });
        else data.push({ m, seed: s, lo: Math.floor(t), hi: Math.floor(t) + 1 });
      }
    });
    const prepared = prepare(data);
    expect(new Set(prepared.map((d) => d.kind)).size).toBe(3);
    for (const spec of MODEL_SPECS) {
      const fit = fitCensored(spec, prepared)!;
      let expected = 0;
      for (const d of prepared) {
        const mu = predict(spec, fit.params, d.m);
        if (d.kind === 'exact') expected += logDensity(d.lo, mu, fit.sigma);
        else if (d.kind === 'censored') expected += logUpperTail((d.lo - mu) / fit.sigma);
        else expected += logIntervalProbability((d.lo - mu) / fit.sigma, (d.hi - mu) / fit.sigma);
      }
      expect(fit.logLikelihood).toBeCloseTo(expected, 9);
    }
  });
});
