/**
 * The CLI side of the run store: `--store`, `--fresh`, `--shard`, `--force`, and SIGINT/SIGTERM during a
 * sweep (wait for the runs being written, say how far it got, exit 130/143; the same command resumes).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ExperimentConfig } from '../experiment/config';
import { RunStore, DEFAULT_RUN_STORE_DIR } from '../store/run-store';
import { parseShard, type Shard } from '../store/shard';
import { runSweep, SweepInterrupted, SweepProgress, type SweepOptions, type SweepOutcome } from '../store/sweep';
import type { ReportContext } from '../report/assemble';
import type { ExperimentOptions } from '../experiment/verify';
import { InputError } from './errors';

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

/** Exit codes of a process ended by a signal, by the shell's 128 + signal number convention. */
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

export function storeFrom(flags: StoreFlags, warn: (s: string) => void): RunStore {
  return new RunStore(resolve(flags.store ?? DEFAULT_RUN_STORE_DIR), warn);
}

export function shardFrom(flags: StoreFlags): Shard | null {
  return flags.shard === undefined ? null : parseShard(flags.shard);
}

/**
 * Refuses, before anything is computed, to replace an existing report without --force: names where the
 * earlier report is.
 */
export function refuseOverwrite(outDir: string, runId: string, force: boolean | undefined): void {
  const dir = join(resolve(outDir), runId);
  if (force || !existsSync(dir)) return;
  throw new InputError(
    `a report already exists at ${dir}; pass --force to replace it, or --out another directory to keep it`,
  );
}

/**
 * Runs the sweep with signal handling: on SIGINT/SIGTERM the runs already finished are (or finish being)
 * stored, nothing else is written, and the process exits 130/143 after saying how to resume.
 */
export async function sweepWithResume(
  config: ExperimentConfig,
  options: ExperimentOptions & ReportContext,
  store: RunStore,
  extra: Pick<SweepOptions, 'context' | 'fresh' | 'shard'>,
): Promise<SweepOutcome> {
  const progress = new SweepProgress();
  const abort = new AbortController();
  let exiting: Promise<never> | null = null;
  const onSignal = (signal: keyof typeof SIGNAL_EXIT): void => {
    if (exiting) process.exit(SIGNAL_EXIT[signal]); // a second signal: stop now (a temporary file is ignored later)
    abort.abort();
    // Workers keep computing until the process ends, so exit as soon as the finished runs have landed.
    exiting = progress.settle().then(
      () => {
        process.stderr.write(
          `\ninterrupted: ${progress.stored} of ${progress.total} runs stored; run the same command to resume\n`,
        );
        process.exit(SIGNAL_EXIT[signal]);
      },
      (e: unknown) => {
        process.stderr.write(`\ninterrupted; storing a finished run failed: ${(e as Error).message}\n`);
        process.exit(SIGNAL_EXIT[signal]);
      },
    );
  };
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => [signal, () => onSignal(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  try {
    return await runSweep(config, { ...options, store, ...extra, signal: abort.signal }, progress);
  } catch (e) {
    if (e instanceof SweepInterrupted && exiting) return await exiting;
    throw e;
  } finally {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  }
}
