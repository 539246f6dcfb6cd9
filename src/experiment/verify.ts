/**
 * The parts of a `verify` experiment: computing (seed, m) runs (inline or on worker threads), then the scaling
 * fits and the checks aggregated over runs. src/store/sweep.ts `runSweep` is the one path that puts them together
 * (with the run store, or without it for the library's `verify`); the report module assembles the report.
 */
import { aggregateChecks } from '../checks/across-runs';
import type { BackendName } from '../backend';
import type { Pruner } from '../pruning/types';
import type { Engine } from '../engine/types';
import { runInWorkers, workerScript, type PoolCallbacks } from './pool';
import type { WorkerJob } from './worker';
import type { ExperimentConfig } from './config';
import { datasetsForSeed } from './datasets';
import { runOne, type RunProgress } from './run';
import { RunStopped, stoppableEngine } from './stop';
import { analyseScaling } from '../scaling';
import type { TimeObservation } from '../scaling/types';
import type { CriticalTime } from '../pipeline/critical';
import type { CheckResult, RelativeTarget, RunResult, ScalingResult, SensitivityRow } from './types';

export interface ExperimentProgress extends RunProgress {
  /** Runs finished so far, and in all. */
  run: number;
  runs: number;
  m: number;
  seed: number;
  /** Estimated fraction of the whole experiment done, in [0, 1] (runs weighted by m, their cost). */
  overall: number;
}

/** Fraction of one run done, by phase (training dominates, then the checkpoint measurements). */
const PHASES: Record<RunProgress['phase'], [start: number, weight: number]> = {
  kernel: [0, 0.05],
  train: [0.05, 0.6],
  measure: [0.65, 0.35],
};

/** Tracks per-run fractions so progress and ETA stay meaningful when runs of different m overlap. */
class ProgressTracker {
  private readonly fraction = new Map<number, number>();
  private readonly totalM: number;

  constructor(private readonly jobs: WorkerJob[]) {
    this.totalM = jobs.reduce((s, j) => s + j.m, 0);
  }

  update(index: number, p: RunProgress): number {
    const [start, weight] = PHASES[p.phase];
    this.fraction.set(index, start + weight * (p.total > 0 ? p.done / p.total : 0));
    return this.overall();
  }

  finish(index: number): number {
    this.fraction.set(index, 1);
    return this.overall();
  }

  private overall(): number {
    let done = 0;
    for (const [index, f] of this.fraction) done += f * this.jobs[index].m;
    return done / this.totalM;
  }
}

export interface ExperimentOptions {
  /** The subject first, then the comparison pruners. */
  pruners: Pruner[];
  /** Name of the subject among `pruners` (default: the config's built-in subject). */
  subject?: string;
  /** Worker threads for the runs (1 = inline). Only built-in pruners can run in workers. */
  workers?: number;
  /** The backend each worker initialises (the one this process runs on). */
  backend?: BackendName;
  /** The engine that runs GD inline (its name is what workers select); absent: the tfjs reference path. */
  engine?: Engine;
  onProgress?: (p: ExperimentProgress) => void;
  onRunDone?: (run: RunResult, index: number, total: number) => void;
  /** Once aborted, runs stop between engine calls and no further run starts; the runs finished so far are returned. */
  signal?: AbortSignal;
}

/** What an experiment found: the runs in grid order, the scaling fits and the checks over all runs. */
export interface ExperimentResult {
  runs: RunResult[];
  scaling: ScalingResult[];
  /** t_crit(n_max)'s verdict under the design's target and each alternative of config.sensitivity (empty without). */
  sensitivity: SensitivityRow[];
  checks: CheckResult[];
  /** From the first run to the conclusion: the runs (computed or read from a store) and the analysis. */
  wallSeconds: number;
  /** The scaling analysis alone (fits, bootstrap, calibration), on the main thread after the runs. */
  analysisSeconds: number;
}

/**
 * Everything after the runs: pure but for its clock, so it can be tested (and a stored sweep merged) on
 * recorded runs. `runSeconds` is the time the runs took; the analysis's own time is added to it.
 */
export function concludeExperiment(config: ExperimentConfig, runs: RunResult[], runSeconds: number): ExperimentResult {
  const started = performance.now();
  const scaling = scalingResults(config, runs);
  const sensitivity = sensitivityRows(config, runs, scaling);
  const analysisSeconds = (performance.now() - started) / 1000;
  return {
    runs,
    scaling,
    sensitivity,
    checks: aggregateChecks(runs),
    wallSeconds: runSeconds + analysisSeconds,
    analysisSeconds,
  };
}

/**
 * Computes the given jobs (any subset of jobList(config): a shard, or the runs a store lacks) and returns
 * their results in the order of `jobs`. A run depends only on (config, m, seed), never on the other jobs.
 */
export async function computeRuns(
  config: ExperimentConfig,
  options: ExperimentOptions,
  jobs: WorkerJob[],
): Promise<RunResult[]> {
  const workers = Math.min(options.workers ?? 1, jobs.length);
  const local = jobs.map((job, index) => ({ ...job, index }));
  if (workers > 1 && options.backend && workerScript())
    return runParallel(config, options, workers, options.backend, local);
  return runInline(config, options, local);
}

/** Seed-major, m-minor: the order of runs in the report, whatever order they were computed in. */
export function jobList(config: ExperimentConfig): WorkerJob[] {
  return config.seeds.flatMap((seed, i) =>
    config.mGrid.map((m, j) => ({ index: i * config.mGrid.length + j, m, seed })),
  );
}

async function runParallel(
  config: ExperimentConfig,
  options: ExperimentOptions,
  workers: number,
  backend: BackendName,
  jobs: WorkerJob[],
): Promise<RunResult[]> {
  const tracker = new ProgressTracker(jobs);
  let done = 0;
  const engine = options.engine?.description.name ?? 'tfjs';
  const callbacks: PoolCallbacks = {
    onProgress: (index, p) => {
      const job = jobs[index];
      options.onProgress?.({
        ...p,
        run: done,
        runs: jobs.length,
        m: job.m,
        seed: job.seed,
        overall: tracker.update(index, p),
      });
    },
    onDone: (index, run) => {
      tracker.finish(index);
      options.onRunDone?.(run, done++, jobs.length);
    },
  };
  return runInWorkers(config, backend, engine, jobs, workers, callbacks, options.signal);
}

async function runInline(
  config: ExperimentConfig,
  options: ExperimentOptions,
  jobs: WorkerJob[],
): Promise<RunResult[]> {
  const runs: RunResult[] = [];
  const total = jobs.length;
  const stopped = () => options.signal?.aborted === true;
  const engine = options.engine ? stoppableEngine(options.engine, stopped) : undefined;
  const tracker = new ProgressTracker(jobs);
  let finished = 0;
  for (const seed of [...new Set(jobs.map((j) => j.seed))]) {
    const seedJobs = jobs.filter((j) => j.seed === seed);
    const data = datasetsForSeed(
      config.dataset,
      seedJobs.map((j) => j.m),
      seed,
    );
    for (const { m, index } of seedJobs) {
      // A run never yields to the event loop; yielding here lets signals and finished writes in between runs.
      await new Promise((next) => setImmediate(next));
      if (stopped()) return runs;
      let run: RunResult;
      try {
        run = await runOne({
          config,
          data: data.byM.get(m)!,
          heldOut: data.heldOut,
          seed,
          pruners: options.pruners,
          ...(options.subject ? { subject: options.subject } : {}),
          ...(engine ? { engine } : {}),
          onProgress: (p) => {
            if (stopped()) throw new RunStopped();
            options.onProgress?.({ ...p, run: finished, runs: total, m, seed, overall: tracker.update(index, p) });
          },
        });
      } catch (e) {
        if (e instanceof RunStopped) return runs;
        throw e;
      }
      tracker.finish(index);
      runs[index] = run;
      options.onRunDone?.(run, finished++, total);
    }
  }
  return runs;
}

function exactTime(t: number): CriticalTime {
  return { t, lo: t, censoredAt: null, method: 'exact (every iteration)', replayedSteps: 0 };
}

/** A critical time as a scaling observation: an interval [lo, t], or right-censored at T. */
function observation(r: RunResult, c: CriticalTime | null | undefined): TimeObservation | null {
  if (!c || c.method === 'undecided') return null;
  if (c.t === null) return { m: r.m, seed: r.seed, lo: null, hi: null, censoredAt: c.censoredAt ?? undefined };
  return { m: r.m, seed: r.seed, lo: c.lo, hi: c.t };
}

/** The names of greedy's critical times in the scaling analyses (and the sensitivity table's rows). */
const tCritName = (n: number) => `t_crit(n=${n})`;
const tCritAccuracyName = (n: number) => `t_crit_acc(n=${n})`;

/**
 * How a series was obtained. A measured time is bracketed by checkpoints (the config's resolution) and censored
 * at T; a computed one (T*(m)) is exact and never censored. atZero: what 0 at every m means, in plain words.
 */
interface SeriesKind {
  computed?: boolean;
  atZero?: string;
}

/** Analyses one critical time of every run against m (none with fewer than 2 observations). */
function seriesAnalyser(config: ExperimentConfig, runs: RunResult[]) {
  const measured = { resolution: config.resolution, censorAt: config.iterations };
  const computed = { resolution: { absolute: 0, relative: 0 }, censorAt: null };
  return (
    quantity: string,
    pick: (r: RunResult) => CriticalTime | null | undefined,
    kind: SeriesKind = {},
  ): ScalingResult[] => {
    const observations = runs.map((r) => observation(r, pick(r))).filter((o): o is TimeObservation => o !== null);
    const design = kind.computed ? computed : measured;
    const options = { seed: config.seeds[0] ?? 0, design, ...(kind.atZero ? { atZero: kind.atZero } : {}) };
    return observations.length >= 2 ? [analyseScaling(quantity, observations, options)] : [];
  };
}

/**
 * The sensitivity table: t_crit at the largest n judged under the design's own targets (the analyses already in
 * `scaling`) and under each alternative of config.sensitivity, fixed with the design before the runs.
 */
function sensitivityRows(config: ExperimentConfig, runs: RunResult[], scaling: ScalingResult[]): SensitivityRow[] {
  if (!config.sensitivity) return [];
  const n = Math.max(...config.subnetworkSizes);
  const series = seriesAnalyser(config, runs);
  const rows: SensitivityRow[] = [];
  const own = (kind: RelativeTarget['kind'], relative: number | undefined, quantity: string) => {
    const analysis = scaling.find((s) => s.quantity === quantity);
    if (relative != null && analysis) rows.push({ kind, relative, n, preregistered: true, analysis });
  };
  const alternatives = (kind: RelativeTarget['kind'], relatives: number[], label: (r: number) => string) => {
    for (const relative of relatives) {
      const pick = (r: RunResult) => r.critical.sensitivity?.find((s) => s.kind === kind && s.relative === relative);
      for (const analysis of series(label(relative), pick))
        rows.push({ kind, relative, n, preregistered: false, analysis });
    }
  };
  own('loss', config.epsilonRelative, tCritName(n));
  alternatives('loss', config.sensitivity.epsilonRelative, (r) => `${tCritName(n)}, ε = ${r}·‖y‖²/(2m)`);
  own('accuracy', config.targetAccuracyRelative, tCritAccuracyName(n));
  alternatives(
    'accuracy',
    config.sensitivity.targetAccuracyRelative,
    (r) => `${tCritAccuracyName(n)}, accuracy ≥ ${r}·dense`,
  );
  return rows.sort((a, b) => (a.kind === b.kind ? a.relative - b.relative : a.kind === 'loss' ? -1 : 1));
}

/**
 * The scaling analysis of every critical time against m (src/scaling): four laws fitted with intervals and
 * censoring respected, the AICc + held-out decision, and its calibration on this design.
 */
function scalingResults(config: ExperimentConfig, runs: RunResult[]): ScalingResult[] {
  const series = seriesAnalyser(config, runs);
  const out = config.subnetworkSizes.flatMap((n) =>
    series(tCritName(n), (r) => r.critical.tCrit.find((c) => c.n === n)),
  );
  out.push(...series('t_in', (r) => r.critical.tIn, { atZero: 'y is in the hull before any step' }));
  out.push(...series('t_dense', (r) => r.critical.tDense));
  // How the bound itself scales at the step size actually used (η moves with m under etaRelative).
  out.push(
    ...series('T*(m)', (r) => (r.tStar.etaConfigured === null ? null : exactTime(Math.ceil(r.tStar.etaConfigured))), {
      computed: true,
    }),
  );
  if (runs.some((r) => r.critical.tCritAccuracy.length > 0)) {
    for (const n of config.subnetworkSizes)
      out.push(...series(tCritAccuracyName(n), (r) => r.critical.tCritAccuracy.find((c) => c.n === n)));
    out.push(...series('t_dense_acc', (r) => r.critical.tDenseAccuracy));
  }
  return out;
}
