/**
 * The CLI side of the run store: `--store`, `--fresh`, `--shard`, `--force`, and SIGINT/SIGTERM during a
 * sweep (the runs under way stop between engine calls, the finished ones finish landing in the store, the
 * command says how far it got and exits 130/143; the same command resumes).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ExperimentConfig } from '../experiment/config';
import { recoverInterruptedWrites } from '../files/atomic';
import { RunStore, DEFAULT_RUN_STORE_DIR } from '../store/run-store';
import { parseShard, type Shard } from '../store/shard';
import { runSweep, SweepInterrupted, SweepProgress, type SweepOptions, type SweepOutcome } from '../store/sweep';
import type { ReportContext } from '../report/verify/assemble';
import type { ExperimentOptions } from '../experiment/verify';
import { InputError } from './errors';
import type { Interruption } from './signals';
import { checkWritableDirectory } from './validate-start';

export interface StoreFlags {
  /** Run store directory (default .pruneproof/store). */
  store?: string;
  /** Recompute every run, ignoring the store (fresh runs are still stored). */
  fresh?: boolean;
  /** `k/K` or `auto`: compute only this shard's runs, store them, write no report. */
  shard?: string;
  /** Replace an existing report of the same run id. */
  force?: boolean;
}

/**
 * The run store of --store, checked before anything is computed: a writable directory (probe-written), in
 * which no run's file name is taken by a directory. Orphaned temporaries of killed writers are removed.
 */
export function storeFrom(flags: StoreFlags, warn: (s: string) => void): RunStore {
  const dir = resolve(flags.store ?? DEFAULT_RUN_STORE_DIR);
  checkWritableDirectory(dir, '--store');
  const store = new RunStore(dir, warn);
  const blocked = store.blockedNames();
  if (blocked.length)
    throw new InputError(
      `--store: ${blocked.map((b) => `'${b}'`).join(', ')} ${blocked.length === 1 ? 'is a directory' : 'are directories'} with a stored run's file name; remove ${blocked.length === 1 ? 'it' : 'them'}`,
    );
  store.removeOrphans();
  return store;
}

export function shardFrom(flags: StoreFlags): Shard | null {
  return flags.shard === undefined ? null : parseShard(flags.shard);
}

/**
 * Refuses, before anything is computed, to replace an existing report without --force: names where the
 * earlier report is. A `--force` replacement killed half-way is recovered first (the earlier report put back).
 */
export async function refuseOverwrite(outDir: string, runId: string, force: boolean | undefined): Promise<void> {
  checkWritableDirectory(outDir, '--out');
  await recoverInterruptedWrites(outDir, runId);
  const dir = join(resolve(outDir), runId);
  if (force || !existsSync(dir)) return;
  throw new InputError(
    `a report already exists at ${dir}; pass --force to replace it, or --out another directory to keep it`,
  );
}

/**
 * Runs the sweep under the command's interruption: on SIGINT/SIGTERM the runs under way stop between engine
 * calls, the finished runs are (or finish being) stored, nothing else is written, and the sweep throws
 * SweepInterrupted after saying how to resume.
 */
export async function sweepWithResume(
  config: ExperimentConfig,
  options: ExperimentOptions & ReportContext,
  store: RunStore,
  extra: Pick<SweepOptions, 'context' | 'fresh' | 'shard'>,
  interruption: Interruption,
): Promise<SweepOutcome> {
  const progress = new SweepProgress();
  try {
    return await runSweep(config, { ...options, store, ...extra, signal: interruption.signal }, progress);
  } catch (e) {
    if (e instanceof SweepInterrupted)
      process.stderr.write(
        `interrupted: ${progress.stored} of ${progress.total} runs stored; run the same command to resume\n`,
      );
    throw e;
  }
}
