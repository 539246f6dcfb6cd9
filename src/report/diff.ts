/**
 * What changed between two reports (e.g. of two commits): verdicts per check (and per sensitivity target),
 * scaling-fit parameters that left the other report's 95% interval, and critical times whose range over seeds
 * moved at some m.
 * Pure: both reports in, a description of their differences out.
 */
import { formatNumber } from '../../theory';
import { logBoundCheck } from './verify/assemble';
import type { ScalingResult } from '../experiment/types';
import type { ReportDocument } from './types';

export interface VerdictChange {
  check: string;
  kind: string;
  /** null: the check is absent from that report. */
  before: string | null;
  after: string | null;
}

export interface FitMove {
  quantity: string;
  model: ScalingResult['fits'][number]['model'];
  param: string;
  before: number;
  after: number;
  beforeInterval: [number, number] | null;
  afterInterval: [number, number] | null;
}

/** The critical times of one quantity at one m, over the seeds. */
export interface CriticalRange {
  /** [min, max] over the seeds where the time was reached; null when none reached it. */
  range: [number, number] | null;
  reached: number;
  unreached: number;
}

export interface CriticalMove {
  quantity: string;
  m: number;
  before: CriticalRange;
  after: CriticalRange;
}

export interface ReportDiff {
  verdictChanges: VerdictChange[];
  fitMoves: FitMove[];
  criticalMoves: CriticalMove[];
  /** Checks present in both with the same verdict. */
  unchangedChecks: number;
}

/** The sensitivity table's analyses at alternative targets (the design's own target is in `scaling` already). */
function alternativeAnalyses(doc: ReportDocument): ScalingResult[] {
  return (doc.sensitivity ?? []).filter((row) => !row.preregistered).map((row) => row.analysis);
}

/** The scaling analyses of a report: the main ones and the sensitivity table's alternative targets. */
function analysesOf(doc: ReportDocument): ScalingResult[] {
  return [...doc.scaling, ...alternativeAnalyses(doc)];
}

/**
 * The summary's verdicts (for a critical time: the one-sided verdict on O(log m)), each critical time's four-law
 * description, and both for every alternative target of the sensitivity table.
 */
export function verdictRows(doc: ReportDocument): { check: string; kind: string; verdict: string }[] {
  const descriptions = (prefix: string, analyses: ScalingResult[]) =>
    analyses.map((a) => ({
      check: `${prefix}four-law description of ${a.quantity}`,
      kind: 'scaling',
      verdict: a.verdict,
    }));
  const alternatives = alternativeAnalyses(doc);
  const bounds = alternatives.map((a) => ({
    check: `sensitivity: ${logBoundCheck(a.quantity)}`,
    kind: 'scaling',
    verdict: a.logBound.verdict,
  }));
  return [...doc.summary, ...descriptions('', doc.scaling), ...bounds, ...descriptions('sensitivity: ', alternatives)];
}

function verdictChanges(a: ReportDocument, b: ReportDocument): { changes: VerdictChange[]; unchanged: number } {
  const before = new Map(verdictRows(a).map((r) => [r.check, r]));
  const after = new Map(verdictRows(b).map((r) => [r.check, r]));
  const changes: VerdictChange[] = [];
  let unchanged = 0;
  for (const check of [...new Set([...before.keys(), ...after.keys()])]) {
    const x = before.get(check);
    const y = after.get(check);
    if (x && y && x.verdict === y.verdict) unchanged++;
    else changes.push({ check, kind: (x ?? y)!.kind, before: x?.verdict ?? null, after: y?.verdict ?? null });
  }
  return { changes, unchanged };
}

const outside = (v: number, interval: [number, number] | undefined): boolean =>
  interval !== undefined && (v < interval[0] || v > interval[1]);

/** A parameter moved when either estimate lies outside the other report's bootstrap interval. */
function fitMoves(a: ScalingResult[], b: ScalingResult[]): FitMove[] {
  const moves: FitMove[] = [];
  for (const sa of a) {
    const sb = b.find((s) => s.quantity === sa.quantity);
    for (const fa of sa.fits) {
      const fb = sb?.fits.find((f) => f.model === fa.model);
      if (!fb) continue;
      for (const param of Object.keys(fa.params)) {
        const [x, y] = [fa.params[param], fb.params[param]];
        if (y === undefined) continue;
        if (outside(y, fa.intervals[param]) || outside(x, fb.intervals[param])) {
          moves.push({
            quantity: sa.quantity,
            model: fa.model,
            param,
            before: x,
            after: y,
            beforeInterval: fa.intervals[param] ?? null,
            afterInterval: fb.intervals[param] ?? null,
          });
        }
      }
    }
  }
  return moves;
}

function criticalRange(s: ScalingResult | undefined, m: number): CriticalRange {
  const atM = (s?.observations ?? []).filter((o) => o.m === m);
  const known = atM.filter((o) => o.hi !== null);
  // An interval-known time spans [lo, hi]: the range over seeds is [min lo, max hi].
  const ts = [...known.map((o) => o.lo ?? (o.hi as number)), ...known.map((o) => o.hi as number)];
  const unreached = atM.length - known.length;
  return { range: ts.length ? [Math.min(...ts), Math.max(...ts)] : null, reached: known.length, unreached };
}

/** Moved: reached at some m on one side only, or the ranges over seeds do not overlap. */
function criticalMoves(a: ScalingResult[], b: ScalingResult[]): CriticalMove[] {
  const moves: CriticalMove[] = [];
  for (const sa of a) {
    const sb = b.find((s) => s.quantity === sa.quantity);
    if (!sb) continue;
    const ms = [...new Set([...sa.observations, ...sb.observations].map((p) => p.m))].sort((x, y) => x - y);
    for (const m of ms) {
      const before = criticalRange(sa, m);
      const after = criticalRange(sb, m);
      const [x, y] = [before.range, after.range];
      const moved = (x === null) !== (y === null) || (x !== null && y !== null && (x[1] < y[0] || y[1] < x[0]));
      if (moved) moves.push({ quantity: sa.quantity, m, before, after });
    }
  }
  return moves;
}

export function diffReports(a: ReportDocument, b: ReportDocument): ReportDiff {
  const { changes, unchanged } = verdictChanges(a, b);
  return {
    verdictChanges: changes,
    fitMoves: fitMoves(analysesOf(a), analysesOf(b)),
    criticalMoves: criticalMoves(analysesOf(a), analysesOf(b)),
    unchangedChecks: unchanged,
  };
}

const interval = (i: [number, number] | null): string =>
  i ? `[${formatNumber(i[0])}, ${formatNumber(i[1])}]` : '(no interval)';
function range(r: CriticalRange): string {
  const [low, high] = r.range ?? [null, null];
  const span = low === null ? 'never' : low === high ? `${low}` : `${low}–${high}`;
  return r.unreached ? `${span} (${r.unreached} unreached)` : span;
}

/** The differences as text lines, for the terminal. */
export function formatDiff(diff: ReportDiff): string[] {
  const lines: string[] = [];
  lines.push(`verdicts changed: ${diff.verdictChanges.length} (${diff.unchangedChecks} checks unchanged)`);
  for (const c of diff.verdictChanges)
    lines.push(`  ${c.kind.padEnd(9)} ${c.check}: ${c.before ?? '(absent)'} → ${c.after ?? '(absent)'}`);
  lines.push(`scaling-fit parameters beyond the other report's 95% interval: ${diff.fitMoves.length}`);
  for (const f of diff.fitMoves) {
    lines.push(
      `  ${f.quantity} ${f.model} ${f.param}: ` +
        `${formatNumber(f.before)} ${interval(f.beforeInterval)} → ${formatNumber(f.after)} ${interval(f.afterInterval)}`,
    );
  }
  lines.push(`critical times whose range over seeds moved: ${diff.criticalMoves.length}`);
  for (const c of diff.criticalMoves)
    lines.push(`  ${c.quantity} at m = ${c.m}: ${range(c.before)} → ${range(c.after)}`);
  return lines;
}
