/**
 * Plot of one scaling analysis: the critical times against m on log–log and on semi-log axes (a power law
 * is straight on the first, a log law on the second), intervals as bars, censored runs as triangles at T,
 * each fitted law with its bootstrap band. Rows are built in a fixed order, so the SVG is deterministic.
 */
import type { ScalingAnalysis } from '../../scaling/types';
import { renderSvg, type TopLevelSpec } from '../vega';

type Row = Record<string, number | string>;

const PANEL_WIDTH = 300;
const PANEL_HEIGHT = 240;

function observationRows(s: ScalingAnalysis): { measured: Row[]; censored: Row[] } {
  const measured: Row[] = [];
  const censored: Row[] = [];
  for (const o of s.observations) {
    if (o.lo === null || o.hi === null) censored.push({ m: o.m, t: o.censoredAt ?? 0, seed: o.seed });
    else measured.push({ m: o.m, t: (o.lo + o.hi) / 2, lo: o.lo, hi: o.hi, seed: o.seed });
  }
  return { measured, censored };
}

function curveRows(s: ScalingAnalysis): Row[] {
  return s.fits.flatMap((f) => f.curve.map((p) => ({ law: f.formula, m: p.m, t: p.t, lo: p.lo, hi: p.hi })));
}

function panel(s: ScalingAnalysis, logY: boolean): Record<string, unknown> {
  const { measured, censored } = observationRows(s);
  const curves = curveRows(s);
  const x = { field: 'm', type: 'quantitative', title: 'm (samples)', scale: { type: 'log', nice: false } };
  const yScale = logY ? { type: 'log', nice: false } : { zero: false };
  const y = { field: 't', type: 'quantitative', title: s.quantity, scale: yScale };
  // A log axis cannot show t ≤ 0: those rows are left out of the log–log panel only.
  const positive = logY ? [{ filter: 'datum.t > 0' }] : [];
  const color = { field: 'law', type: 'nominal', title: 'fitted law', legend: { labelLimit: 260 } };
  return {
    width: PANEL_WIDTH,
    height: PANEL_HEIGHT,
    title: logY ? 'log–log (power law straight)' : 'semi-log (log law straight)',
    layer: [
      {
        data: { values: curves },
        transform: logY ? [{ filter: 'datum.lo > 0' }] : [],
        mark: { type: 'area', opacity: 0.15 },
        encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color },
      },
      {
        data: { values: curves },
        transform: positive,
        mark: { type: 'line', strokeWidth: 1.8 },
        encoding: { x, y, color },
      },
      {
        data: { values: measured },
        transform: logY ? [{ filter: 'datum.lo > 0' }] : [],
        mark: { type: 'rule', color: '#333' },
        encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' } },
      },
      {
        data: { values: measured },
        transform: positive,
        mark: { type: 'point', filled: true, color: '#111', size: 28 },
        encoding: { x, y, tooltip: [{ field: 'm' }, { field: 'seed' }, { field: 'lo' }, { field: 'hi' }] },
      },
      {
        data: { values: censored },
        transform: positive,
        mark: { type: 'point', shape: 'triangle-up', filled: true, color: '#c0392b', size: 80 },
        encoding: { x, y, tooltip: [{ field: 'm' }, { field: 'seed' }, { field: 't', title: 'censored at' }] },
      },
    ],
  };
}

/** Vega-Lite spec of the two panels; censored runs are red triangles pointing up at their censoring time. */
export function scalingPlotSpec(s: ScalingAnalysis): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `${s.quantity} against m: ${s.verdict}`, subtitle: 'bars: interval-known times; ▲: censored runs' },
    hconcat: [panel(s, true), panel(s, false)],
    resolve: { scale: { color: 'shared' } },
    config: { axis: { labelFontSize: 11, titleFontSize: 12, grid: true }, title: { anchor: 'start' } },
  } as unknown as TopLevelSpec;
}

export function renderScalingPlot(s: ScalingAnalysis): Promise<string> {
  return renderSvg(scalingPlotSpec(s));
}
