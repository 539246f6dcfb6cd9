/**
 * A sweep through the run store: every (m, seed) run of a config is looked up by its key, only the missing
 * ones (of this shard) are computed, each is stored the moment it finishes, and the report is assembled
 * from the stored form of every run in grid order. So an interrupted, resumed, sharded-and-merged or
 * uninterrupted sweep all yield the same report, apart from timings.
 */
import type { ExperimentConfig } from '../experiment/config';
import { datasetsForSeed } from '../experiment/datasets';
import type { RunResult } from '../experiment/types';
import { computeRuns, concludeExperiment, jobList, type ExperimentOptions } from '../experiment/verify';
import { assembleReport, type ReportContext } from '../report/assemble';
import type { WorkerJob } from '../experiment/worker';
import { packageVersions } from '../report/environment';
import type { ReportDocument } from '../report/types';
import { codeFingerprint, dataFingerprint, pruneproofVersion, runConfigOf, type RunKeyInputs } from './keys';
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
    for (const m of ms) fingerprints.set(`${m}/${seed}`, dataFingerprint(data.byM.get(m)!, data.heldOut));
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

/** Counts and pending writes of a running sweep, so a signal handler can wait for them and say where it stopped. */
export class SweepProgress {
  total = 0;
  stored = 0;
  private pending = new Set<Promise<unknown>>();
  private failures: unknown[] = [];

  track(write: Promise<unknown>): void {
    const tracked = write.catch((e: unknown) => void this.failures.push(e)).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  /** Resolves once every write started so far has landed; rethrows the first failed write. */
  async settle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
    if (this.failures.length) throw this.failures[0];
  }
}

export async function runSweep(
  config: ExperimentConfig,
  options: SweepOptions,
  progress = new SweepProgress(),
): Promise<SweepOutcome> {
  const started = performance.now();
  const jobs = jobList(config).filter((j) => inShard(j.index, options.shard ?? null));
  const inputs = keyInputsFor(config, options.context, jobs);
  const { store } = options;
  const runs: (RunResult | null)[] = inputs.map((i) => (options.fresh || !store ? null : store.read(i)));
  const reused = runs.filter(Boolean).length;
  progress.total = jobs.length;
  progress.stored = reused;
  const missing = jobs.map((job, i) => ({ job, i })).filter(({ i }) => runs[i] === null);
  const positionOf = new Map(missing.map(({ job, i }) => [`${job.m}/${job.seed}`, i]));
  const computed = await computeRuns(
    config,
    {
      ...options,
      onRunDone: (run, done, total) => {
        const i = positionOf.get(`${run.m}/${run.seed}`)!;
        if (store) progress.track(store.write(inputs[i], run).then(() => progress.stored++));
        options.onRunDone?.(run, done, total);
      },
    },
    missing.map(({ job }) => job),
  );
  await progress.settle();
  if (options.signal?.aborted) throw new SweepInterrupted(progress.stored, progress.total);
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
