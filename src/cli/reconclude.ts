/**
 * `pruneproof reconclude <report dir | report.json> --out DIR [--force]`: the analysis (check aggregation, scaling,
 * sensitivity, summary) re-run with this code on the runs the report stores (report.json holds every run), without
 * recomputing any. The new report keeps the runs, their config and the environment that computed them, and records
 * both commits: the one that computed the runs and the one that concluded them.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runId } from '../experiment/config';
import { checkConfig } from '../experiment/validate-config';
import { concludeExperiment } from '../experiment/verify';
import { assembleReport } from '../report/verify/assemble';
import { gitCommit } from '../report/environment';
import type { ReportDocument } from '../report/types';
import { writeReport } from '../report/write';
import { InputError } from './errors';
import { refuseOverwrite } from './sweep';
import { exitCodeOf, printSummary } from './verify';
import { withStoredRateChecks } from '../experiment/stored-checks';
import { subjectName } from '../report/verify/run-tables';

export interface ReconcludeFlags {
  out: string;
  force?: boolean;
  /** Exit 1 when a claim FAILs (as verify --strict). */
  strict?: boolean;
}

/** report.json itself, or the one inside a report directory. */
export function reportFile(path: string): string {
  if (!existsSync(path)) throw new InputError(`${path}: no such report directory or report.json`);
  const file = statSync(path).isDirectory() ? join(path, 'report.json') : path;
  if (!existsSync(file)) throw new InputError(`${path}: no report.json in this directory`);
  return file;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The stored report, checked for what re-concluding reads: its config, its runs and its environment. */
export function readStoredReport(file: string): ReportDocument {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`${file}: not a readable JSON report (${(e as Error).message})`);
  }
  if (!isRecord(value)) throw new InputError(`${file}: expected a report object`);
  if (!isRecord(value.config)) throw new InputError(`${file}: config: missing (not a pruneproof report)`);
  if (!Array.isArray(value.runs) || value.runs.length === 0) throw new InputError(`${file}: runs: no stored runs`);
  if (!isRecord(value.environment)) throw new InputError(`${file}: environment: missing`);
  if (typeof value.createdAt !== 'string') throw new InputError(`${file}: createdAt: missing`);
  const doc = value as unknown as ReportDocument;
  checkConfig(doc.config, `${file}: config`);
  return doc;
}

/**
 * The report the current analysis draws from `original`'s runs. Runs, config, command and environment are the
 * original's (they describe the computation of the runs); the time spent on the runs is kept, the analysis's own is
 * this one's.
 */
export function reconcludeDocument(original: ReportDocument, from: string): ReportDocument {
  const runSeconds = Math.max(0, original.wallSeconds - (original.analysisSeconds ?? 0));
  const subject = subjectName(original);
  const runs = original.runs.map((run) => withStoredRateChecks(run, original.config, subject));
  const result = concludeExperiment(original.config, runs, runSeconds);
  const doc = assembleReport(original.config, result, {
    environment: original.environment,
    command: original.command,
    rationale: original.configRationale,
  });
  return {
    ...doc,
    reconcluded: {
      runsCommit: original.reconcluded?.runsCommit ?? original.environment.commit,
      analysisCommit: gitCommit(),
      from,
      fromCreatedAt: original.reconcluded?.fromCreatedAt ?? original.createdAt,
    },
  };
}

export async function reconcludeCommand(path: string, flags: ReconcludeFlags): Promise<number> {
  const file = reportFile(path);
  const original = readStoredReport(file);
  await refuseOverwrite(flags.out, runId(original.config), flags.force);
  const doc = reconcludeDocument(original, resolve(file));
  const { dir } = await writeReport(doc, flags.out);
  process.stderr.write(`pruneproof reconclude: ${doc.runs.length} stored runs from ${file}\n`);
  printSummary(doc, dir, (s) => process.stdout.write(`${s}\n`));
  return exitCodeOf(doc, flags.strict, 'pruneproof reconclude');
}
