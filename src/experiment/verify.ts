/**
 * The whole `verify` experiment: every (seed, m) run, then the scaling fits, the aggregated claims and
 * invariants, and the summary verdict table. Returns the report document; writing it is the report
 * module's job.
 */
import { EXPRESSION_IDS, EXPRESSIONS, allExpressionsLatex, deriveTStarSlopes, resolveTheory } from '../../theory';
import type { BackendName } from '../backend';
import type { Pruner } from '../pruning/types';
import { runInWorkers, workerScript } from './pool';
import type { WorkerJob } from './worker';
import type { ExperimentConfig } from './config';
import { runId } from './config';
import { datasetsForSeed } from './datasets';
import { runOne, type RunProgress } from './run';
import { fitScaling, type ScalingPoint } from './scaling';
import type { ClaimResult, InvariantResult, RunResult, ScalingResult, Verdict } from './types';
import type { Environment, ExpressionRecord, ReportDocument, SummaryRow } from '../report/types';
import { REPORT_SCHEMA_VERSION } from '../report/types';

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
const PHASES: Record<RunProgress['phase'], [start: number, weight: number]> = { kernel: [0, 0.05], train: [0.05, 0.6], measure: [0.65, 0.35] };

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
  pruners: Pruner[];
  /** Worker threads for the runs (1 = inline). Only built-in pruners can run in workers. */
  workers?: number;
  /** The backend each worker initialises (the one this process runs on). */
  backend?: BackendName;
  environment: Environment;
  command: string;
  rationale: string[];
  onProgress?: (p: ExperimentProgress) => void;
  onRunDone?: (run: RunResult, index: number, total: number) => void;
  /** Once aborted, no further run starts (inline); the runs finished so far are returned. */
  signal?: AbortSignal;
}

export async function runExperiment(config: ExperimentConfig, options: ExperimentOptions): Promise<ReportDocument> {
  const started = performance.now();
  const runs = await computeRuns(config, options, jobList(config));
  return assembleReport(config, runs, options, (performance.now() - started) / 1000);
}

/**
 * Computes the given jobs (any subset of jobList(config): a shard, or the runs a store lacks) and returns
 * their results in the order of `jobs`. A run depends only on (config, m, seed), never on the other jobs.
 */
export async function computeRuns(config: ExperimentConfig, options: ExperimentOptions, jobs: WorkerJob[]): Promise<RunResult[]> {
  const workers = Math.min(options.workers ?? 1, jobs.length);
  const local = jobs.map((job, index) => ({ ...job, index }));
  if (workers > 1 && options.backend && workerScript()) return runParallel(config, options, workers, options.backend, local);
  return runInline(config, options, local);
}

/** Seed-major, m-minor: the order of runs in the report, whatever order they were computed in. */
export function jobList(config: ExperimentConfig): WorkerJob[] {
  return config.seeds.flatMap((seed, i) => config.mGrid.map((m, j) => ({ index: i * config.mGrid.length + j, m, seed })));
}

async function runParallel(config: ExperimentConfig, options: ExperimentOptions, workers: number, backend: BackendName, jobs: WorkerJob[]): Promise<RunResult[]> {
  const tracker = new ProgressTracker(jobs);
  let done = 0;
  return runInWorkers(config, backend, jobs, workers, {
    onProgress: (index, p) => {
      const job = jobs[index];
      options.onProgress?.({ ...p, run: done, runs: jobs.length, m: job.m, seed: job.seed, overall: tracker.update(index, p) });
    },
    onDone: (index, run) => {
      tracker.finish(index);
      options.onRunDone?.(run, done++, jobs.length);
    },
  });
}

async function runInline(config: ExperimentConfig, options: ExperimentOptions, jobs: WorkerJob[]): Promise<RunResult[]> {
  const runs: RunResult[] = [];
  const total = jobs.length;
  const tracker = new ProgressTracker(jobs);
  let finished = 0;
  for (const seed of [...new Set(jobs.map((j) => j.seed))]) {
    const seedJobs = jobs.filter((j) => j.seed === seed);
    const data = datasetsForSeed(config.dataset, seedJobs.map((j) => j.m), seed);
    for (const { m, index } of seedJobs) {
      // A run never yields to the event loop; yielding here lets signals and finished writes in between runs.
      await new Promise((next) => setImmediate(next));
      if (options.signal?.aborted) return runs;
      const run = await runOne({
        config,
        data: data.byM.get(m)!,
        heldOut: data.heldOut,
        seed,
        pruners: options.pruners,
        onProgress: (p) => options.onProgress?.({ ...p, run: finished, runs: total, m, seed, overall: tracker.update(index, p) }),
      });
      tracker.finish(index);
      runs[index] = run;
      options.onRunDone?.(run, finished++, total);
    }
  }
  return runs;
}

/** Everything after the runs: pure, so it can be tested on recorded runs. */
export function assembleReport(config: ExperimentConfig, runs: RunResult[], options: Omit<ExperimentOptions, 'pruners'>, wallSeconds: number): ReportDocument {
  const scaling = scalingResults(config, runs);
  const claims = aggregateClaims(runs);
  const invariants = aggregateInvariants(runs);
  const slopes = deriveTStarSlopes(config.theory as Parameters<typeof deriveTStarSlopes>[0]);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    runId: runId(config),
    createdAt: new Date().toISOString(),
    command: options.command,
    config,
    configRationale: options.rationale,
    environment: options.environment,
    wallSeconds,
    expressions: expressionRecords(config),
    summary: summaryRows(claims, invariants, scaling),
    runs,
    scaling,
    claims,
    invariants,
    derivation: [slopes.upperFixedEta, slopes.exactFixedEta, slopes.upperEtaH5].map((s) => ({
      statement: s.description,
      result: `dT*/d(ln m) = ${s.derivative}${s.constantInLnM ? ' (constant in m: T* is linear in ln m)' : ' (depends on m: T* is not logarithmic in m)'}`,
      latex: s.latex,
    })),
  };
}

function expressionRecords(config: ExperimentConfig): ExpressionRecord[] {
  const overrides = config.theory as Parameters<typeof resolveTheory>[0];
  const theory = resolveTheory(overrides);
  const latex = allExpressionsLatex(overrides);
  return EXPRESSION_IDS.map((id) => ({
    id,
    label: EXPRESSIONS[id].label,
    statement: EXPRESSIONS[id].statement,
    expression: theory.expressions[id].def.expr,
    latex: latex[id],
    overridden: theory.expressions[id].overridden,
  }));
}

function scalingResults(config: ExperimentConfig, runs: RunResult[]): ScalingResult[] {
  const series = (quantity: string, pick: (r: RunResult) => number | null): ScalingResult => {
    const points: ScalingPoint[] = [];
    const unreached: { m: number; seed: number }[] = [];
    for (const r of runs) {
      const t = pick(r);
      if (t === null) unreached.push({ m: r.m, seed: r.seed });
      else points.push({ m: r.m, seed: r.seed, t });
    }
    return fitScaling(quantity, points, unreached);
  };
  const out = config.subnetworkSizes.map((n) => series(`t_crit(n=${n})`, (r) => r.critical.tCrit.find((c) => c.n === n)?.t ?? null));
  out.push(series('t_in', (r) => r.critical.tIn));
  if (config.targetAccuracy !== null && runs.some((r) => r.critical.tCritAccuracy.length > 0)) {
    for (const n of config.subnetworkSizes) {
      out.push(series(`t_crit_acc(n=${n})`, (r) => r.critical.tCritAccuracy.find((c) => c.n === n)?.t ?? null));
    }
  }
  return out;
}

/** A claim over all runs: FAIL if any run FAILed (the first counterexample is kept), PASS if any passed, else N/A. */
function aggregateClaims(runs: RunResult[]): ClaimResult[] {
  const ids = [...new Set(runs.flatMap((r) => r.claims.map((c) => c.id)))];
  return ids.map((id) => {
    const perRun = runs.map((r) => ({ r, c: r.claims.find((c) => c.id === id)! })).filter((x) => x.c);
    const count = (v: Verdict) => perRun.filter((x) => x.c.verdict === v).length;
    const failed = perRun.find((x) => x.c.verdict === 'FAIL');
    const passed = perRun.find((x) => x.c.verdict === 'PASS');
    const tally = `${count('PASS')} PASS, ${count('FAIL')} FAIL, ${count('NOT APPLICABLE')} N/A over ${perRun.length} runs`;
    const verdict: Verdict = failed ? 'FAIL' : passed ? 'PASS' : 'NOT APPLICABLE';
    const example = failed ?? passed ?? perRun[0];
    return {
      id,
      statement: example.c.statement,
      verdict,
      detail: `${tally}; ${failed ? 'counterexample' : 'e.g.'} m = ${example.r.m}, seed = ${example.r.seed}: ${example.c.detail}`,
      violatedHypotheses: [...new Set(perRun.flatMap((x) => x.c.violatedHypotheses))],
    };
  });
}

function aggregateInvariants(runs: RunResult[]): InvariantResult[] {
  const ids = [...new Set(runs.flatMap((r) => r.invariants.map((i) => i.id)))];
  return ids.map((id) => {
    const all = runs.flatMap((r) => r.invariants.filter((i) => i.id === id).map((i) => ({ r, i })));
    return {
      id,
      statement: all[0].i.statement,
      checked: all.reduce((s, x) => s + x.i.checked, 0),
      failures: all.flatMap((x) => x.i.failures.map((f) => ({ ...f, detail: `m = ${x.r.m}, seed = ${x.r.seed}: ${f.detail}` }))),
    };
  });
}

function summaryRows(claims: ClaimResult[], invariants: InvariantResult[], scaling: ScalingResult[]): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const s of scaling) rows.push({ check: `scaling of ${s.quantity} with m`, kind: 'scaling', verdict: s.verdict, detail: s.reason });
  for (const c of claims) {
    const hyps = c.violatedHypotheses.length ? ` [hypotheses violated: ${c.violatedHypotheses.join(', ')}]` : '';
    rows.push({ check: `${c.id}: ${c.statement}`, kind: 'claim', verdict: c.verdict, detail: c.detail + hyps });
  }
  for (const i of invariants) {
    const verdict: Verdict = i.checked === 0 ? 'NOT APPLICABLE' : i.failures.length ? 'FAIL' : 'PASS';
    const detail = i.failures.length ? `${i.failures.length} of ${i.checked} checks failed; first: ${i.failures[0].detail}` : `${i.checked} checks`;
    rows.push({ check: `${i.id}: ${i.statement}`, kind: 'invariant', verdict, detail });
  }
  return rows;
}
