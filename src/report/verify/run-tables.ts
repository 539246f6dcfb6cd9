/** Grouping and averaging over seeds, shared by the plots and the markdown tables. */
import type { CheckpointMeasurement, RunResult, SubnetworkMeasurement } from '../../experiment/types';
import { data, strong, type Text } from '../blocks';
import type { ReportDocument } from '../types';
import { subjectOf } from '../../experiment/subject';
import { isBuiltinPruner } from '../../pruning';

/**
 * The subject's name in the measurements: the configured subject when it is built in, else the measured pruner the
 * config does not list (the name a module's Pruner gives itself).
 */
export function subjectName(doc: ReportDocument): string {
  const configured = subjectOf(doc.config);
  if (isBuiltinPruner(configured)) return configured;
  return prunerNames(doc).find((name) => !doc.config.pruners.includes(name)) ?? configured;
}

/** "Subject: greedy (…); comparison: random, magnitude", as report text (names and paths are data). */
export function subjectLine(doc: ReportDocument): Text {
  const subject = subjectName(doc);
  const others = prunerNames(doc).filter((name) => name !== subject);
  const from: Text = isBuiltinPruner(subjectOf(doc.config)) ? '' : [' from ', data(subjectOf(doc.config))];
  return [
    'Subject: ',
    strong(data(subject)),
    from,
    ' (every pruner-facing check and t_crit speak about it)',
    others.length ? ['; comparison: ', data(others.join(', '))] : '',
    '.',
  ];
}

export interface RunGroup {
  m: number;
  /** Runs of this m, sorted by seed. */
  runs: RunResult[];
}

export function runsByM(doc: ReportDocument): RunGroup[] {
  const groups = new Map<number, RunResult[]>();
  for (const run of doc.runs) groups.set(run.m, [...(groups.get(run.m) ?? []), run]);
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([m, runs]) => ({ m, runs: [...runs].sort((a, b) => a.seed - b.seed) }));
}

export function mean(xs: readonly number[]): number | null {
  return xs.length === 0 ? null : xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** Sample standard deviation (n − 1); 0 for a single value. */
export function sampleStd(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  if (xs.length === 1) return 0;
  const mu = xs.reduce((s, x) => s + x, 0) / xs.length;
  return Math.sqrt(xs.reduce((s, x) => s + (x - mu) ** 2, 0) / (xs.length - 1));
}

export function present<T>(xs: readonly (T | null | undefined)[]): T[] {
  return xs.filter((x): x is T => x !== null && x !== undefined);
}

/** Subnetwork sizes measured anywhere in the document, ascending. */
export function measuredSizes(doc: ReportDocument): number[] {
  const sizes = new Set<number>(doc.config.subnetworkSizes);
  for (const run of doc.runs) {
    for (const c of run.checkpoints) for (const p of c.pruners) for (const s of p.subnetworks) sizes.add(s.n);
  }
  return [...sizes].sort((a, b) => a - b);
}

export function largestSize(doc: ReportDocument): number {
  const sizes = measuredSizes(doc);
  return sizes[sizes.length - 1];
}

/** Pruner names in config order, then any measured pruner the config does not list. */
export function prunerNames(doc: ReportDocument): string[] {
  const names = [...doc.config.pruners];
  for (const run of doc.runs) {
    for (const c of run.checkpoints) for (const p of c.pruners) if (!names.includes(p.pruner)) names.push(p.pruner);
  }
  return names;
}

export function subnetworkAt(c: CheckpointMeasurement, pruner: string, n: number): SubnetworkMeasurement | undefined {
  return c.pruners.find((p) => p.pruner === pruner)?.subnetworks.find((s) => s.n === n);
}

/** Checkpoint times of a group of runs (union, ascending). */
export function checkpointTimes(runs: readonly RunResult[]): number[] {
  return [...new Set(runs.flatMap((r) => r.checkpoints.map((c) => c.t)))].sort((a, b) => a - b);
}

/** The checkpoint at time t of each run that has one. */
export function checkpointsAt(runs: readonly RunResult[], t: number): CheckpointMeasurement[] {
  return present(runs.map((r) => r.checkpoints.find((c) => c.t === t)));
}

export function lastCheckpoint(run: RunResult): CheckpointMeasurement {
  return run.checkpoints[run.checkpoints.length - 1];
}

export function isClassification(doc: ReportDocument): boolean {
  return doc.runs.some((r) => r.checkpoints.some((c) => c.denseAccuracy !== null));
}
