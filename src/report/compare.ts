/**
 * The comparison of several reports (`pruneproof compare`): verdicts side by side with the changes that `diff`
 * finds highlighted, a pruner leaderboard per n (loss and accuracy at T, mean and range over seeds), and the
 * critical times of every report against m in one plot. Pure: the same reports give the same blocks and JSON.
 */
import { lastCheckpoint, mean, present, runsByM, subnetworkAt } from './verify/run-tables';
import { code, data, heading, paragraph, strong, tableBlock, type Block, type Text } from './blocks';
import { verdictRows, type ReportDiff } from './diff';
import { fmt } from './format';
import type { ReportDocument } from './types';
import type { TopLevelSpec } from './vega';

/** One column of the comparison: a report and how the page names it. */
export interface ComparedReport {
  label: string;
  report: ReportDocument;
}

/** diff's result for two of the compared inputs (consecutive ones). */
export interface ComparedPair {
  label: string;
  diff: ReportDiff;
}

/** A value over seeds: mean and range (null when no seed measured it). */
export interface OverSeeds {
  mean: number;
  min: number;
  max: number;
  seeds: number;
}

/** One pruner of one report in a leaderboard: its loss and accuracy at T over seeds. */
export interface LeaderboardRow {
  report: string;
  pruner: string;
  /** The largest m of that report: the leaderboard compares the hardest case each report ran. */
  m: number;
  /** Iteration of the last checkpoint (T). */
  t: number;
  loss: OverSeeds | null;
  accuracy: OverSeeds | null;
}

/** The comparison as data: what compare.json holds and the page shows. */
export interface Comparison {
  reports: { label: string; runId: string; createdAt: string; commit: string | null }[];
  verdicts: { check: string; kind: string; verdicts: (string | null)[]; changed: boolean }[];
  /** diff of each input with the next one: the same logic as `pruneproof diff`. */
  pairs: ComparedPair[];
  unpaired: string[];
  /** True when diff found a verdict change in some pair (compare then exits 1, like diff). */
  verdictChanged: boolean;
  leaderboard: { n: number; rows: LeaderboardRow[] }[];
}

function overSeeds(values: readonly (number | null | undefined)[]): OverSeeds | null {
  const xs = present(values).filter(Number.isFinite);
  const m = mean(xs);
  return m === null ? null : { mean: m, min: Math.min(...xs), max: Math.max(...xs), seeds: xs.length };
}

function verdictTable(columns: readonly ComparedReport[], pairs: readonly ComparedPair[]): Comparison['verdicts'] {
  const rows = columns.map((c) => new Map(verdictRows(c.report).map((r) => [r.check, r])));
  const changed = new Set(pairs.flatMap((p) => p.diff.verdictChanges.map((v) => v.check)));
  const checks = [...new Set(rows.flatMap((r) => [...r.keys()]))];
  return checks.map((check) => ({
    check,
    kind: rows.map((r) => r.get(check)?.kind).find((k) => k !== undefined) ?? '',
    verdicts: rows.map((r) => r.get(check)?.verdict ?? null),
    changed: changed.has(check),
  }));
}

function leaderboard(columns: readonly ComparedReport[]): Comparison['leaderboard'] {
  const sizes = [...new Set(columns.flatMap((c) => c.report.config.subnetworkSizes))].sort((a, b) => a - b);
  return sizes.map((n) => {
    const rows: LeaderboardRow[] = [];
    for (const { label, report } of columns) {
      const groups = runsByM(report);
      const largest = groups[groups.length - 1];
      if (!largest) continue;
      const lasts = largest.runs.map(lastCheckpoint);
      for (const pruner of report.config.pruners) {
        const at = lasts.map((c) => subnetworkAt(c, pruner, n));
        if (at.every((s) => s === undefined)) continue;
        rows.push({
          report: label,
          pruner,
          m: largest.m,
          t: Math.max(...lasts.map((c) => c.t)),
          loss: overSeeds(at.map((s) => s?.loss)),
          accuracy: overSeeds(at.map((s) => s?.accuracy)),
        });
      }
    }
    const key = (r: LeaderboardRow) => r.loss?.mean ?? Infinity;
    rows.sort((a, b) => key(a) - key(b) || (a.report < b.report ? -1 : a.report > b.report ? 1 : 0));
    return { n, rows };
  });
}

/** The comparison of `columns`, given diff's result for each consecutive pair of inputs. */
export function compareReports(
  columns: readonly ComparedReport[],
  pairs: readonly ComparedPair[],
  unpaired: readonly string[],
): Comparison {
  return {
    reports: columns.map(({ label, report }) => ({
      label,
      runId: report.runId,
      createdAt: report.createdAt,
      commit: report.environment.commit,
    })),
    verdicts: verdictTable(columns, pairs),
    pairs: [...pairs],
    unpaired: [...unpaired],
    verdictChanged: pairs.some((p) => p.diff.verdictChanges.length > 0),
    leaderboard: leaderboard(columns),
  };
}

// ---------------------------------------------------------------------------------------------
// The page's blocks.

/** The file of the overlaid critical-times plot in the comparison folder. */
export const COMPARE_PLOT = 'critical-times.svg';

const cellOverSeeds = (v: OverSeeds | null): string =>
  v === null ? '—' : v.seeds > 1 ? `${fmt(v.mean)} [${fmt(v.min)}, ${fmt(v.max)}]` : fmt(v.mean);

function verdictBlocks(c: Comparison): Block[] {
  const header: Text[] = ['check', 'kind', ...c.reports.map((r) => data(r.label)), 'changed'];
  const rows = c.verdicts.map((v): Text[] => [
    data(v.check),
    v.kind,
    ...v.verdicts.map((x): Text => (x === null ? '(absent)' : { verdict: x })),
    v.changed ? strong('changed') : '',
  ]);
  const changes = c.verdicts.filter((v) => v.changed).length;
  return [
    heading(2, 'Verdicts side by side', 'verdicts'),
    paragraph([
      `${changes} of ${c.verdicts.length} verdicts changed between consecutive reports (the same comparison as `,
      code('pruneproof diff'),
      ': a check absent on one side counts as changed).',
    ]),
    { kind: 'table', header, rows, highlight: c.verdicts.map((v) => v.changed) },
  ];
}

function diffBlocks(c: Comparison): Block[] {
  const blocks: Block[] = [heading(2, 'What diff reports', 'diff')];
  for (const p of c.pairs) {
    const d = p.diff;
    blocks.push(
      heading(3, data(p.label)),
      paragraph(
        `${d.verdictChanges.length} verdicts changed (${d.unchangedChecks} unchanged); ` +
          `${d.fitMoves.length} scaling-fit parameters beyond the other report's 95 % interval; ` +
          `${d.criticalMoves.length} critical times whose range over seeds moved.`,
      ),
    );
    if (d.criticalMoves.length > 0) {
      const range = (r: (typeof d.criticalMoves)[number]['before']) =>
        `${r.range === null ? 'never' : r.range[0] === r.range[1] ? `${r.range[0]}` : `${r.range[0]}–${r.range[1]}`}` +
        `${r.unreached ? ` (${r.unreached} unreached)` : ''}`;
      blocks.push({
        kind: 'details',
        summary: `Critical times whose range over seeds moved: ${d.criticalMoves.length}`,
        blocks: [
          tableBlock(
            ['quantity', 'm', 'before', 'after'],
            d.criticalMoves.map((m): Text[] => [data(m.quantity), String(m.m), range(m.before), range(m.after)]),
          ),
        ],
      });
    }
  }
  for (const u of c.unpaired) blocks.push(paragraph(['Not compared: ', data(u)]));
  if (c.pairs.length === 0 && c.unpaired.length === 0) blocks.push(paragraph('Only one report: nothing to diff.'));
  return blocks;
}

function leaderboardBlocks(c: Comparison): Block[] {
  const blocks: Block[] = [
    heading(2, 'Pruner leaderboard', 'leaderboard'),
    paragraph(
      'Training loss L(f_S) and accuracy at the last checkpoint t = T, at the largest m of each report: mean over ' +
        'seeds, with [min, max] over seeds. Sorted by mean loss, lowest first.',
    ),
  ];
  for (const { n, rows } of c.leaderboard) {
    blocks.push(
      heading(3, `n = ${n}`, `leaderboard-n-${n}`),
      rows.length === 0
        ? paragraph('No report measured this size.')
        : tableBlock(
            ['rank', 'pruner', 'report', 'm', 'T', 'loss at T', 'accuracy at T', 'seeds'],
            rows.map((r, i): Text[] => [
              String(i + 1),
              data(r.pruner),
              data(r.report),
              String(r.m),
              String(r.t),
              cellOverSeeds(r.loss),
              cellOverSeeds(r.accuracy),
              String(r.loss?.seeds ?? 0),
            ]),
          ),
    );
  }
  return blocks;
}

/** The comparison page as blocks. */
export function comparisonBlocks(c: Comparison, plotDrawn: boolean): Block[] {
  return [
    heading(1, 'pruneproof comparison'),
    {
      kind: 'headline',
      verdict: c.verdictChanged ? 'verdicts changed' : 'no verdict changed',
      text: [
        `${c.reports.length} reports: `,
        ...c.reports.flatMap((r, i): Text[] => [i ? ', ' : '', data(r.label), ' (', code(r.runId), ')']),
        '.',
      ],
      blocks: [],
    },
    ...verdictBlocks(c),
    ...diffBlocks(c),
    ...leaderboardBlocks(c),
    heading(2, 'Critical times against m', 'critical-times'),
    plotDrawn
      ? { kind: 'image', file: COMPARE_PLOT, title: 'Critical times t_crit against m, every report overlaid' }
      : paragraph('No report has a critical time to plot.'),
  ];
}

// ---------------------------------------------------------------------------------------------
// The overlaid plot.

/** Points of t_crit against m: one per (report, n, m, seed) whose time was reached. */
export function criticalTimePoints(columns: readonly ComparedReport[]): Record<string, string | number>[] {
  const points: Record<string, string | number>[] = [];
  for (const { label, report } of columns) {
    for (const group of runsByM(report)) {
      for (const run of group.runs) {
        for (const c of run.critical.tCrit) {
          if (c.t === null || c.t <= 0) continue;
          points.push({ series: `${label} · n = ${c.n}`, m: run.m, seed: run.seed, t: c.t });
        }
      }
    }
  }
  return points;
}

/** The Vega-Lite spec of the overlaid plot (null when no report reached a critical time). */
export function criticalTimesSpec(columns: readonly ComparedReport[]): TopLevelSpec | null {
  const values = criticalTimePoints(columns);
  if (values.length === 0) return null;
  const x = {
    field: 'm',
    type: 'quantitative' as const,
    scale: { type: 'log' as const },
    title: 'm (samples, log scale)',
  };
  const y = { field: 't', type: 'quantitative' as const, scale: { type: 'log' as const }, title: 't_crit (log scale)' };
  const color = {
    field: 'series',
    type: 'nominal' as const,
    title: 'report · subnetwork size',
    legend: { labelLimit: 400 },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 560,
    height: 340,
    title: { text: 't_crit against m', subtitle: 'points: seeds; lines: mean over seeds; censored runs not drawn' },
    data: { values },
    layer: [
      { mark: { type: 'point', opacity: 0.6 }, encoding: { x, y, color } },
      { mark: { type: 'line', point: true }, encoding: { x, y: { ...y, aggregate: 'mean' }, color } },
    ],
    config: { axis: { grid: true } },
  } as TopLevelSpec;
}
