/**
 * `pruneproof merge DIR`: the report of a sharded sweep. With no config flags it merges the one sweep the
 * store's manifests record (or lists the sweeps and the settings in which they differ); with flags, the sweep
 * they name. Checks that the store holds every run of the config (naming each missing (m, seed) and, for a
 * run stored under other key inputs, only the inputs that differ; exit 2), then assembles the report exactly
 * as an unsharded verify would.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BackendInfo } from '../backend';
import { runId, type ExperimentConfig } from '../experiment/config';
import { concludeExperiment, jobList } from '../experiment/verify';
import { assembleReport } from '../report/verify/assemble';
import { environmentInfo } from '../report/environment';
import { describeEngine, engineKey, selectEngine } from '../engine';
import type { EngineName } from '../engine/types';
import type { RunKeyInputs } from '../store/keys';
import { differences } from '../store/differences';
import { RunStore, type StoreEntry, type SweepManifest } from '../store/run-store';
import { collectRuns, keyInputsFor } from '../store/sweep';
import type { RunResult } from '../experiment/types';
import { InputError } from './errors';
import { interruptible, type Interruption } from './signals';
import { refuseOverwrite } from './sweep';
import type { ConfigRequest } from './config-options';
import { buildConfig, commandLine, exitCodeOf, printSummary, writeReportTo, type VerifyFlags } from './verify';

/** merge's command options: verify's, without the run store, sharding and workers (merge computes nothing). */
export type MergeFlags = Omit<VerifyFlags, 'store' | 'fresh' | 'shard' | 'workers'>;

/** True when the command line names no config (no preset, file, --quick, field or dataset flag, or --engine). */
function namesNoConfig(request: ConfigRequest, flags: MergeFlags): boolean {
  const datasetFlags = Object.values(request.dataset).some((v) => v !== undefined);
  return (
    request.preset === undefined &&
    request.configFile === undefined &&
    !request.quick &&
    Object.keys(request.layer).length === 0 &&
    !datasetFlags &&
    flags.engine === undefined
  );
}

/** For a run the store lacks: how each stored run of the same m and seed differs from it (only what differs). */
function nearMisses(entries: StoreEntry[], wanted: RunKeyInputs): string[] {
  const { data: _data, ...expected } = wanted;
  return entries
    .filter((e) => e.inputs.m === wanted.m && e.inputs.seed === wanted.seed)
    .map((e) => {
      const { data: _d, ...stored } = e.inputs;
      return differences(expected, stored).join(', ');
    })
    .filter(Boolean);
}

/** The one sweep a store's manifests name; several: an InputError listing them by the settings that differ. */
function onlySweep(store: RunStore): SweepManifest {
  const manifests = store.manifests();
  if (manifests.length === 1) return manifests[0];
  if (manifests.length === 0)
    throw new InputError(
      `merge: the store ${store.dir} records no sweep; pass the config the shards were given (--config FILE and the same flags)`,
    );
  const describe = (m: SweepManifest) => ({ config: m.config, engine: m.engine, backend: m.backend });
  const base = describe(manifests[0]);
  const lines = manifests.map((m, i) => {
    const differs = i === 0 ? [] : differences(base, describe(m)).map((d) => d.replace(/: .* → /, ' = '));
    return `  ${i + 1}. ${runId(m.config)}, ${m.config.mGrid.length} m × ${m.config.seeds.length} seeds${differs.length ? `; differs from 1 in ${differs.join(', ')}` : ''}`;
  });
  throw new InputError(
    [
      `merge: the store ${store.dir} holds ${manifests.length} sweeps; pass the config of the one to merge (--config FILE and the flags its shards were given):`,
      ...lines,
    ].join('\n'),
  );
}

/** The sweep closest to `config` among the store's manifests, and only the settings in which it differs. */
function closestSweep(store: RunStore, config: ExperimentConfig): string | null {
  const ranked = store
    .manifests()
    .map((m) => differences(config, m.config))
    .filter((d) => d.length > 0)
    .sort((a, b) => a.length - b.length);
  return ranked.length ? ranked[0].join(', ') : null;
}

export function mergeCommand(
  storeDir: string,
  request: ConfigRequest,
  flags: MergeFlags,
  backend: BackendInfo,
): Promise<number> {
  return interruptible('pruneproof merge', (interruption) => merge(storeDir, request, flags, backend, interruption));
}

async function merge(
  storeDir: string,
  request: ConfigRequest,
  flags: MergeFlags,
  backend: BackendInfo,
  interruption: Interruption,
): Promise<number> {
  const started = performance.now();
  if (!existsSync(storeDir)) throw new InputError(`merge: no run store at ${storeDir}`);
  if (!statSync(storeDir).isDirectory())
    throw new InputError(`merge: ${storeDir} is a file, not a run store directory`);
  const store = new RunStore(resolve(storeDir), (s) => process.stderr.write(`pruneproof merge: ${s}\n`));
  const fromStore = namesNoConfig(request, flags) ? onlySweep(store) : null;
  const { config, rationale } = fromStore
    ? { config: fromStore.config, rationale: fromStore.rationale }
    : buildConfig(request);
  await refuseOverwrite(flags.out, runId(config), flags.force);
  // The same engine key verify stored the runs under (the engine is resolved, not loaded for computing).
  const requested = (fromStore?.engine.split('/')[0] as EngineName | undefined) ?? flags.engine ?? 'auto';
  const engine = await selectEngine(requested, { precision: config.precision ?? 'float32' });
  const used = describeEngine(engine);
  await engine.dispose();
  interruption.throwIfInterrupted();
  const context = { backend: backend.name, engine: engineKey(used) };
  const { runs, missing } = collectRuns(config, store, context);
  if (missing.length > 0) {
    const entries = store.entries();
    const wanted = keyInputsFor(config, context, jobList(config));
    const lines = missing.map(({ m, seed }) => {
      const inputs = wanted.find((w) => w.m === m && w.seed === seed)!;
      const near = nearMisses(entries, inputs);
      const hint = near.length ? ` (stored only with other key inputs: ${near.join('; ')})` : '';
      return `  m = ${m}, seed = ${seed}${hint}`;
    });
    const closest = closestSweep(store, config);
    throw new InputError(
      [
        `the store ${store.dir} lacks ${missing.length} of ${runs.length} runs of ${runId(config)}:`,
        ...lines,
        ...(closest ? [`the nearest sweep recorded in the store differs only in: ${closest}`] : []),
        'run the missing shards (or verify with the same flags and --store) first',
      ].join('\n'),
    );
  }
  const result = concludeExperiment(config, runs as RunResult[], (performance.now() - started) / 1000);
  const doc = assembleReport(config, result, {
    environment: {
      ...environmentInfo(backend),
      engine: { name: used.name, version: used.version, threads: used.threads, precision: used.precision },
    },
    command: commandLine(),
    rationale,
  });
  interruption.throwIfInterrupted();
  const { dir } = await writeReportTo(doc, flags.out, flags.force, interruption.signal);
  process.stderr.write(`pruneproof merge: ${runs.length} stored runs from ${store.dir}\n`);
  printSummary(doc, dir, (s) => process.stdout.write(`${s}\n`));
  return exitCodeOf(doc, flags.strict, 'pruneproof merge');
}
