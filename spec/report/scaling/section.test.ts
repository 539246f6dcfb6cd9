/** Markdown of a scaling analysis: verdict, reason, every fitted law with intervals, the confusion matrix. */
import { Rng } from '../../../src/rng';
import { scalingSectionMarkdown } from '../../../src/report/scaling/section';
import { analyseScaling, anchoredLaws, simulate } from '../../../src/scaling';
import type { Design } from '../../../src/scaling';

const design: Design = {
  grid: [100, 300, 1000, 3000, 10000].map((m) => ({ m, seeds: 3 })),
  resolution: { absolute: 1, relative: 0 },
  censorAt: 130,
  sigma: 4,
  floor: 0,
  sigmaSource: 'across seeds',
};

describe('scalingSectionMarkdown', () => {
  const analysis = analyseScaling('t_crit(n=50)', simulate(anchoredLaws(100, 20, 10000, 120)[0], design, new Rng(4)), {
    resamples: 10,
    simulations: 20,
    advise: false,
  });

  it('is a pure function of the analysis (same analysis, same text)', () => {
    expect(scalingSectionMarkdown(analysis)).toBe(scalingSectionMarkdown(structuredClone(analysis)));
  });

  it('states the verdict and reason, each law with its bootstrap intervals, and the confusion matrix', () => {
    const md = scalingSectionMarkdown(analysis);
    expect(md).toContain(`: ${analysis.logBound.verdict}\n`);
    expect(md).toContain(`Bound t(m) = O(log m): **${analysis.logBound.verdict}**`);
    expect(md).toContain(`Best described by: **${analysis.verdict}**`);
    for (const f of analysis.fits) expect(md).toContain(f.formula);
    expect(md).toMatch(/b = [\d.]+ \[[\d.]+, [\d.]+\]/);
    expect(md).toMatch(/\| true law \| logarithmic scaling \| power law \| saturating law \| inconclusive \|/);
    expect(md).toMatch(/\| power α=0\.5 \| \d+ % \| \d+ % \| \d+ % \| \d+ % \|/);
    expect(md).toMatch(/needs power ≥ 80 % and false rate ≤ 10 %/);
  });
});
