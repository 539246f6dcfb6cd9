/**
 * Newton's censored maximum likelihood for laws linear in their coefficients: it reaches the maximum (no simplex
 * restarted from many points finds a higher one), nested models keep their order, and data that bound no maximum
 * are refused rather than fitted.
 */
import fc from 'fast-check';
import { Rng } from '../../src/rng';
import { simulate, type Design } from '../../src/scaling';
import { censoredLogLikelihood, fitCensored, prepare, type PreparedObservation } from '../../src/scaling/fit';
import { fitLinearCensored } from '../../src/scaling/fit-linear';
import { logQuadraticSpec, modelSpec } from '../../src/scaling/models';
import { nelderMead } from '../../src/scaling/optimise';

const LOG = modelSpec('log');

/** A log law on a random design: intervals of a random width, some runs censored at T, some at or below 0. */
const censoredDataSets = fc
  .record({
    first: fc.double({ min: 5, max: 200, noNaN: true }),
    b: fc.double({ min: 1, max: 60, noNaN: true }),
    sigma: fc.double({ min: 1, max: 40, noNaN: true }),
    ms: fc.uniqueArray(fc.integer({ min: 10, max: 5000 }), { minLength: 3, maxLength: 7 }),
    seeds: fc.integer({ min: 2, max: 6 }),
    width: fc.oneof(fc.constant(0), fc.double({ min: 0.5, max: 20, noNaN: true })),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  })
  .map(({ first, b, sigma, ms, seeds, width, seed }) => {
    const grid = [...ms].sort((x, y) => x - y).map((m) => ({ m, seeds }));
    const a = first - b * Math.log(grid[0].m);
    const design: Design = {
      grid,
      resolution: { absolute: width, relative: 0 },
      censorAt: a + b * Math.log(grid[grid.length - 1].m), // about half the runs at the largest m are censored
      floor: 0,
      sigma,
      sigmaSource: 'test',
    };
    return prepare(simulate({ id: 'log', law: 'log', model: 'log', params: { a, b } }, design, new Rng(seed)));
  })
  .filter((data) => fitCensored(LOG, data) !== null && data.some((d) => d.kind !== 'exact'));

/** The best of simplex runs from the Newton maximum's neighbourhood, in (a, b, ln σ). */
function simplexBest(data: readonly PreparedObservation[], start: number[]): number {
  const objective = (x: number[]) => {
    const value = censoredLogLikelihood(LOG, x.slice(0, 2), Math.exp(x[2]), data);
    return Number.isFinite(value) ? -value : Infinity;
  };
  const best = nelderMead(objective, start, { tolerance: 1e-10, restarts: 5 });
  return -best.value;
}

describe('fitLinearCensored (Newton in θ = β/σ, h = 1/σ)', () => {
  it('the censored log-likelihood at its maximum is not exceeded by a simplex started near it', () => {
    fc.assert(
      fc.property(censoredDataSets, fc.double({ min: -0.5, max: 0.5, noNaN: true }), (data, shift) => {
        const fit = fitCensored(LOG, data)!;
        const [a, b] = fit.vector;
        const start = [a + shift * fit.sigma, b * (1 + shift / 10), Math.log(fit.sigma) + shift];
        expect(simplexBest(data, start)).toBeLessThanOrEqual(fit.logLikelihood + 1e-6);
      }),
      { numRuns: 60, seed: 20261207 },
    );
  });

  it('nested laws keep their order: the log-quadratic maximum, started at the log maximum, is never below it', () => {
    fc.assert(
      fc.property(censoredDataSets, (data) => {
        const log = fitCensored(LOG, data)!;
        const center = Math.log(data[0].m);
        const [a, b] = log.vector;
        const from = { vector: [a + b * center, b, 0], sigma: log.sigma };
        const quad = fitCensored(logQuadraticSpec(center), data, from);
        if (quad) expect(quad.logLikelihood).toBeGreaterThanOrEqual(log.logLikelihood);
      }),
      { numRuns: 60, seed: 7 },
    );
  });

  it('refuses data that bound no maximum: every run censored leaves the law free to rise without end', () => {
    const rows = [10, 20, 40, 80].flatMap((m) => [0, 1].map(() => [1, Math.log(m)]));
    const data = rows.map(() => ({ lo: 100, hi: Infinity }));
    expect(fitLinearCensored(rows, data, { beta: [50, 10], sigma: 20 }, 1e-6)).toBeNull();
  });

  it('with only exact times, gives the least-squares fit and σ² = RSS/n', () => {
    const rows = [10, 20, 40, 80, 160].map((m) => [1, Math.log(m)]);
    const ts = [12, 19.5, 27, 33, 41.5];
    const data = ts.map((t) => ({ lo: t, hi: t }));
    const fit = fitLinearCensored(rows, data, { beta: [0, 1], sigma: 5 }, 1e-9)!;
    const x = rows.map((r) => r[1]);
    const mx = x.reduce((s, v) => s + v, 0) / x.length;
    const my = ts.reduce((s, v) => s + v, 0) / ts.length;
    const b = x.reduce((s, v, i) => s + (v - mx) * (ts[i] - my), 0) / x.reduce((s, v) => s + (v - mx) ** 2, 0);
    const a = my - b * mx;
    const rss = ts.reduce((s, t, i) => s + (t - a - b * x[i]) ** 2, 0);
    expect(fit.beta[0]).toBeCloseTo(a, 6);
    expect(fit.beta[1]).toBeCloseTo(b, 6);
    expect(fit.sigma).toBeCloseTo(Math.sqrt(rss / ts.length), 6);
  });
});
