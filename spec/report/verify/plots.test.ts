import {
  PLOTS,
  applicablePlots,
  plotAccuracyVsT,
  plotCriticalTimes,
  plotDenseResidual,
  plotLossVsT,
  plotPrunerComparison,
  renderPlots,
} from '../../../src/report/verify/plots';
import { scalingPlotSpec } from '../../../src/report/scaling/plot';
import type { ReportDocument } from '../../../src/report/types';
import { specWarnings, vegaVersions } from '../../../src/report/vega';
import { buildReportFixture, FITTED_SCALING_OPTIONS } from '../fixture';

type Layer = { data?: { values: Record<string, unknown>[] }; layer?: Layer[] };

function specOf(file: string, doc: ReportDocument): Record<string, unknown> {
  const plot = PLOTS.find((p) => p.file === file);
  if (!plot) throw new Error(`no plot ${file}`);
  return plot.spec(doc) as unknown as Record<string, unknown>;
}

/** Data rows of the top-level layer i (each layer of the loss plot carries its own data). */
function layerRows(spec: Record<string, unknown>, i: number): Record<string, unknown>[] {
  return ((spec.layer as Layer[])[i].data as { values: Record<string, unknown>[] }).values;
}

function expectSvg(svg: string, ...texts: string[]): void {
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  for (const t of texts) expect(svg).toContain(t);
}

describe('report plots', () => {
  const regression = buildReportFixture();
  const classification = buildReportFixture({ classification: true });

  it('loads the vega 6.4.0 and vega-lite 6.4.3 bundles', () => {
    expect(vegaVersions()).toEqual({ vega: '6.4.0', vegaLite: '6.4.3' });
  });

  it('every applicable spec compiles without vega-lite warnings', () => {
    for (const doc of [regression, classification]) {
      for (const plot of applicablePlots(doc))
        expect({ file: plot.file, warnings: specWarnings(plot.spec(doc)) }).toEqual({ file: plot.file, warnings: [] });
    }
  });

  it('a: greedy loss vs t has its title, axis symbols, the m legend and the ε rule', async () => {
    expectSvg(
      await plotLossVsT(regression),
      'Greedy subnetwork loss vs pre-training iterations (n = 32)',
      't + 1',
      'L(f_S)',
      'm (samples)',
      'ε = 0.03',
      '>16<',
      '>32<',
    );
  });

  it('a: marks T*(m) only where it is finite and inside [0, T]', () => {
    const doc = structuredClone(regression);
    // m = 16: T* in range for both seeds (mean ≈ 67); m = 32: one seed beyond T, the other null.
    doc.runs[2].tStar.etaConfigured = 5000;
    doc.runs[3].tStar.etaConfigured = null;
    const rules = layerRows(specOf('loss-vs-t.svg', doc), 2);
    expect(rules.map((r) => r.m)).toEqual([16]);
    const tStar16 = ((regression.runs[0].tStar.etaConfigured ?? 0) + (regression.runs[1].tStar.etaConfigured ?? 0)) / 2;
    expect(rules[0].t1).toBeCloseTo(tStar16 + 1, 10);
    doc.runs[0].tStar.etaConfigured = -3;
    doc.runs[1].tStar.etaConfigured = -5;
    expect(layerRows(specOf('loss-vs-t.svg', doc), 2)).toEqual([]);
  });

  it('a: greedy losses are averaged over seeds with a min–max band, non-positive values left out of the log axis', () => {
    const doc = structuredClone(regression);
    doc.runs[0].checkpoints[3].pruners[0].subnetworks[2].loss = 0;
    const rows = layerRows(specOf('loss-vs-t.svg', doc), 0);
    const last16 = rows.find((r) => r.m === 16 && r.t1 === 101);
    const other = regression.runs[1].checkpoints[3].pruners[0].subnetworks[2].loss;
    expect(last16).toEqual({ m: 16, t1: 101, mean: other, lo: other, hi: other });
    const first32 = rows.find((r) => r.m === 32 && r.t1 === 1) as Record<string, number>;
    expect(first32.lo).toBeLessThanOrEqual(first32.mean);
    expect(first32.mean).toBeLessThanOrEqual(first32.hi);
  });

  it('b: the critical-times plot is the scaling plot of t_crit at the largest n, censored runs drawn at T', async () => {
    const doc = structuredClone(regression);
    const crit = doc.scaling.find((s) => s.quantity === 't_crit(n=32)');
    expect(crit).toBeDefined();
    expect(specOf('critical-times.svg', doc)).toEqual(scalingPlotSpec(crit!));
    crit!.observations[0] = { m: 16, seed: 1, lo: null, hi: null, censoredAt: 100 };
    const panels = (specOf('critical-times.svg', doc).hconcat as { layer: Layer[] }[]).map((p) => p.layer);
    for (const layers of panels) expect(layers[4].data?.values).toEqual([{ m: 16, t: 100, seed: 1 }]);
    const svg = await plotCriticalTimes(doc);
    expectSvg(svg, 't_crit(n=32) against m', 'log–log (power law straight)', 'semi-log (log law straight)');
    // Without any t_crit analysis the plot falls back to the first one.
    doc.scaling = doc.scaling.filter((s) => !s.quantity.startsWith('t_crit'));
    expect(specOf('critical-times.svg', doc)).toEqual(scalingPlotSpec(doc.scaling[0]));
  });

  it('b: draws every fitted law’s curve and every interval-known observation of the analysis', () => {
    const fitted = buildReportFixture(FITTED_SCALING_OPTIONS);
    const crit = fitted.scaling.find((s) => s.quantity === 't_crit(n=32)')!;
    expect(crit.fits.length).toBeGreaterThan(0);
    expect(specWarnings(PLOTS.find((p) => p.file === 'critical-times.svg')!.spec(fitted))).toEqual([]);
    const [, semiLog] = (specOf('critical-times.svg', fitted).hconcat as { layer: Layer[] }[]).map((p) => p.layer);
    const curves = semiLog[1].data?.values ?? [];
    for (const f of crit.fits) expect(curves.filter((r) => r.law === f.formula)).toHaveLength(f.curve.length);
    const measured = semiLog[3].data?.values ?? [];
    expect(measured).toHaveLength(crit.observations.filter((o) => o.lo !== null).length);
    for (const row of measured as Record<string, number>[]) expect(row.lo <= row.t && row.t <= row.hi).toBe(true);
  });

  it('c: dense residual against B1 shows both curves; B1 is (1 − ηλ0/2)^t per run', async () => {
    expectSvg(
      await plotDenseResidual(regression),
      'Dense residual R(t)/R(0)',
      'measured R(t)/R(0)',
      'B1: (1 − ηλ0/2)^t',
      'm (samples)',
    );
    const rows = (specOf('dense-residual.svg', regression).data as { values: Record<string, number | string>[] })
      .values;
    const run = regression.runs[0];
    const b1 = rows.filter((r) => r.curve !== 'measured R(t)/R(0)' && r.m === run.m && r.seed === run.seed);
    expect(b1.length).toBe(run.residualCurve.length);
    for (const r of b1)
      expect(r.ratio as number).toBeCloseTo((1 - (run.eta * (run.lambda0 as number)) / 2) ** (r.t as number), 12);
  });

  it('c: omits the B1 line when λ0 is null and says so', async () => {
    const doc = structuredClone(regression);
    for (const r of doc.runs.filter((x) => x.m === 32)) r.lambda0 = null;
    const rows = (specOf('dense-residual.svg', doc).data as { values: Record<string, unknown>[] }).values;
    expect(rows.filter((r) => r.m === 32 && r.curve !== 'measured R(t)/R(0)')).toEqual([]);
    expect(rows.filter((r) => r.m === 32 && r.curve === 'measured R(t)/R(0)').length).toBe(2 * 101);
    expect(await plotDenseResidual(doc)).toContain('no B1 line for 2 run(s)');
  });

  it('c: thins residual curves longer than 400 points, keeping both ends', () => {
    const doc = structuredClone(regression);
    doc.runs[0].residualCurve = Array.from({ length: 5001 }, (_, t) => Math.exp(-t / 1000));
    const rows = (specOf('dense-residual.svg', doc).data as { values: Record<string, unknown>[] }).values;
    const measured = rows
      .filter((r) => r.m === 16 && r.seed === 1 && r.curve === 'measured R(t)/R(0)')
      .map((r) => r.t as number);
    expect(measured.length).toBeLessThanOrEqual(400);
    expect(measured[0]).toBe(0);
    expect(measured[measured.length - 1]).toBe(5000);
  });

  it('log axes get uncrowded ticks (≤ 16) whose decades cover the data, labelled like report.md', () => {
    const doc = structuredClone(regression);
    doc.runs[0].residualCurve = Array.from({ length: 101 }, (_, t) => 10 ** (-t / 7));
    const spec = specOf('dense-residual.svg', doc);
    const rows = (spec.data as { values: Record<string, number>[] }).values;
    const axis = (spec.encoding as Record<string, { axis: { values: number[]; labelExpr: string } }>).y.axis;
    const ratios = rows.map((r) => r.ratio);
    expect(axis.values.length).toBeLessThanOrEqual(16);
    expect(Math.min(...axis.values)).toBeLessThanOrEqual(Math.min(...ratios));
    expect(Math.max(...axis.values)).toBeGreaterThanOrEqual(Math.max(...ratios));
    for (const v of axis.values) {
      const mantissa = v / 10 ** Math.floor(Math.log10(v) + 1e-9);
      expect([1, 2, 3, 5].some((k) => Math.abs(mantissa - k) < 1e-9)).toBe(true);
    }
    expect(axis.labelExpr).toContain("format(datum.value, '.0e')");
  });

  it('d: pruner comparison has a panel per m and every pruner, with mean ± std over seeds', async () => {
    expectSvg(
      await plotPrunerComparison(regression),
      'Pruners compared at the last checkpoint (t = 100)',
      'm = 16',
      'm = 32',
      'greedy',
      'random',
      'magnitude',
      'n (subnetwork size',
    );
    const rows = (specOf('pruners.svg', regression).data as { values: Record<string, number | string>[] }).values;
    expect(rows).toHaveLength(2 * 3 * 3);
    const losses = regression.runs
      .filter((r) => r.m === 32)
      .map((r) => r.checkpoints[3].pruners[1].subnetworks[0].loss);
    const mu = (losses[0] + losses[1]) / 2;
    const sd = Math.abs(losses[0] - losses[1]) / Math.SQRT2;
    const row = rows.find((r) => r.m === 32 && r.pruner === 'random' && r.n === 2) as Record<string, number>;
    expect(row.mean).toBeCloseTo(mu, 12);
    expect(row.hi - row.mean).toBeCloseTo(sd, 12);
  });

  it('d: a lower error bar that would cross zero stops at the log axis floor instead of vanishing', () => {
    const doc = structuredClone(regression);
    doc.runs[0].checkpoints[3].pruners[1].subnetworks[0].loss = 1e-6;
    doc.runs[1].checkpoints[3].pruners[1].subnetworks[0].loss = 2;
    const rows = (specOf('pruners.svg', doc).data as { values: Record<string, number>[] }).values;
    const row = rows.find((r) => (r.m as unknown) === 16 && (r.pruner as unknown) === 'random' && r.n === 2) as Record<
      string,
      number
    >;
    expect(row.lo).toBeGreaterThan(0);
    expect(row.lo).toBeLessThanOrEqual(Math.min(...rows.map((r) => r.mean)));
  });

  it('e: accuracy plot only for classification data, with the dense network beside the subnetwork', async () => {
    expect(applicablePlots(regression).map((p) => p.file)).toEqual([
      'loss-vs-t.svg',
      'critical-times.svg',
      'dense-residual.svg',
      'pruners.svg',
    ]);
    expect(applicablePlots(classification).map((p) => p.file)).toContain('accuracy-vs-t.svg');
    expectSvg(
      await plotAccuracyVsT(classification),
      'Training accuracy',
      'dense network',
      'greedy subnetwork (n = 32)',
      'target accuracy 0.9',
    );
  });

  it('renders deterministically: the same document gives the same bytes, whatever was rendered before', async () => {
    const first = await renderPlots(classification);
    await plotPrunerComparison(regression);
    const second = await renderPlots(structuredClone(classification));
    expect(second.map((p) => p.file)).toEqual(first.map((p) => p.file));
    for (let i = 0; i < first.length; i++) expect(second[i].svg).toBe(first[i].svg);
  });

  it('renders a 5 m × 3 seeds × 12 checkpoints sweep', async () => {
    const times = [0, 1, 2, 4, 7, 12, 20, 35, 60, 100, 170, 300];
    const doc = buildReportFixture({ ms: [16, 32, 64, 128, 256], seeds: [1, 2, 3], times });
    const plots = await renderPlots(doc);
    expect(plots).toHaveLength(4);
    expect(plots[3].svg).toContain('m = 256');
  });
});
