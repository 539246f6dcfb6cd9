/**
 * `pruneproof diff A B [--json]`: compares two reports (a report.json, its directory, or a reports folder
 * holding exactly one) or two run stores (each sweep in A paired with the sweep of the same config in B).
 * Exit 1 when a verdict changed, 0 otherwise, 2 on unreadable input.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { canonicalJson } from '../experiment/config';
import { diffReports, formatDiff, type ReportDiff } from '../report/diff';
import { validateReport } from '../report/schema';
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
    const sweeps = storedSweeps(new RunStore(full, (s) => process.stderr.write(`pruneproof diff: ${s}\n`)));
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
}

/** Sweeps of the same config are compared; with one sweep on each side, those two whatever their configs. */
function pairSweeps(a: StoredSweep[], b: StoredSweep[]): { pairs: Pairing[]; unpaired: string[] } {
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
      pairs.push({
        label: `${label} vs ${y.report.runs.length} runs (code ${y.shared.code}, backend ${y.shared.backend})`,
        diff: diffReports(x.report, y.report),
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
  return x.kind === 'report' && y.kind === 'report'
    ? {
        pairs: [{ label: `${x.report.runId} vs ${y.report.runId}`, diff: diffReports(x.report, y.report) }],
        unpaired: [],
      }
    : pairSweeps((x as Extract<Side, { kind: 'store' }>).sweeps, (y as Extract<Side, { kind: 'store' }>).sweeps);
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
    }
    for (const u of unpaired) out(`not compared: ${u}`);
  }
  return changed ? EXIT.failed : EXIT.ok;
}
