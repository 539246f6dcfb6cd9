/** Censored maximum likelihood: recovers the law from data where many runs never reached the target. */
import { Rng } from '../../src/rng';
import { fitCensored, prepare } from '../../src/scaling/fit';
import { modelSpec } from '../../src/scaling/models';
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
});
