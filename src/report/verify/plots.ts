/**
 * The report's SVG plots: Vega-Lite specs built from a ReportDocument and rendered headless.
 * Data rows are built in a fixed order (m ascending, seeds ascending, t ascending), so the same
 * document always gives the same SVG bytes.
 */
import type { RunResult } from '../../experiment/types';
import { scalingPlotSpec } from '../scaling/plot';
import {
  subjectName,
  checkpointTimes,
  checkpointsAt,
  isClassification,
  largestSize,
  lastCheckpoint,
  mean,
  present,
  prunerNames,
  runsByM,
  sampleStd,
  subnetworkAt,
} from './run-tables';
import type { ReportDocument } from '../types';
import { renderSvg } from '../vega';
import type { TopLevelSpec } from '../vega';

export interface PlotDefinition {
  /** File name inside the report directory. */
  file: string;
  /** Alt text / caption used by report.md. */
  title: string;
  /** Whether the document holds the data this plot needs. */
  applies(doc: ReportDocument): boolean;
  spec(doc: ReportDocument): TopLevelSpec;
}

type Row = Record<string, number | string | null>;

const WIDTH = 520;
const HEIGHT = 320;
const FACET_WIDTH = 220;
const FACET_HEIGHT = 200;
/** Longest residual curve drawn per run; longer ones are thinned (first and last point kept). */
const MAX_CURVE_POINTS = 400;

const BASE_CONFIG = {
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  title: { fontSize: 14, subtitleFontSize: 11, anchor: 'start' as const },
};

const M_COLOR = {
  field: 'm',
  type: 'ordinal' as const,
  title: 'm (samples)',
  scale: { scheme: 'tableau10' },
  legend: { symbolType: 'stroke', symbolStrokeWidth: 2.5, symbolOpacity: 1 },
};
const STROKE_LEGEND = {
  symbolType: 'stroke',
  symbolStrokeWidth: 1.5,
  symbolStrokeColor: '#444',
  symbolOpacity: 1,
  symbolSize: 300,
  labelLimit: 320,
};
/** Log axis fitted to the data (vega's "nice" log domain can add a whole empty decade). */
const LOG_TIGHT = { type: 'log', nice: false };
const LOG_PADDED = { type: 'log', nice: false, padding: 14 };
const TICK_LABEL =
  "datum.value >= 0.001 && datum.value < 10000 ? format(datum.value, '~g') : format(datum.value, '.0e')";

/**
 * Ticks for a log axis over the given values: decades, plus 2× and 5× when the range is short, so
 * labels never crowd; labelled 0.01 or 1e-6 like the numbers in report.md.
 */
function logAxis(values: readonly unknown[]): { values: number[]; labelExpr: string } {
  const finite = values.filter(positive);
  if (finite.length === 0) return { values: [], labelExpr: TICK_LABEL };
  const lo = Math.floor(Math.log10(Math.min(...finite)));
  const hi = Math.ceil(Math.log10(Math.max(...finite)));
  const span = hi - lo;
  const multipliers = span <= 1 ? [1, 2, 3, 5] : span <= 3 ? [1, 2, 5] : [1];
  const step = Math.max(1, Math.ceil(span / 8));
  const ticks: number[] = [];
  for (let e = lo; e <= hi; e++) {
    if ((e - lo) % step !== 0 && e !== hi) continue;
    for (const k of multipliers) ticks.push(Number((k * 10 ** e).toPrecision(12)));
  }
  return { values: ticks, labelExpr: TICK_LABEL };
}

function positive(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x) && x > 0;
}

/** Evenly thinned indices 0..length−1, always keeping both ends. */
function thinnedIndices(length: number, max: number): number[] {
  if (length <= max) return Array.from({ length }, (_, i) => i);
  const step = (length - 1) / (max - 1);
  return [...new Set(Array.from({ length: max }, (_, i) => Math.round(i * step)))];
}

// ---------------------------------------------------------------------------------------------
// a. Greedy subnetwork loss vs t

function greedyLossRows(doc: ReportDocument, n: number): Row[] {
  return runsByM(doc).flatMap(({ m, runs }) =>
    checkpointTimes(runs).flatMap((t) => {
      const losses = present(checkpointsAt(runs, t).map((c) => subnetworkAt(c, subjectName(doc), n)?.loss)).filter(
        positive,
      );
      if (losses.length === 0) return [];
      return [{ m, t1: t + 1, mean: mean(losses), lo: Math.min(...losses), hi: Math.max(...losses) }];
    }),
  );
}

/** T*(m) with η as configured, mean over seeds, where finite and within [0, T]. */
function tStarRows(doc: ReportDocument): Row[] {
  return runsByM(doc).flatMap(({ m, runs }) => {
    const tMax = Math.max(...runs.map((r) => lastCheckpoint(r).t));
    const tStar = mean(present(runs.map((r) => r.tStar.etaConfigured)).filter(Number.isFinite));
    return tStar !== null && tStar >= 0 && tStar <= tMax ? [{ m, t1: tStar + 1 }] : [];
  });
}

function lossVsTSpec(doc: ReportDocument): TopLevelSpec {
  const n = largestSize(doc);
  const tStar = tStarRows(doc);
  const rows = greedyLossRows(doc, n);
  const yAxis = logAxis([...rows.flatMap((r) => [r.lo, r.hi]), doc.config.epsilon]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Greedy subnetwork loss vs pre-training iterations (n = ${n})`,
      subtitle: [
        'line: mean over seeds, band: min–max over seeds; dotted: target ε',
        tStar.length > 0
          ? 'dashed verticals: T*(m) of B3 (η as configured, mean over seeds)'
          : 'T*(m) of B3 lies outside the plotted range for every m',
      ],
    },
    width: WIDTH,
    height: HEIGHT,
    config: BASE_CONFIG,
    layer: [
      {
        data: { values: rows },
        layer: [
          {
            mark: { type: 'area', opacity: 0.18 },
            encoding: {
              x: { field: 't1', type: 'quantitative', scale: LOG_TIGHT, title: 't + 1 (GD iterations + 1, log scale)' },
              y: {
                field: 'lo',
                type: 'quantitative',
                scale: { type: 'log' },
                axis: yAxis,
                title: 'greedy loss L(f_S) = ‖f_S − y‖²/(2m)',
              },
              y2: { field: 'hi' },
              color: M_COLOR,
            },
          },
          {
            mark: { type: 'line', point: true },
            encoding: {
              x: { field: 't1', type: 'quantitative' },
              y: { field: 'mean', type: 'quantitative' },
              color: M_COLOR,
            },
          },
        ],
      },
      {
        data: { values: [{ epsilon: doc.config.epsilon, label: `ε = ${doc.config.epsilon}` }] },
        layer: [
          {
            mark: { type: 'rule', strokeDash: [2, 3], color: '#444' },
            encoding: { y: { field: 'epsilon', type: 'quantitative' } },
          },
          {
            mark: { type: 'text', align: 'left', dx: 4, dy: -6, x: 0, color: '#444' },
            encoding: { y: { field: 'epsilon', type: 'quantitative' }, text: { field: 'label' } },
          },
        ],
      },
      {
        data: { values: tStar },
        mark: { type: 'rule', strokeDash: [6, 4], strokeWidth: 1.5 },
        encoding: { x: { field: 't1', type: 'quantitative' }, color: M_COLOR },
      },
    ],
  } as TopLevelSpec;
}

// ---------------------------------------------------------------------------------------------
// b. Critical times vs m, with the fitted log and power curves

/** The scaling analysis the critical-times plot shows: t_crit at the largest n, else the first one. */
function primaryScaling(doc: ReportDocument): ReportDocument['scaling'][number] {
  const crit = doc.scaling.filter((s) => s.quantity.startsWith('t_crit(n='));
  return crit[crit.length - 1] ?? doc.scaling[0];
}

/** Log–log and semi-log panels with intervals, censored runs and the fitted laws (src/report/scaling/plot.ts). */
function criticalTimesSpec(doc: ReportDocument): TopLevelSpec {
  return scalingPlotSpec(primaryScaling(doc));
}

// ---------------------------------------------------------------------------------------------
// c. Dense residual R(t)/R(0) against B1's (1 − ηλ0/2)^t

const MEASURED_LABEL = 'measured R(t)/R(0)';
const B1_LABEL = 'B1: (1 − ηλ0/2)^t';

function residualRows(run: RunResult): Row[] {
  const r0 = run.residualCurve[0];
  if (!positive(r0)) return [];
  return thinnedIndices(run.residualCurve.length, MAX_CURVE_POINTS)
    .map((t) => ({ m: run.m, seed: run.seed, t, curve: MEASURED_LABEL, ratio: run.residualCurve[t] / r0 }))
    .filter((row) => positive(row.ratio));
}

/** B1's factor, or null when λ0 is unknown or ηλ0/2 ∉ (0, 1) (no geometric line to draw). */
function b1Factor(run: RunResult): number | null {
  if (run.lambda0 === null) return null;
  const factor = 1 - (run.etaEffective * run.lambda0) / 2;
  return factor > 0 && factor < 1 ? factor : null;
}

function b1Rows(run: RunResult, floor: number): Row[] {
  const factor = b1Factor(run);
  if (factor === null) return [];
  return thinnedIndices(run.residualCurve.length, MAX_CURVE_POINTS)
    .map((t) => ({ m: run.m, seed: run.seed, t, curve: B1_LABEL, ratio: factor ** t }))
    .filter((row) => row.ratio >= floor);
}

function denseResidualSpec(doc: ReportDocument): TopLevelSpec {
  const measured = doc.runs.flatMap(residualRows);
  // Keep B1 within two decades below the measured curves so it does not flatten them.
  const floor = Math.min(...measured.map((r) => r.ratio as number)) / 100;
  const bound = doc.runs.flatMap((r) => b1Rows(r, floor));
  const missing = doc.runs.filter((r) => b1Factor(r) === null).length;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Dense residual R(t)/R(0) against the B1 contraction (1 − ηλ0/2)^t',
      subtitle: [
        'one line per seed; B1 uses each run’s η and λ0 (a straight line on this log axis)',
        ...(missing > 0
          ? [`no B1 line for ${missing} run(s): λ0 not computed (m > maxKernelM) or ηλ0/2 ∉ (0, 1)`]
          : []),
      ],
    },
    width: WIDTH,
    height: HEIGHT,
    config: BASE_CONFIG,
    data: { values: [...measured, ...bound] },
    mark: { type: 'line', strokeWidth: 1.5 },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 't (GD iterations)' },
      y: {
        field: 'ratio',
        type: 'quantitative',
        scale: { type: 'log' },
        axis: logAxis([...measured, ...bound].map((r) => r.ratio)),
        title: 'R(t)/R(0)  (log scale)',
      },
      color: M_COLOR,
      strokeDash: {
        field: 'curve',
        type: 'nominal',
        title: 'curve',
        scale: {
          domain: [MEASURED_LABEL, B1_LABEL],
          range: [
            [1, 0],
            [6, 4],
          ],
        },
        legend: STROKE_LEGEND,
      },
      detail: { field: 'seed', type: 'nominal' },
    },
  } as TopLevelSpec;
}

// ---------------------------------------------------------------------------------------------
// d. Pruner comparison at the last checkpoint

function prunerRows(doc: ReportDocument): Row[] {
  const rows: Row[] = [];
  for (const { m, runs } of runsByM(doc)) {
    const sizes = [
      ...new Set(runs.flatMap((r) => lastCheckpoint(r).pruners.flatMap((p) => p.subnetworks.map((s) => s.n)))),
    ];
    for (const pruner of prunerNames(doc)) {
      for (const n of sizes.sort((a, b) => a - b)) {
        const losses = present(runs.map((r) => subnetworkAt(lastCheckpoint(r), pruner, n)?.loss));
        const mu = mean(losses);
        const sd = sampleStd(losses);
        if (mu === null || sd === null) continue;
        rows.push({ m, pruner, n, mean: mu, lo: mu - sd, hi: mu + sd, seeds: losses.length });
      }
    }
  }
  return rows;
}

/** Log-scale domain covering every mean and upper bar; lower bars that reach ≤ 0 stop at its floor. */
function clampToLogDomain(rows: Row[]): { rows: Row[]; domain: [number, number] } {
  const values = rows.flatMap((r) => [r.mean, r.lo, r.hi]).filter(positive);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return {
    rows: rows.filter((r) => positive(r.mean)).map((r) => ({ ...r, lo: positive(r.lo) ? r.lo : lo })),
    domain: [lo, hi],
  };
}

function prunerComparisonSpec(doc: ReportDocument): TopLevelSpec {
  const { rows, domain } = clampToLogDomain(prunerRows(doc));
  const lastTs = [...new Set(doc.runs.map((r) => lastCheckpoint(r).t))].sort((a, b) => a - b);
  const sizes = [...new Set(rows.map((r) => r.n as number))].sort((p, q) => p - q);
  const x = {
    field: 'n',
    type: 'quantitative',
    scale: LOG_PADDED,
    axis: { values: sizes },
    title: 'n (subnetwork size, log scale)',
  };
  const color = {
    field: 'pruner',
    type: 'nominal',
    title: 'pruner',
    sort: prunerNames(doc),
    scale: { scheme: 'set1' },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Pruners compared at the last checkpoint (t = ${lastTs.join(', ')})`,
      subtitle: 'mean ± std over seeds of the training loss L(f_S); one panel per m',
    },
    data: { values: rows },
    columns: 3,
    facet: {
      field: 'm',
      type: 'ordinal',
      title: null,
      header: { labelExpr: "'m = ' + datum.value", labelFontSize: 12 },
    },
    spec: {
      width: FACET_WIDTH,
      height: FACET_HEIGHT,
      layer: [
        {
          mark: { type: 'rule', strokeWidth: 1.5 },
          encoding: {
            x,
            y: {
              field: 'lo',
              type: 'quantitative',
              scale: { type: 'log', domain },
              axis: logAxis(domain),
              title: 'L(f_S) at t = T (log scale)',
            },
            y2: { field: 'hi' },
            color,
          },
        },
        {
          mark: { type: 'line', point: true },
          encoding: { x, y: { field: 'mean', type: 'quantitative' }, color },
        },
      ],
    },
    config: BASE_CONFIG,
  } as TopLevelSpec;
}

// ---------------------------------------------------------------------------------------------
// e. Training accuracy vs t (classification data)

const DENSE_LABEL = 'dense network';
const greedyLabel = (n: number): string => `greedy subnetwork (n = ${n})`;

function accuracyRows(doc: ReportDocument, n: number): Row[] {
  return runsByM(doc).flatMap(({ m, runs }) =>
    checkpointTimes(runs).flatMap((t) => {
      const at = checkpointsAt(runs, t);
      const sub = mean(present(at.map((c) => subnetworkAt(c, subjectName(doc), n)?.accuracy)));
      const dense = mean(present(at.map((c) => c.denseAccuracy)));
      return [
        ...(sub !== null ? [{ m, t1: t + 1, network: greedyLabel(n), accuracy: sub }] : []),
        ...(dense !== null ? [{ m, t1: t + 1, network: DENSE_LABEL, accuracy: dense }] : []),
      ];
    }),
  );
}

function accuracySpec(doc: ReportDocument): TopLevelSpec {
  const n = largestSize(doc);
  const target = doc.config.targetAccuracy;
  const x = { field: 't1', type: 'quantitative', scale: LOG_TIGHT, title: 't + 1 (GD iterations + 1, log scale)' };
  const y = { field: 'accuracy', type: 'quantitative', scale: { domain: [0, 1] }, title: 'training accuracy' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Training accuracy vs pre-training iterations (greedy n = ${n} beside the dense network)`,
      subtitle: `mean over seeds${target !== null ? `; dotted: target accuracy ${target}` : ''}`,
    },
    width: WIDTH,
    height: HEIGHT,
    config: BASE_CONFIG,
    layer: [
      {
        data: { values: accuracyRows(doc, n) },
        layer: [
          {
            // Lines and points in separate layers: a point overlay would turn the dash legend into dots.
            mark: { type: 'line' },
            encoding: {
              x,
              y,
              color: M_COLOR,
              strokeDash: {
                field: 'network',
                type: 'nominal',
                title: 'network',
                scale: {
                  domain: [greedyLabel(n), DENSE_LABEL],
                  range: [
                    [1, 0],
                    [5, 3],
                  ],
                },
                legend: STROKE_LEGEND,
              },
            },
          },
          { mark: { type: 'point', filled: true }, encoding: { x, y, color: M_COLOR } },
        ],
      },
      {
        data: { values: target !== null ? [{ target }] : [] },
        mark: { type: 'rule', strokeDash: [2, 3], color: '#444' },
        encoding: { y: { field: 'target', type: 'quantitative' } },
      },
    ],
  } as TopLevelSpec;
}

// ---------------------------------------------------------------------------------------------

function hasGreedyLosses(doc: ReportDocument): boolean {
  const n = largestSize(doc);
  return doc.runs.some((r) => r.checkpoints.some((c) => positive(subnetworkAt(c, subjectName(doc), n)?.loss)));
}

/** Every plot the report can hold, in report order. */
export const PLOTS: readonly PlotDefinition[] = [
  {
    file: 'loss-vs-t.svg',
    title: 'Greedy subnetwork loss vs t per m, with T*(m) and ε',
    applies: hasGreedyLosses,
    spec: lossVsTSpec,
  },
  {
    file: 'critical-times.svg',
    title: 't_crit vs m (log–log and semi-log) with the fitted laws, intervals and censored runs',
    applies: (doc) => doc.scaling.length > 0,
    spec: criticalTimesSpec,
  },
  {
    file: 'dense-residual.svg',
    title: 'Dense residual R(t)/R(0) vs t against B1',
    applies: (doc) => doc.runs.some((r) => residualRows(r).length > 0),
    spec: denseResidualSpec,
  },
  {
    file: 'pruners.svg',
    title: 'Pruner comparison at the last checkpoint',
    applies: (doc) => prunerRows(doc).some((r) => positive(r.mean)),
    spec: prunerComparisonSpec,
  },
  {
    file: 'accuracy-vs-t.svg',
    title: 'Training accuracy vs t: greedy subnetwork beside the dense network',
    applies: (doc) => isClassification(doc) && accuracyRows(doc, largestSize(doc)).length > 0,
    spec: accuracySpec,
  },
];

/** The plots this document has data for. */
export function applicablePlots(doc: ReportDocument): PlotDefinition[] {
  return PLOTS.filter((p) => p.applies(doc));
}

function plotNamed(file: string): PlotDefinition {
  const plot = PLOTS.find((p) => p.file === file);
  if (!plot) throw new Error(`plots: no plot named '${file}'`);
  return plot;
}

export const plotLossVsT = (doc: ReportDocument): Promise<string> => renderSvg(plotNamed('loss-vs-t.svg').spec(doc));
export const plotCriticalTimes = (doc: ReportDocument): Promise<string> =>
  renderSvg(plotNamed('critical-times.svg').spec(doc));
export const plotDenseResidual = (doc: ReportDocument): Promise<string> =>
  renderSvg(plotNamed('dense-residual.svg').spec(doc));
export const plotPrunerComparison = (doc: ReportDocument): Promise<string> =>
  renderSvg(plotNamed('pruners.svg').spec(doc));
export const plotAccuracyVsT = (doc: ReportDocument): Promise<string> =>
  renderSvg(plotNamed('accuracy-vs-t.svg').spec(doc));

/** Renders every applicable plot, in report order. */
export async function renderPlots(doc: ReportDocument): Promise<{ file: string; svg: string }[]> {
  const out: { file: string; svg: string }[] = [];
  for (const plot of applicablePlots(doc)) {
    try {
      out.push({ file: plot.file, svg: await renderSvg(plot.spec(doc)) });
    } catch (e) {
      throw new Error(`renderPlots: plot '${plot.file}' failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return out;
}
