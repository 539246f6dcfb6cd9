/**
 * `pruneproof diff A B [--json]`: compares two reports (a report.json, its directory, or a reports folder
 * holding exactly one) or two run stores (each sweep in A paired with the sweep of the same config in B).
 * Exit 1 when a verdict changed, 0 otherwise, 2 on unreadable input.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { canonicalJson } from '../experiment/config';
import { diffReports, formatDiff, type ReportDiff } from '../report/diff';
import { validateReport, VOLATILE_FIELDS, withoutVolatile } from '../report/verify/schema';
import { differences } from '../store/differences';
import type { ReportDocument } from '../report/types';
import { looksLikeStore, RunStore } from '../store/run-store';
import { storedSweeps, type StoredSweep } from '../store/reports';
import { EXIT, InputError } from './errors';

export interface DiffFlags {
  json?: boolean;
}

function readReport(file: string): ReportDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`diff: cannot read ${file} as JSON (${(e as Error).message})`);
  }
  const { valid, errors } = validateReport(doc);
  if (!valid) throw new InputError(`diff: ${file} is not a pruneproof report (${errors.slice(0, 3).join('; ')})`);
  return doc as ReportDocument;
}

/** One side of a comparison: a report, or a run store's sweeps. */
export type Side =
  { kind: 'report'; path: string; report: ReportDocument } | { kind: 'store'; path: string; sweeps: StoredSweep[] };

/** Loads a report.json, a report directory, a reports folder holding exactly one report, or a run store. */
export function load(path: string): Side {
  const full = resolve(path);
  if (!existsSync(full)) throw new InputError(`diff: ${path} does not exist`);
  if (!statSync(full).isDirectory()) return { kind: 'report', path, report: readReport(full) };
  if (existsSync(join(full, 'report.json')))
    return { kind: 'report', path, report: readReport(join(full, 'report.json')) };
  if (looksLikeStore(full)) {
    const problems: string[] = [];
    const sweeps = storedSweeps(new RunStore(full, (s) => problems.push(s)));
    // A comparison over a store with a corrupt run would compare different grids: refuse, naming the file.
    if (problems.length)
      throw new InputError(
        `diff: the run store ${path} holds ${problems.length} untrustworthy file(s); recompute them (verify with the same flags and --store ${path}) or remove them:\n${problems.map((p) => `  ${p}`).join('\n')}`,
      );
    if (sweeps.length === 0) throw new InputError(`diff: the run store ${path} holds no trustworthy run`);
    return { kind: 'store', path, sweeps };
  }
  const reports = readdirSync(full).filter((n) => existsSync(join(full, n, 'report.json')));
  if (reports.length === 1) return { kind: 'report', path, report: readReport(join(full, reports[0], 'report.json')) };
  throw new InputError(`diff: ${path} is neither a report (report.json or a folder with one report) nor a run store`);
}

/** Two reports compared: which (label) and what changed. */
export interface Pairing {
  label: string;
  diff: ReportDiff;
  /** Fields that differ outside the schema's volatile ones (timings, invocation); empty: the same numbers. */
  otherFields: string[];
}

/** The non-volatile fields in which two reports differ (report-schema marks: VOLATILE_FIELDS). */
function otherDifferences(x: ReportDocument, y: ReportDocument): string[] {
  return differences(withoutVolatile({ ...x, runId: '' }), withoutVolatile({ ...y, runId: '' })).map(
    (d) => d.split(':')[0],
  );
}

const runsOf = (sweep: StoredSweep) => new Set(sweep.report.runs.map((r) => `m = ${r.m}, seed = ${r.seed}`));

/** Two paired sweeps must hold the same runs: a run missing on one side is named (exit 2), not compared around. */
function requireSameRuns(x: StoredSweep, y: StoredSweep, a: string, b: string): void {
  const [inX, inY] = [runsOf(x), runsOf(y)];
  const lines = [
    ...[...inX].filter((r) => !inY.has(r)).map((r) => `  ${r}: in ${a}, missing from ${b}`),
    ...[...inY].filter((r) => !inX.has(r)).map((r) => `  ${r}: in ${b}, missing from ${a}`),
  ];
  if (lines.length)
    throw new InputError(
      `diff: the paired sweeps do not hold the same runs; store the missing ones first:\n${lines.join('\n')}`,
    );
}

/** Sweeps of the same config are compared; with one sweep on each side, those two whatever their configs. */
function pairSweeps(
  a: StoredSweep[],
  b: StoredSweep[],
  names: [string, string],
): { pairs: Pairing[]; unpaired: string[] } {
  const pairs: Pairing[] = [];
  const unpaired: string[] = [];
  const used = new Set<StoredSweep>();
  for (const x of a) {
    const y =
      b.find((s) => !used.has(s) && canonicalJson(s.shared.config) === canonicalJson(x.shared.config)) ??
      (a.length === 1 && b.length === 1 ? b[0] : undefined);
    const label = `sweep of ${x.report.runs.length} runs (code ${x.shared.code}, backend ${x.shared.backend})`;
    if (!y) unpaired.push(`${label}: no sweep of the same config in B`);
    else {
      used.add(y);
      requireSameRuns(x, y, ...names);
      pairs.push({
        label: `${label} vs ${y.report.runs.length} runs (code ${y.shared.code}, backend ${y.shared.backend})`,
        diff: diffReports(x.report, y.report),
        otherFields: otherDifferences(x.report, y.report),
      });
    }
  }
  for (const y of b)
    if (!used.has(y))
      unpaired.push(
        `sweep of ${y.report.runs.length} runs in B (code ${y.shared.code}): no sweep of the same config in A`,
      );
  return { pairs, unpaired };
}

/** What diff compares between two sides: the two reports, or each sweep of A with the sweep of its config in B. */
export function pairSides(x: Side, y: Side): { pairs: Pairing[]; unpaired: string[] } {
  if (x.kind !== y.kind)
    throw new InputError(
      `${x.path} is a ${x.kind} but ${y.path} is a ${y.kind}; compare two reports or two run stores`,
    );
  if (x.kind === 'report' && y.kind === 'report') {
    const pair = {
      label: `${x.report.runId} vs ${y.report.runId}`,
      diff: diffReports(x.report, y.report),
      otherFields: otherDifferences(x.report, y.report),
    };
    return { pairs: [pair], unpaired: [] };
  }
  return pairSweeps((x as Extract<Side, { kind: 'store' }>).sweeps, (y as Extract<Side, { kind: 'store' }>).sweeps, [
    x.path,
    y.path,
  ]);
}

const VOLATILE_NAMES = [...new Set(VOLATILE_FIELDS.map((f) => f.path[f.path.length - 1]))].join(', ');

function numbersLine(fields: string[]): string {
  if (fields.length === 0) return `every other field is equal (volatile fields ignored: ${VOLATILE_NAMES})`;
  const shown = fields.slice(0, 8).join(', ');
  return `${fields.length} other field(s) differ, e.g. ${shown} (volatile fields ignored: ${VOLATILE_NAMES})`;
}

export async function diffCommand(a: string, b: string, flags: DiffFlags): Promise<number> {
  const [x, y] = [load(a), load(b)];
  if (x.kind !== y.kind)
    throw new InputError(`diff: ${a} is a ${x.kind} but ${b} is a ${y.kind}; compare two reports or two run stores`);
  const { pairs, unpaired } = pairSides(x, y);
  const changed = pairs.some((p) => p.diff.verdictChanges.length > 0);
  if (flags.json) {
    process.stdout.write(
      `${JSON.stringify({ a, b, verdictChanged: changed, comparisons: pairs, unpaired }, null, 2)}\n`,
    );
  } else {
    const out = (s: string) => process.stdout.write(`${s}\n`);
    out(`pruneproof diff ${a} → ${b}`);
    for (const p of pairs) {
      out(`${p.label}:`);
      for (const line of formatDiff(p.diff)) out(`  ${line}`);
      out(`  ${numbersLine(p.otherFields)}`);
    }
    for (const u of unpaired) out(`not compared: ${u}`);
  }
  return changed ? EXIT.failed : EXIT.ok;
}
