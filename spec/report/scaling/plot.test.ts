/** The scaling plot: a clean Vega-Lite spec (no compile warnings), two panels, deterministic SVG bytes. */
import { renderScalingPlot, scalingPlotSpec } from '../../../src/report/scaling/plot';
import { specWarnings } from '../../../src/report/vega';
import { analyseScaling } from '../../../src/scaling';
import type { TimeObservation } from '../../../src/scaling';

const obs: TimeObservation[] = [
  { m: 100, seed: 1, lo: 20, hi: 20 },
  { m: 100, seed: 2, lo: 18, hi: 24 },
  { m: 300, seed: 1, lo: 41, hi: 41 },
  { m: 300, seed: 2, lo: 45, hi: 47 },
  { m: 1000, seed: 1, lo: 62, hi: 62 },
  { m: 1000, seed: 2, lo: 66, hi: 66 },
  { m: 3000, seed: 1, lo: 86, hi: 86 },
  { m: 3000, seed: 2, lo: null, hi: null, censoredAt: 90 },
];

describe('scaling plot', () => {
  const analysis = analyseScaling('t_in', obs, { resamples: 10, simulations: 10, advise: false });

  it('compiles without warnings into log–log and semi-log panels', () => {
    const spec = scalingPlotSpec(analysis) as unknown as { hconcat: unknown[] };
    expect(specWarnings(scalingPlotSpec(analysis))).toEqual([]);
    expect(spec.hconcat).toHaveLength(2);
  });

  it('renders the same SVG bytes twice, with the censored run drawn', async () => {
    const a = await renderScalingPlot(analysis);
    const b = await renderScalingPlot(analysis);
    expect(a).toBe(b);
    expect(a).toMatch(/^<svg/);
  });
});
