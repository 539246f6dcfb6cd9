/** `pruneproof verify`: defaults ← config file ← flags → experiment → report → summary and exit code. */
import type { BackendInfo } from '../backend';
import type { LabelKind } from '../data/types';
import { describeBackend } from '../backend';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import type { DatasetConfig, ExperimentConfig } from '../experiment/config';
import { canonicalJson, runId } from '../experiment/config';
import { checkMnistInstallation } from '../data/mnist';
import { DEFAULT_MNIST, DEFAULT_SYNTHETIC, PRESETS, type Preset } from '../experiment/defaults';
import { checkConfig, mergeConfig } from '../experiment/validate-config';
import { getPruner } from '../pruning';
import { environmentInfo } from '../report/environment';
import { describeEngine, engineSummary, selectEngine } from '../engine';
import type { EngineName } from '../engine/types';
import type { ReportDocument } from '../report/types';
import type { ExperimentProgress } from '../experiment/verify';

import type { RunResult } from '../experiment/types';
import { writeReport } from '../report/write';
import { readConfigFile } from './config-file';
import { EXIT, InputError } from './errors';
import { ProgressReporter } from './progress';
import { refuseOverwrite, shardFrom, storeFrom, sweepWithResume, type StoreFlags } from './sweep';
import { preflight } from './resources';
import { replayInvocation } from './replay';
import { emitResults, verifyOutcomes } from './json-output';
import { interruptible, type Interruption } from './signals';

export interface VerifyFlags extends StoreFlags {
  /** A named configuration: synthetic, mnist, mnist-ntk or theorem. */
  preset?: string;
  epsilonRel?: number;
  targetAccuracyRel?: number;
  /** The engine for GD (default: onnx when it loads, else tfjs; env PRUNEPROOF_ENGINE). */
  engine?: EngineName | 'auto';
  /** float64 pre-training (onnx engine only). */
  precision?: 'float32' | 'float64';
  config?: string;
  dataset?: string;
  labels?: LabelKind;
  d?: number;
  m?: number[];
  seeds?: number[];
  width?: number;
  n?: number[];
  epsilon?: number;
  eta?: number;
  /** η = r × the per-run stability limit. */
  etaRel?: number;
  iterations?: number;
  batchSize?: number;
  checkpoints?: number;
  parameterisation?: ExperimentConfig['parameterisation'];
  pruners?: string[];
  targetAccuracy?: number;
  rawPixels?: boolean;
  out: string;
  quick?: boolean;
  strict?: boolean;
  quiet?: boolean;
  /** Worker threads for the runs; default: one per CPU (capped by the number of runs). */
  workers?: number;
  /** Print the resource estimate and stop; run even when the estimate does not fit (see resources.ts). */
  dryRun?: boolean;
  force?: boolean;
  /** --json / --junit FILE (see json-output.ts). */
  json?: boolean;
  junit?: string;
}

/** The dataset named by --dataset, with the defaults of its kind. */
function datasetFromFlag(value: string): DatasetConfig {
  if (value === 'synthetic') return DEFAULT_SYNTHETIC.dataset;
  if (value === 'mnist') return DEFAULT_MNIST.dataset;
  if (value.endsWith('.json')) return { kind: 'file', path: value };
  throw new InputError(`--dataset: expected 'synthetic', 'mnist' or a path to a .json dataset, got '${value}'`);
}

/** --dataset (or the file's or default dataset) with --labels, --d and --raw-pixels applied to it. */
function datasetLayer(flags: VerifyFlags, current: DatasetConfig): DatasetConfig | undefined {
  const touched = flags.dataset || flags.labels || flags.d || flags.rawPixels;
  if (!touched) return undefined;
  const ds = flags.dataset ? datasetFromFlag(flags.dataset) : current;
  if ((flags.labels || flags.d) && ds.kind !== 'synthetic')
    throw new InputError('--labels and --d apply to the synthetic dataset only');
  if (flags.rawPixels && ds.kind !== 'mnist') throw new InputError('--raw-pixels applies to --dataset mnist only');
  if (ds.kind === 'synthetic')
    return { ...ds, ...(flags.labels ? { labels: flags.labels } : {}), ...(flags.d ? { d: flags.d } : {}) };
  if (ds.kind === 'mnist') return { ...ds, ...(flags.rawPixels ? { unitNorm: false } : {}) };
  return ds;
}

/** defaults (by dataset kind) ← config file ← flags. */
/** The preset named by --preset, else the default of the dataset's kind. */
function presetOf(flags: VerifyFlags, file: Partial<ExperimentConfig>): Preset {
  if (flags.preset !== undefined) {
    if (!(flags.preset in PRESETS))
      throw new InputError(`--preset: expected one of ${Object.keys(PRESETS).join(', ')}, got '${flags.preset}'`);
    return PRESETS[flags.preset as keyof typeof PRESETS];
  }
  const kind = flags.dataset === 'mnist' || (!flags.dataset && file.dataset?.kind === 'mnist') ? 'mnist' : 'synthetic';
  return PRESETS[kind];
}

export function buildConfig(flags: VerifyFlags): { config: ExperimentConfig; rationale: string[] } {
  const file = flags.config ? readConfigFile(flags.config) : {};
  const preset = presetOf(flags, file);
  const base = preset.config;
  const fromFlags: Partial<ExperimentConfig> = {
    dataset: datasetLayer(flags, file.dataset ?? base.dataset),
    mGrid: flags.m,
    seeds: flags.seeds,
    width: flags.width,
    subnetworkSizes: flags.n,
    epsilon: flags.epsilon,
    epsilonRelative: flags.epsilonRel,
    eta: flags.eta,
    etaRelative: flags.etaRel,
    iterations: flags.iterations,
    batchSize: flags.batchSize,
    checkpoints: flags.checkpoints,
    parameterisation: flags.parameterisation,
    pruners: flags.pruners,
    targetAccuracy: flags.targetAccuracy,
    targetAccuracyRelative: flags.targetAccuracyRel,
    precision: flags.precision,
  };
  const merged = mergeConfig(base, file, fromFlags);
  // An absolute ε or accuracy target on the command line replaces the preset's relative one.
  if (flags.epsilon !== undefined && flags.epsilonRel === undefined) delete merged.epsilonRelative;
  if (flags.targetAccuracy !== undefined && flags.targetAccuracyRel === undefined) delete merged.targetAccuracyRelative;
  // The defaults' rationale applies when the values are the defaults, however they were spelled.
  const usesDefaults = canonicalJson(merged) === canonicalJson(base);
  const config = flags.quick ? preset.quick(merged) : merged;
  const source = flags.config ?? 'flags';
  checkConfig(config, source);
  for (const name of config.pruners) getPruner(name);
  const distinctOnly = config.pruners.filter((p) => p !== 'greedy');
  const tooBig = config.subnetworkSizes.filter((n) => n > config.width);
  if (distinctOnly.length && tooBig.length) {
    throw new InputError(
      `${source}: subnetwork size(s) ${tooBig.join(', ')} exceed the width N = ${config.width}, which ${distinctOnly.join(', ')} cannot select without replacement`,
    );
  }
  const defaultsRationale = preset.rationale;
  const quickNote = `--quick: the default grid cut to m ∈ {${config.mGrid.join(', ')}}, ${config.seeds.length} seeds, ${config.checkpoints} checkpoints (a smoke run, not a reference result).`;
  const rationale = usesDefaults
    ? [...defaultsRationale, ...(flags.quick ? [quickNote] : [])]
    : [
        'Configuration supplied by the user (see the configuration table); it differs from the defaults whose rationale is in the README.',
      ];
  return { config, rationale };
}

export function commandLine(): string {
  return replayInvocation(process.argv.slice(2));
}

export function printSummary(doc: ReportDocument, dir: string, log: (s: string) => void): void {
  log('');
  log(`Summary (${doc.runId})`);
  const width = Math.max(...doc.summary.map((r) => r.verdict.length));
  for (const row of doc.summary) {
    const check = row.check.length > 90 ? `${row.check.slice(0, 87)}...` : row.check;
    log(`  ${row.verdict.padEnd(width)}  ${row.kind.padEnd(9)}  ${check}`);
  }
  log(
    `Report: ${dir}/report.md (+ report.json, plots) in ${doc.wallSeconds.toFixed(1)} s; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
  );
}

export function verifyCommand(flags: VerifyFlags, backend: BackendInfo): Promise<number> {
  return interruptible('pruneproof verify', (interruption) => verifyInterruptibly(flags, backend, interruption));
}

async function verifyInterruptibly(
  flags: VerifyFlags,
  backend: BackendInfo,
  interruption: Interruption,
): Promise<number> {
  const progress = new ProgressReporter(process.stderr, flags.quiet);
  const { config, rationale } = buildConfig(flags);
  // A missing or truncated MNIST file is bad input, reported before any run starts (headers only: cheap).
  if (config.dataset.kind === 'mnist') checkMnistInstallation();
  progress.log(`pruneproof verify: ${describeBackend(backend)}; run id ${runId(config)}`);
  const workers = Math.min(flags.workers ?? cpus().length, config.mGrid.length * config.seeds.length);
  const training = config.batchSize === null ? 'GD' : `SGD (batch ${config.batchSize})`;
  progress.log(
    `  ${config.mGrid.length} m values × ${config.seeds.length} seeds on ${workers} worker thread(s); N = ${config.width}, n ∈ {${config.subnetworkSizes.join(', ')}}, T = ${config.iterations} ${training} steps, η = ${config.etaRelative === undefined ? config.eta : `${config.etaRelative} × stability limit`}`,
  );
  if (preflight(config, workers, backend.name, flags, (s) => progress.log(s))) return EXIT.ok;
  const shard = shardFrom(flags);
  if (!shard) await refuseOverwrite(flags.out, runId(config), flags.force);
  const store = storeFrom(flags, (s) => process.stderr.write(`pruneproof verify: ${s}\n`));
  interruption.throwIfInterrupted();
  const pruners = config.pruners.map(getPruner);
  const engine = await selectEngine(flags.engine ?? 'auto', {
    precision: config.precision ?? 'float32',
    ...(workers > 1 ? { threads: 1 } : {}),
  });
  const used = describeEngine(engine);
  if (interruption.received) await engine.dispose();
  interruption.throwIfInterrupted();
  progress.log(`  engine: ${engineSummary(used)}${workers > 1 ? ' per worker' : ''}`);
  const options = {
    engine,
    pruners,
    workers,
    backend: backend.name,
    environment: {
      ...environmentInfo(backend),
      engine: { name: used.name, version: used.version, threads: used.threads, precision: used.precision },
    },
    command: commandLine(),
    rationale,
    onProgress: (p: ExperimentProgress) => {
      progress.update({
        fraction: p.overall,
        label: `${p.run}/${p.runs} runs done; m=${p.m} seed=${p.seed} ${p.phase} ${p.done}/${p.total}`,
      });
    },
    onRunDone: (run: RunResult, i: number, total: number) => {
      const time = (c: { t: number | null; censoredAt: number | null }) =>
        c.t === null ? `>${c.censoredAt ?? '?'}` : String(c.t);
      const crit = run.critical.tCrit.map((c) => `t_crit(n=${c.n})=${time(c)}`).join(' ');
      progress.log(
        `  run ${i + 1}/${total} m=${run.m} seed=${run.seed}: ${run.seconds.toFixed(1)} s, t_in=${time(run.critical.tIn)} t_dense=${time(run.critical.tDense)} ${crit}`,
      );
    },
  };
  const outcome = await sweepWithResume(
    config,
    options,
    store,
    {
      context: { backend: backend.name, engine: `${used.name}/${used.precision}` },
      fresh: flags.fresh,
      shard,
    },
    interruption,
  ).finally(() => engine.dispose());
  const where = shard ? `shard ${shard.index}/${shard.count}: ` : '';
  // Not progress but part of the result (which numbers were computed now), so printed even with --quiet.
  process.stderr.write(
    `pruneproof verify: ${where}${outcome.reused} of ${outcome.total} runs reused from ${store.dir}, ${outcome.computed} computed and stored\n`,
  );
  if (!outcome.report) return EXIT.ok;
  const doc = outcome.report;
  interruption.throwIfInterrupted();
  const { dir } = await writeReportTo(doc, flags.out, flags.force, interruption.signal);
  const exitCode = exitCodeOf(doc, flags.strict, 'pruneproof verify');
  await emitResults(flags, {
    suite: 'pruneproof verify',
    checks: verifyOutcomes(doc),
    summary: {
      command: 'verify',
      runId: doc.runId,
      report: `${dir}/report.md`,
      exitCode,
      brokenInvariant: doc.checks.some((c) => c.kind === 'invariant' && c.verdict === 'FAIL'),
      failedClaim: doc.checks.some((c) => c.kind === 'claim' && c.verdict === 'FAIL'),
    },
    printHuman: () => printSummary(doc, dir, (s) => process.stdout.write(`${s}\n`)),
  });
  return exitCode;
}

/**
 * Writes the report; a report of the same run id written meanwhile by another process is replaced only with
 * --force, and a failed write (full disk, …) is bad input naming the directory (the runs stay in the store).
 */
export async function writeReportTo(
  doc: ReportDocument,
  out: string,
  force: boolean | undefined,
  signal: AbortSignal,
): Promise<{ dir: string }> {
  try {
    return await writeReport(doc, out, { replace: force === true, signal });
  } catch (e) {
    const error = e as NodeJS.ErrnoException;
    if (error.name === 'AlreadyWrittenError') throw new InputError(error.message);
    if (!error.code || signal.aborted) throw e;
    throw new InputError(
      `--out: writing the report to ${resolve(out)} failed (${error.code}: ${error.message}); the runs are kept in the store: free space or pass another --out and run the same command`,
    );
  }
}

/** 1 when an invariant broke, or a claim FAILed under --strict; else 0 (said on stderr). */
export function exitCodeOf(doc: ReportDocument, strict: boolean | undefined, command: string): number {
  const brokenInvariant = doc.checks.some((c) => c.kind === 'invariant' && c.verdict === 'FAIL');
  const failedClaim = doc.checks.some((c) => c.kind === 'claim' && c.verdict === 'FAIL');
  if (brokenInvariant) {
    process.stderr.write(`${command}: an invariant broke — this is a bug in pruneproof or in a pruner (exit 1)\n`);
    return EXIT.failed;
  }
  if (failedClaim && strict) {
    process.stderr.write(`${command}: a claim FAILed and --strict is set (exit 1)\n`);
    return EXIT.failed;
  }
  return EXIT.ok;
}
