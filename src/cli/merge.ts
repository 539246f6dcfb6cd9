/**
 * `pruneproof merge DIR`: the report of a sharded sweep. Checks that the store holds every run of the config
 * (naming each missing (m, seed), exit 2), then assembles the report exactly as an unsharded verify would.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BackendInfo } from '../backend';
import { canonicalJson, runId } from '../experiment/config';
import { concludeExperiment } from '../experiment/verify';
import { assembleReport } from '../report/assemble';
import { environmentInfo } from '../report/environment';
import { engineKey, selectEngine } from '../engine';
import { writeReport } from '../report/write';
import { runConfigOf, type RunKeyInputs } from '../store/keys';
import { RunStore, type StoreEntry } from '../store/run-store';
import { collectRuns } from '../store/sweep';
import type { RunResult } from '../experiment/types';
import { InputError } from './errors';
import { refuseOverwrite } from './sweep';
import type { ConfigRequest } from './config-options';
import { buildConfig, commandLine, exitCodeOf, printSummary, type VerifyFlags } from './verify';

/** merge's command options: verify's, without the run store, sharding and workers (merge computes nothing). */
export type MergeFlags = Omit<VerifyFlags, 'store' | 'fresh' | 'shard' | 'workers'>;

/** For a run the store lacks: the stored runs of the same config, m and seed that differ in another key input. */
function nearMisses(
  entries: StoreEntry[],
  config: RunKeyInputs['config'],
  m: number,
  seed: number,
  backend: string,
): string[] {
  const same = entries.filter(
    (e) => e.inputs.m === m && e.inputs.seed === seed && canonicalJson(e.inputs.config) === canonicalJson(config),
  );
  return same.map((e) => {
    const i = e.inputs;
    const differs = [
      i.backend !== backend ? `backend ${i.backend}` : '',
      `engine ${i.engine}`,
      `version ${i.version}`,
      `code ${i.code}`,
    ];
    return differs.filter(Boolean).join(', ');
  });
}

export async function mergeCommand(
  storeDir: string,
  request: ConfigRequest,
  flags: MergeFlags,
  backend: BackendInfo,
): Promise<number> {
  const started = performance.now();
  const { config, rationale } = buildConfig(request);
  refuseOverwrite(flags.out, runId(config), flags.force);
  if (!existsSync(storeDir)) throw new InputError(`no run store at ${storeDir}`);
  const store = new RunStore(resolve(storeDir), (s) => process.stderr.write(`pruneproof merge: ${s}\n`));
  // The same engine key verify stored the runs under (the engine is resolved, not loaded for computing).
  const engine = await selectEngine(flags.engine ?? 'auto', { precision: config.precision ?? 'float32' });
  await engine.dispose();
  const { runs, missing } = collectRuns(config, store, {
    backend: backend.name,
    engine: engineKey(engine.description),
  });
  if (missing.length > 0) {
    const entries = store.entries();
    const lines = missing.map(({ m, seed }) => {
      const near = nearMisses(entries, runConfigOf(config), m, seed, backend.name);
      const hint = near.length ? ` (stored only with other key inputs: ${near.join('; ')})` : '';
      return `  m = ${m}, seed = ${seed}${hint}`;
    });
    throw new InputError(
      [
        `the store ${store.dir} lacks ${missing.length} of ${runs.length} runs of ${runId(config)}:`,
        ...lines,
        'run the missing shards (or verify with the same flags and --store) first',
      ].join('\n'),
    );
  }
  const result = concludeExperiment(config, runs as RunResult[], (performance.now() - started) / 1000);
  const doc = assembleReport(config, result, {
    environment: environmentInfo(backend),
    command: commandLine(),
    rationale,
  });
  const { dir } = await writeReport(doc, flags.out);
  process.stderr.write(`pruneproof merge: ${runs.length} stored runs from ${store.dir}\n`);
  printSummary(doc, dir, (s) => process.stdout.write(`${s}\n`));
  return exitCodeOf(doc, flags.strict, 'pruneproof merge');
}
