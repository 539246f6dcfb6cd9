/** `pruneproof verify`: defaults ← config file ← flags → experiment → report → summary and exit code. */
import type { BackendInfo } from '../backend';
import { describeBackend } from '../backend';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import type { ExperimentConfig } from '../experiment/config';
import { canonicalJson, runId } from '../experiment/config';
import { checkMnistInstallation } from '../data/mnist';
import { DEFAULT_PRESET, PRESETS, presetLayer, type Preset } from '../experiment/defaults';
import { datasetFromFlags, type ConfigLayer } from '../experiment/fields';
import { checkConfig, mergeConfig } from '../experiment/validate-config';
import { BUILTIN_PRUNER_NAMES, getPruner, isBuiltinPruner, picksWithReplacement, type Pruner } from '../pruning';
import { hasBuiltinSubject, runPruners, subjectOf } from '../experiment/subject';
import { existsSync } from 'node:fs';
import { loadPrunerModule, loadPythonPrunerModule } from './check-pruner';
import { PRUNE_CALL_TIMEOUT_SECONDS } from './file-commands';
import { isPythonModulePath } from '../interop/python/python-pruner';
import { environmentInfo } from '../report/environment';
import { describeEngine, engineKey, engineSummary, selectEngine } from '../engine';
import type { ReportDocument } from '../report/types';
import { subjectName } from '../report/verify/run-tables';
import type { ExperimentProgress } from '../experiment/verify';

import type { RunResult } from '../experiment/types';
import { writeReport } from '../report/write';
import { readConfigFile } from './config-file';
import { EXIT, InputError } from './errors';
import { ProgressReporter } from './progress';
import { refuseOverwrite, shardFrom, storeFrom, sweepWithResume, type StoreFlags } from './sweep';
import { datasetShape, preflight, type PreflightFlags } from './resources';
import { readInitWeights } from '../interop/files';
import type { ConfigRequest } from './config-options';
import { replayInvocation } from './replay';
import { emitResults, verifyOutcomes, type OutputFlags } from './json-output';
import { interruptible, type Interruption } from './signals';

/** verify's command options (its configuration options are the field table's: see config-options.ts). */
export interface VerifyFlags extends StoreFlags, PreflightFlags, OutputFlags {
  /** Reports directory. */
  out: string;
  /** Exit 1 when a claim FAILs. */
  strict?: boolean;
  quiet?: boolean;
  /** Worker threads for the runs; default: one per CPU (capped by the number of runs). */
  workers?: number;
}

/** The preset named by --preset, else the default of the dataset's kind. */
function presetOf(request: ConfigRequest, file: ConfigLayer): Preset {
  if (request.preset !== undefined) return PRESETS[request.preset];
  const named = request.dataset.dataset;
  const mnist = named === 'mnist' || (named === undefined && file.dataset?.kind === 'mnist');
  return PRESETS[mnist ? 'mnist' : DEFAULT_PRESET];
}

/** Rules that need the pruner registry: known names, and distinct-neuron pruners within the width. */
function checkPruners(config: ExperimentConfig, source: string): void {
  for (const name of config.pruners) getPruner(name);
  checkSubject(config, source);
  const builtins = [...new Set([subjectOf(config), ...config.pruners])].filter(isBuiltinPruner).map(getPruner);
  const distinctOnly = builtins.filter((p) => !picksWithReplacement(p)).map((p) => p.name);
  const tooBig = config.subnetworkSizes.filter((n) => n > config.width);
  if (distinctOnly.length && tooBig.length) {
    throw new InputError(
      `${source}: subnetwork size(s) ${tooBig.join(', ')} exceed the width N = ${config.width}, which ${distinctOnly.join(', ')} cannot select without replacement`,
    );
  }
}

/** --init-weights: the file fits the configured network (width, parameterisation) and dataset (d, C), before any run. */
function checkInitWeights(config: ExperimentConfig): void {
  const setting = config.initWeights!;
  const weights = readInitWeights(setting, config.parameterisation);
  const { d, outputs } = datasetShape(config.dataset);
  const found = `N = ${weights.width}, d = ${weights.inputDim}, C = ${weights.outputs}`;
  const expected = `N = ${config.width} (--width), d = ${d}, C = ${outputs} (the dataset)`;
  if (weights.width !== config.width || weights.inputDim !== d || weights.outputs !== outputs)
    throw new InputError(`--init-weights ${setting.path}: a network with ${found}; this run needs ${expected}`);
}

/**
 * The configuration by the composition rule of src/experiment/fields.ts: preset (its quick variant under
 * --quick) ← config file ← flags, validated; with the rationale of the preset when nothing above it changed it.
 */
export function buildConfig(request: ConfigRequest): { config: ExperimentConfig; rationale: string[] } {
  const file = request.configFile ? readConfigFile(request.configFile) : {};
  const preset = presetOf(request, file);
  const base = presetLayer(preset, request.quick === true);
  const dataset = datasetFromFlags(request.dataset, file.dataset ?? base.dataset);
  const config = mergeConfig(base, file, { ...request.layer, ...(dataset ? { dataset } : {}) });
  const source = request.configFile ?? 'flags';
  checkConfig(config, source);
  checkPruners(config, source);
  if (config.initWeights) checkInitWeights(config);
  // The preset's rationale applies when the values are the preset's, however they were spelled.
  const usesPreset = canonicalJson(config) === canonicalJson(base);
  const quickNote = `--quick: the default grid cut to m ∈ {${config.mGrid.join(', ')}}, ${config.seeds.length} seeds, ${config.checkpoints} checkpoints (a smoke run, not a reference result).`;
  const rationale = usesPreset
    ? [...preset.rationale, ...(request.quick ? [quickNote] : [])]
    : [
        'Configuration supplied by the user (see the configuration table); it differs from the defaults whose rationale is in the README.',
      ];
  return { config, rationale };
}

/** A subject that is no built-in pruner must be a JavaScript or Python module file (loaded before any run). */
function checkSubject(config: ExperimentConfig, source: string): void {
  if (hasBuiltinSubject(config)) return;
  const file = subjectOf(config);
  if (!(/\.(c|m)?js$/.test(file) || isPythonModulePath(file)) || !existsSync(file)) {
    throw new InputError(
      `${source}: subject '${file}' is neither a built-in pruner (${BUILTIN_PRUNER_NAMES.join(', ')}) nor an existing .js or .py module`,
    );
  }
}

/**
 * The subject as a Pruner: a built-in, the Pruner a JavaScript module exports (loaded in this thread), or a Python
 * module in one child process for the whole sweep (interpreter: PRUNEPROOF_PYTHON, else python3), closed by `close`.
 */
async function subjectPruner(config: ExperimentConfig): Promise<{ pruner: Pruner; close: () => Promise<void> }> {
  const none = async () => undefined;
  if (hasBuiltinSubject(config)) return { pruner: getPruner(subjectOf(config)), close: none };
  if (!isPythonModulePath(subjectOf(config)))
    return { pruner: (await loadPrunerModule(subjectOf(config))).pruner, close: none };
  const { pruner } = await loadPythonPrunerModule(subjectOf(config), {
    callTimeoutSeconds: PRUNE_CALL_TIMEOUT_SECONDS,
  });
  return { pruner, close: () => pruner.close() };
}

export function commandLine(): string {
  return replayInvocation(process.argv.slice(2));
}

export function printSummary(doc: ReportDocument, dir: string, log: (s: string) => void): void {
  log('');
  log(`Summary (${doc.runId}), subject ${subjectName(doc)}`);
  const width = Math.max(...doc.summary.map((r) => r.verdict.length));
  for (const row of doc.summary) {
    const check = row.check.length > 90 ? `${row.check.slice(0, 87)}...` : row.check;
    log(`  ${row.verdict.padEnd(width)}  ${row.kind.padEnd(9)}  ${check}`);
  }
  log(
    `Report: ${dir}/report.html (+ report.md, report.json, plots) in ${doc.wallSeconds.toFixed(1)} s; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
  );
}

export function verifyCommand(request: ConfigRequest, flags: VerifyFlags, backend: BackendInfo): Promise<number> {
  return interruptible('pruneproof verify', (interruption) =>
    verifyInterruptibly(request, flags, backend, interruption),
  );
}

async function verifyInterruptibly(
  request: ConfigRequest,
  flags: VerifyFlags,
  backend: BackendInfo,
  interruption: Interruption,
): Promise<number> {
  const progress = new ProgressReporter(process.stderr, flags.quiet);
  const { config, rationale } = buildConfig(request);
  // A missing or truncated MNIST file is bad input, reported before any run starts (headers only: cheap).
  if (config.dataset.kind === 'mnist') checkMnistInstallation();
  progress.log(`pruneproof verify: ${describeBackend(backend)}; run id ${runId(config)}`);
  // A module subject is loaded in this thread; worker threads build only built-in pruners from the config.
  const threads = hasBuiltinSubject(config) ? (flags.workers ?? cpus().length) : 1;
  const workers = Math.min(threads, config.mGrid.length * config.seeds.length);
  progress.log(describeDesign(config, workers));
  if (preflight(config, workers, backend.name, flags, (s) => progress.log(s))) return EXIT.ok;
  const shard = shardFrom(flags);
  if (!shard) await refuseOverwrite(flags.out, runId(config), flags.force);
  const store = storeFrom(flags, (s) => process.stderr.write(`pruneproof verify: ${s}\n`));
  interruption.throwIfInterrupted();
  const { pruner: subject, close: closeSubject } = await subjectPruner(config);
  const pruners = runPruners(config, subject);
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
    subject: subject.name,
    workers,
    backend: backend.name,
    environment: {
      ...environmentInfo(backend),
      engine: { name: used.name, version: used.version, threads: used.threads, precision: used.precision },
    },
    command: commandLine(),
    rationale,
    ...progressCallbacks(progress),
  };
  const outcome = await sweepWithResume(
    config,
    options,
    store,
    {
      context: { backend: backend.name, engine: engineKey(used) },
      fresh: flags.fresh,
      shard,
    },
    interruption,
  ).finally(async () => {
    await engine.dispose();
    await closeSubject();
  });
  const where = shard ? `shard ${shard.index}/${shard.count}: ` : '';
  // Not progress but part of the result (which numbers were computed now), so printed even with --quiet.
  process.stderr.write(
    `pruneproof verify: ${where}${outcome.reused} of ${outcome.total} runs reused from ${store.dir}, ${outcome.computed} computed and stored\n`,
  );
  if (!outcome.report) return EXIT.ok;
  const doc = outcome.report;
  interruption.throwIfInterrupted();
  const { dir } = await writeReportTo(doc, flags.out, flags.force, interruption.signal);
  return reportOutcome(doc, dir, flags);
}

/** The design in one line: grid, seeds, threads, width, sizes, steps and η. */
function describeDesign(config: ExperimentConfig, workers: number): string {
  const training = config.batchSize === null ? 'GD' : `SGD (batch ${config.batchSize})`;
  const eta = config.etaRelative === undefined ? config.eta : `${config.etaRelative} × stability limit`;
  return `  ${config.mGrid.length} m values × ${config.seeds.length} seeds on ${workers} worker thread(s); N = ${config.width}, n ∈ {${config.subnetworkSizes.join(', ')}}, T = ${config.iterations} ${training} steps, η = ${eta}`;
}

/** The sweep's progress bar and one line per finished run. */
function progressCallbacks(progress: ProgressReporter) {
  const time = (c: { t: number | null; censoredAt: number | null }) =>
    c.t === null ? `>${c.censoredAt ?? '?'}` : String(c.t);
  return {
    onProgress: (p: ExperimentProgress) => {
      progress.update({
        fraction: p.overall,
        label: `${p.run}/${p.runs} runs done; m=${p.m} seed=${p.seed} ${p.phase} ${p.done}/${p.total}`,
      });
    },
    onRunDone: (run: RunResult, i: number, total: number) => {
      const crit = run.critical.tCrit.map((c) => `t_crit(n=${c.n})=${time(c)}`).join(' ');
      progress.log(
        `  run ${i + 1}/${total} m=${run.m} seed=${run.seed}: ${run.seconds.toFixed(1)} s, t_in=${time(run.critical.tIn)} t_dense=${time(run.critical.tDense)} ${crit}`,
      );
    },
  };
}

/** The written report's summary (human, JSON or JUnit as the flags ask) and the exit code. */
async function reportOutcome(doc: ReportDocument, dir: string, flags: VerifyFlags): Promise<number> {
  const exitCode = exitCodeOf(doc, flags.strict, 'pruneproof verify');
  await emitResults(flags, {
    suite: 'pruneproof verify',
    checks: verifyOutcomes(doc, dir),
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
