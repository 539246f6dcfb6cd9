/**
 * Reports assembled from whatever a run store holds, one per sweep found in it (runs grouped by every key
 * input except m, seed and data), so two stores, e.g. of two commits, can be compared report by report.
 */
import { canonicalJson, type ExperimentConfig } from '../experiment/config';
import type { RunResult } from '../experiment/types';
import { concludeExperiment } from '../experiment/verify';
import { assembleReport } from '../report/verify/assemble';
import type { Environment, ReportDocument } from '../report/types';
import type { RunKeyInputs } from './keys';
import type { RunStore, StoreEntry } from './run-store';

export interface StoredSweep {
  /** What the sweep's runs share (config, engine, backend, version, code, packages). */
  shared: Omit<RunKeyInputs, 'm' | 'seed' | 'data'>;
  report: ReportDocument;
}

function sharedInputs(inputs: RunKeyInputs): StoredSweep['shared'] {
  const { m: _m, seed: _seed, data: _data, ...shared } = inputs;
  return shared;
}

function sweepReport(shared: StoredSweep['shared'], entries: StoreEntry[], label: string): ReportDocument {
  const mGrid = [...new Set(entries.map((e) => e.inputs.m))].sort((a, b) => a - b);
  const seeds = [...new Set(entries.map((e) => e.inputs.seed))].sort((a, b) => a - b);
  const config: ExperimentConfig = { name: label, mGrid, seeds, ...shared.config };
  const byRun = new Map(entries.map((e) => [`${e.inputs.m}/${e.inputs.seed}`, e.run]));
  // Grid order (seed-major, m-minor), as verify assembles; a run absent from the store is simply absent.
  const runs = seeds
    .flatMap((seed) => mGrid.map((m) => byRun.get(`${m}/${seed}`)))
    .filter((r): r is RunResult => r !== undefined);
  const environment: Environment = {
    backend: shared.backend,
    backendDetail: `${shared.engine}/${shared.backend}`,
    node: 'unknown',
    platform: 'unknown',
    cpus: 0,
    packages: shared.packages,
    commit: null,
  };
  return assembleReport(config, concludeExperiment(config, runs, 0), {
    environment,
    command: `(assembled from run store ${label})`,
    rationale: [],
  });
}

export function storedSweeps(store: RunStore): StoredSweep[] {
  const groups = new Map<string, StoreEntry[]>();
  for (const entry of store.entries()) {
    const key = canonicalJson(sharedInputs(entry.inputs));
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  return [...groups.values()].map((entries) => {
    const shared = sharedInputs(entries[0].inputs);
    return { shared, report: sweepReport(shared, entries, store.dir) };
  });
}
