/**
 * A sweep through the run store: every (m, seed) run of a config is looked up by its key, only the missing
 * ones (of this shard) are computed, each is stored the moment it finishes, and the report is assembled
 * from the stored form of every run in grid order. So an interrupted, resumed, sharded-and-merged or
 * uninterrupted sweep all yield the same report, apart from timings.
 */
import type { ExperimentConfig } from '../experiment/config';
import { datasetsForSeed } from '../experiment/datasets';
import { validateLabels } from '../data/validate';
import type { RunResult } from '../experiment/types';
import { computeRuns, concludeExperiment, jobList, type ExperimentOptions } from '../experiment/verify';
import { assembleReport, type ReportContext } from '../report/verify/assemble';
import type { WorkerJob } from '../experiment/worker';
import { packageVersions } from '../report/environment';
import type { ReportDocument } from '../report/types';
import { codeFingerprint, dataFingerprint, pruneproofVersion, runConfigOf, runKey, type RunKeyInputs } from './keys';
import type { RunStore } from './run-store';
import { inShard, type Shard } from './shard';

/** What, besides the config, determines a run's numbers. */
export interface RunContext {
  backend: string;
  /** The numerical engine and its precision, as `engineKey` of src/engine writes it. */
  engine: string;
}

/** The key inputs of every run of the grid, in grid order (the data of each seed is generated once). */
export function keyInputsFor(
  config: ExperimentConfig,
  context: RunContext,
  jobs: WorkerJob[] = jobList(config),
): RunKeyInputs[] {
  const fixed = {
    config: runConfigOf(config),
    engine: context.engine,
    backend: context.backend,
    version: pruneproofVersion(),
    code: codeFingerprint(),
    packages: packageVersions(),
  };
  const fingerprints = new Map<string, string>();
  for (const seed of [...new Set(jobs.map((j) => j.seed))]) {
    const ms = [...new Set(jobs.filter((j) => j.seed === seed).map((j) => j.m))];
    const data = datasetsForSeed(config.dataset, ms, seed);
    for (const m of ms) {
      // Degenerate labels are bad input: found here, before any run is computed, rather than inside a run.
      validateLabels(data.byM.get(m)!, { labelBound: config.theory.constants?.C ?? 1 });
      fingerprints.set(`${m}/${seed}`, dataFingerprint(data.byM.get(m)!, data.heldOut));
    }
  }
  return jobs.map((j) => ({ ...fixed, m: j.m, seed: j.seed, data: fingerprints.get(`${j.m}/${j.seed}`)! }));
}

/** The run as the store holds it (JSON: NaN and ±Infinity become null, -0 becomes 0), so fresh = reused. */
export function storedForm(run: RunResult): RunResult {
  return JSON.parse(JSON.stringify(run)) as RunResult;
}

export interface SweepOptions extends ExperimentOptions, ReportContext {
  /** Where runs are looked up and stored; null computes every run and stores none (the library's `verify`). */
  store: RunStore | null;
  context: RunContext;
  /** Ignore stored runs (still store the fresh ones). */
  fresh?: boolean;
  shard?: Shard | null;
}

export interface SweepOutcome {
  /** Runs this process was responsible for (the whole grid, or the shard). */
  total: number;
  reused: number;
  computed: number;
  /** The report (null for a shard, which writes none). */
  report: ReportDocument | null;
}

/** Thrown when the sweep stopped early on its abort signal: the finished runs are stored, nothing else. */
export class SweepInterrupted extends Error {
  override name = 'SweepInterrupted';
  constructor(
    readonly stored: number,
    readonly total: number,
  ) {
    super(`interrupted: ${stored} of ${total} runs stored; run the same command to resume`);
  }
}

/** A run could not be stored (full disk, store removed, permissions): the sweep stopped at once. */
export class StoreWriteError extends Error {
  override name = 'StoreWriteError';
}

/** Counts and pending writes of a running sweep, so a signal handler can wait for them and say where it stopped. */
export class SweepProgress {
  total = 0;
  stored = 0;
  private pending = new Set<Promise<unknown>>();
  private failures: { path: string; error: unknown }[] = [];

  /** Tracks the write of `path`; `onFailure` runs at once when it fails (to stop the sweep). */
  track(path: string, write: Promise<unknown>, onFailure: () => void = () => undefined): void {
    const tracked = write
      .then(() => void this.stored++)
      .catch((error: unknown) => {
        this.failures.push({ path, error });
        onFailure();
      })
      .finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  /** Resolves once every write started so far has landed; throws StoreWriteError naming the first failed one. */
  async settle(storeDir: string): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
    const first = this.failures[0];
    if (!first) return;
    const error = first.error as NodeJS.ErrnoException;
    const why = error.code ? `${error.code}: ${error.message}` : String(error.message ?? error);
    throw new StoreWriteError(
      `run store: writing ${first.path} failed (${why}); the sweep stopped: ${this.stored} of ${this.total} runs kept in ${storeDir}; fix the store and run the same command to resume`,
    );
  }
}

/** Writes the sweep's manifest (before any run), so `merge` can name the sweeps a store holds. */
async function recordSweep(store: RunStore, config: ExperimentConfig, options: SweepOptions): Promise<void> {
  try {
    await store.writeManifest({
      config,
      engine: options.context.engine,
      backend: options.context.backend,
      rationale: options.rationale,
    });
  } catch (e) {
    throw new StoreWriteError(`run store: cannot record the sweep in ${store.dir} (${(e as Error).message})`);
  }
}

export async function runSweep(
  config: ExperimentConfig,
  options: SweepOptions,
  progress = new SweepProgress(),
): Promise<SweepOutcome> {
  const started = performance.now();
  const { store } = options;
  if (store) await recordSweep(store, config, options);
  const jobs = jobList(config).filter((j) => inShard(j.index, options.shard ?? null));
  const inputs = keyInputsFor(config, options.context, jobs);
  const runs: (RunResult | null)[] = inputs.map((i) => (options.fresh || !store ? null : store.read(i)));
  const reused = runs.filter(Boolean).length;
  progress.total = jobs.length;
  progress.stored = reused;
  const missing = jobs.map((job, i) => ({ job, i })).filter(({ i }) => runs[i] === null);
  const positionOf = new Map(missing.map(({ job, i }) => [`${job.m}/${job.seed}`, i]));
  // Stops the runs on the caller's signal, or at once when a run cannot be stored.
  const stop = new AbortController();
  const forward = () => stop.abort();
  options.signal?.addEventListener('abort', forward, { once: true });
  if (options.signal?.aborted) stop.abort();
  let computed: RunResult[];
  try {
    computed = await computeRuns(
      config,
      {
        ...options,
        signal: stop.signal,
        onRunDone: (run, done, total) => {
          const i = positionOf.get(`${run.m}/${run.seed}`)!;
          if (store) progress.track(store.pathOf(runKey(inputs[i])), store.write(inputs[i], run), () => stop.abort());
          options.onRunDone?.(run, done, total);
        },
      },
      missing.map(({ job }) => job),
    );
  } finally {
    options.signal?.removeEventListener('abort', forward);
    await progress.settle(store?.dir ?? '(no store)');
  }
  if (stop.signal.aborted) throw new SweepInterrupted(progress.stored, progress.total);
  computed.forEach((run, k) => (runs[missing[k].i] = storedForm(run)));
  const report = options.shard
    ? null
    : assembleReport(
        config,
        concludeExperiment(config, runs as RunResult[], (performance.now() - started) / 1000),
        options,
      );
  return { total: jobs.length, reused, computed: missing.length, report };
}

export interface StoreCollection {
  /** Runs in grid order; null where the store lacks one. */
  runs: (RunResult | null)[];
  missing: { m: number; seed: number }[];
}

/** Every run of the config from the store (what `merge` assembles). */
export function collectRuns(config: ExperimentConfig, store: RunStore, context: RunContext): StoreCollection {
  const jobs = jobList(config);
  const runs = keyInputsFor(config, context, jobs).map((i) => store.read(i));
  const missing = jobs.filter((_, k) => runs[k] === null).map(({ m, seed }) => ({ m, seed }));
  return { runs, missing };
}
