#!/usr/bin/env node
/**
 * The pruneproof command line. Exit codes: see errors.ts (0 ok, 1 invariant broken / strict claim
 * failure, 2 bad input, 3 internal error).
 */
import { Command, Option } from 'commander';
import { PARAMETERISATIONS } from '../model/types';
import { BACKEND_NAMES, describeBackend, type BackendName } from '../backend';
import { EXIT, isBadInput } from './errors';
import { installSignalExit } from './signals';
import { kernelCommand, pruneCommand } from './file-commands';
import { integer, positiveInt, positiveNumber } from './flags';
import { verifyCommand, type VerifyFlags } from './verify';
import { claimsCommand, type ClaimsFlags } from './claims';
import { checkPrunerCommand, type CheckPrunerFlags } from './check-pruner';
import { fitCommand, type FitFlags } from './fit';
import { mergeCommand, type MergeFlags } from './merge';
import { compareCommand, type CompareFlags } from './compare';
import { reconcludeCommand, type ReconcludeFlags } from './reconclude';
import { diffCommand, type DiffFlags } from './diff';
import { renderCommand } from './render';
import { configOptions, configRequestOf, fileOnlyFieldsHelp } from './config-options';
import { checkAnalysisThreadsEnvironment, checkStartPaths, initBackendOrExplain } from './validate-start';
import { internalErrorReport, versionLine } from './version';
import { helpFooter } from './help';
import { DEFAULT_COUNTEREXAMPLE_DIR } from '../properties/store';
import { DEFAULT_MAX_MEMORY_MB } from '../sandbox/memory-watch';
import { DEFAULT_RUN_STORE_DIR } from '../store/run-store';

/** Where reports go unless --out says otherwise: a gitignored folder, never the committed references' reports/. */
const DEFAULT_OUT = 'runs';

type BackendFlag = { backend?: BackendName | 'auto' };
type SetExit = (code: number) => void;

const backendOption = () =>
  new Option(
    '--backend <name>',
    'force a tfjs backend (default: tensorflow → wasm → cpu; env PRUNEPROOF_BACKEND)',
  ).choices([...BACKEND_NAMES, 'auto']);

/** How an ONNX model's output layer is scaled (the scale rule of src/interop/onnx-model.ts). */
/** The interpreter of a Python pruner module (check-pruner, prune). */
const pythonOption = () =>
  new Option('--python <path>', 'Python interpreter for a .py pruner (default: env PRUNEPROOF_PYTHON, else python3)');

const parameterisationOption = () =>
  new Option(
    '--parameterisation <p>',
    'ntk (second layer a_r/√N, a_r = ±1) or meanfield (b_r/N): required for .onnx weights',
  ).choices([...PARAMETERISATIONS]);

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

async function backendFor(opts: BackendFlag, announce: boolean) {
  const info = await initBackendOrExplain(opts.backend);
  if (announce) process.stderr.write(`pruneproof: ${describeBackend(info)}\n`);
  return info;
}

function addOptions(command: Command, options: Option[]): Command {
  for (const option of options) command.addOption(option);
  return command;
}

/** --quiet, --json and --junit: how a command reports its outcome. */
function outputOptions(): Option[] {
  return [
    new Option('--quiet', 'no progress output'),
    new Option('--json', 'print the summary as one JSON object on stdout (progress stays on stderr)'),
    new Option('--junit <file>', 'also write the checks as JUnit XML (one test case per check) for CI'),
  ];
}

/** The options verify and merge share besides the configuration: where the report goes and how it is judged. */
function reportOptions(): Option[] {
  return [
    new Option('--out <dir>', `reports directory (gitignored; committed references: npm run reference)`).default(
      DEFAULT_OUT,
    ),
    new Option(
      '--force',
      'replace an existing report of the same run id, and run even when the estimated peak memory exceeds the free memory',
    ),
    new Option('--strict', 'exit 1 when a claim FAILs (default: claims are findings, exit 0)'),
    ...outputOptions(),
    new Option('--engine <name>', 'GD engine (default: onnx when it loads, else tfjs; env PRUNEPROOF_ENGINE)').choices([
      'onnx',
      'tfjs',
      'auto',
    ]),
    new Option('--dry-run', 'print the estimated peak memory and time, then stop'),
    backendOption(),
  ];
}

/** verify's own options: the run store, sharding and workers (merge computes nothing, so has none of them). */
function sweepOptions(): Option[] {
  return [
    new Option(
      '--store <dir>',
      `run store: finished (m, seed) runs are kept here and reused (default ${DEFAULT_RUN_STORE_DIR})`,
    ),
    new Option('--fresh', 'recompute every run, ignoring stored ones (fresh runs are still stored)'),
    new Option(
      '--shard <k/K|auto>',
      'compute only runs i with i mod K = k, store them, write no report (auto: Slurm array / k8s Indexed Job)',
    ),
    new Option(
      '--workers <int>',
      'worker threads for the runs (default: one per CPU); results do not depend on it',
    ).argParser(positiveInt('--workers')),
  ];
}

function addVerify(program: Command, setExit: SetExit): void {
  const verify = program
    .command('verify')
    .description(`pre-train, prune and check the theory over an m grid; writes ${DEFAULT_OUT}/<run-id>/ (--out)`)
    .addHelpText('after', fileOnlyFieldsHelp());
  addOptions(verify, [...configOptions(), ...reportOptions(), ...sweepOptions()]);
  verify.action(async (opts: VerifyFlags & BackendFlag & Record<string, unknown>) => {
    checkStartPaths(opts, { store: false });
    checkAnalysisThreadsEnvironment();
    const backend = await backendFor(opts, false);
    setExit(await verifyCommand(configRequestOf(opts), opts, backend));
  });
}

/** merge takes verify's configuration options, so it names the same config (and run keys) as the shards' verify. */
function addMerge(program: Command, setExit: SetExit): void {
  const merge = program
    .command('merge')
    .description('assemble the report of a sharded sweep from a run store; exit 2 naming any missing (m, seed)')
    .argument('<store>', 'run store directory the shards wrote (verify --shard k/K --store DIR)');
  addOptions(merge, [...configOptions(), ...reportOptions()]);
  merge.action(async (store: string, opts: MergeFlags & BackendFlag & Record<string, unknown>) => {
    checkAnalysisThreadsEnvironment();
    const backend = await backendFor(opts, false);
    setExit(await mergeCommand(store, configRequestOf(opts), opts, backend));
  });
}

function addDiff(program: Command, setExit: SetExit): void {
  program
    .command('reconclude')
    .description("re-run the analysis (checks, scaling, summary) on a report's own stored runs with this code")
    .argument('<report>', 'a report directory or its report.json')
    .requiredOption('--out <dir>', 'directory to write the new report under (as <dir>/<run id>/)')
    .option('--force', 'replace a report already at that place')
    .option('--strict', 'exit 1 when a claim FAILs')
    .action(async (report: string, opts: ReconcludeFlags) => {
      checkAnalysisThreadsEnvironment();
      setExit(await reconcludeCommand(report, opts));
    });

  program
    .command('diff')
    .description('compare two reports (report.json or its directory) or two run stores; exit 1 when a verdict changed')
    .argument('<a>', 'the earlier report.json, report directory or run store')
    .argument('<b>', 'the later one')
    .option('--json', 'print the differences as JSON')
    .action(async (a: string, b: string, opts: DiffFlags) => {
      setExit(await diffCommand(a, b, opts));
    });
}

/** compare (reports side by side in one HTML page) and render (a report's pages again from its report.json). */
function addReportPages(program: Command, setExit: SetExit): void {
  program
    .command('compare')
    .description(
      'reports or run stores side by side in one HTML page plus JSON; exit 1 when a verdict changed (as diff)',
    )
    .argument('<inputs...>', 'two or more report.json files, report directories or run stores, in order')
    .requiredOption('--out <dir>', 'directory for compare.html, compare.json and critical-times.svg')
    .option('--force', 'replace the --out directory when it exists')
    .action(async (inputs: string[], opts: CompareFlags) => {
      setExit(await compareCommand(inputs, opts));
    });
  program
    .command('render')
    .description('write report.md, report.html and the plots of existing reports again from their report.json')
    .argument('<dirs...>', 'report directories (each named by its run id, holding report.json)')
    .action(async (dirs: string[]) => {
      await renderCommand(dirs);
    });
}

function addFileCommands(program: Command): void {
  program
    .command('kernel')
    .description('print λ0, λ_max(H∞) and the GD stability limit of a dataset as JSON')
    .requiredOption('--data <file>', 'dataset JSON {"x": number[][], "y": number[] | number[][]} or .npz (x, y)')
    .option('--weights <file>', 'also the finite-width limit 2/λ_max(H(0)) of these weights (JSON, .npz or .onnx)')
    .addOption(parameterisationOption())
    .option('--normalise', 'scale inputs to unit norm first')
    .addOption(backendOption())
    .action(async (opts) => {
      const backend = await backendFor(opts, true);
      printJson(kernelCommand(opts, backend));
    });

  program
    .command('prune')
    .description('prune a network trained anywhere; print the selected multiset and the loss per step as JSON')
    .requiredOption('--data <file>', 'dataset JSON or .npz (x, y)')
    .requiredOption(
      '--weights <file>',
      'weights JSON {"parameterisation", "W", "a" | "b"}, .npz (W, a | b) or ONNX two-layer ReLU MLP',
    )
    .addOption(parameterisationOption())
    .option(
      '--pruner <name>',
      'greedy, greedy-norep, random, magnitude, or a pruner module (.js, or .py defining prune(features, y, n, seed, weights))',
      'greedy',
    )
    .requiredOption('--n <int>', 'subnetwork size', positiveInt('--n'))
    .option('--seed <int>', 'seed for randomised pruners', integer('--seed'), 0)
    .option('--export <file>', 'also write the pruned subnetwork (its n picks with multiplicities) as ONNX')
    .option('--force', 'replace an existing --export file')
    .addOption(pythonOption())
    .option(
      '--call-timeout <seconds>',
      "limit of a pruner module's call (default 600)",
      positiveNumber('--call-timeout'),
    )
    .addOption(backendOption())
    .action(async (opts) => {
      const backend = await backendFor(opts, true);
      printJson(await pruneCommand(opts, backend));
    });
}

/** The options claims and check-pruner share: seed, output, counterexample store, budget per property. */
function propertyRunOptions(quickHelp: string, fullSeconds: number): Option[] {
  return [
    new Option('--quick', quickHelp),
    new Option('--seed <int>', 'fast-check seed').argParser(integer('--seed')),
    new Option('--out <dir>', 'reports directory (gitignored)').default(DEFAULT_OUT),
    new Option('--db <dir>', `counterexample store, replayed first (default ${DEFAULT_COUNTEREXAMPLE_DIR})`),
    new Option(
      '--time-limit <seconds>',
      `budget per property, shrinking included (default 8 quick, ${fullSeconds} full)`,
    ).argParser(positiveNumber('--time-limit')),
  ];
}

function addClaims(program: Command, setExit: SetExit): void {
  const claims = program
    .command('claims')
    .description(
      `THEORY.md §6 invariants and claims as fast-check properties with shrinking; writes ${DEFAULT_OUT}/<run-id>/`,
    )
    .option('--config <file>', "config file whose 'theory' overrides the properties' bounds use");
  addOptions(claims, [
    ...propertyRunOptions('fewer runs and 8 s per property (about a minute)', 60),
    ...outputOptions(),
    backendOption(),
  ]);
  claims.action(async (opts: ClaimsFlags & BackendFlag) => {
    checkStartPaths(opts, { store: true, defaultStore: DEFAULT_COUNTEREXAMPLE_DIR });
    const backend = await backendFor(opts, false);
    setExit(await claimsCommand(opts, backend));
  });
}

function addCheckPruner(program: Command, setExit: SetExit): void {
  const checkPruner = program
    .command('check-pruner')
    .description(
      'run the pruner contracts and claims on a user pruner module, compare it with greedy/random/magnitude; exit 1 if a contract breaks',
    )
    .argument(
      '<module>',
      'JavaScript file exporting a Pruner { name, prune(input) } (module.exports, default or pruner), or Python file defining prune(features, y, n, seed, weights)',
    );
  addOptions(checkPruner, [
    ...propertyRunOptions('fewer runs and 8 s per property', 30),
    new Option(
      '--call-timeout <seconds>',
      'limit per call of the pruner, run in a child process (default 30)',
    ).argParser(positiveNumber('--call-timeout')),
    pythonOption(),
    new Option(
      '--max-memory <MB>',
      `memory cap of a pruner's process in MB (JavaScript: V8 heap and resident memory; Python: resident memory; default ${DEFAULT_MAX_MEMORY_MB}, at least 64)`,
    ).argParser(positiveNumber('--max-memory')),
    ...outputOptions(),
    backendOption(),
  ]);
  checkPruner.action(async (module: string, opts: CheckPrunerFlags & BackendFlag) => {
    checkStartPaths(opts, { store: true, defaultStore: DEFAULT_COUNTEREXAMPLE_DIR });
    const backend = await backendFor(opts, false);
    setExit(await checkPrunerCommand(module, opts, backend));
  });
}

function addFit(program: Command): void {
  program
    .command('fit')
    .description(
      'one-sided test of t(m) = O(log m) with censoring, then log, power, offset-power and saturating fits; calibrated',
    )
    .requiredOption(
      '--data <file>',
      'measurements JSON {"quantity", "points": [{"m", "seed", "t", "lo"?, "hi"?, "censoredAt"?}]}',
    )
    .option('--plot <file>', 'also write an SVG plot (log–log and semi-log)')
    .option('--seed <int>', 'seed of the bootstrap and the calibration', integer('--seed'), 0)
    .option('--json', 'print the analysis as JSON (default: markdown)')
    .option('--simulations <int>', 'calibration simulations per law (default 200)', positiveInt('--simulations'))
    .option('--resamples <int>', 'bootstrap resamples per model (default 200)', positiveInt('--resamples'))
    .action(async (opts: FitFlags) => {
      checkAnalysisThreadsEnvironment();
      await fitCommand(opts);
    });
}

/** The command tree; `setExit` receives the exit code of the command that ran. */
export function buildProgram(setExit: SetExit): Command {
  const program = new Command()
    .name('pruneproof')
    .description('Property-based verification of greedy forward selection after pre-training (arXiv 2108.00259)')
    .version(versionLine(), '-V, --version')
    .showHelpAfterError()
    .addHelpText('after', helpFooter())
    .exitOverride();
  addVerify(program, setExit);
  addMerge(program, setExit);
  addDiff(program, setExit);
  addReportPages(program, setExit);
  addFileCommands(program);
  addClaims(program, setExit);
  addCheckPruner(program, setExit);
  addFit(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    const err = e as Error & { code?: string; exitCode?: number };
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
      return EXIT.ok;
    if (err.code?.startsWith('commander.')) return EXIT.badInput; // commander already printed the message
    if (isBadInput(e)) {
      process.stderr.write(`pruneproof: error: ${err.message}\n`);
      return EXIT.badInput;
    }
    process.stderr.write(internalErrorReport(e, argv));
    return EXIT.internal;
  }
}

if (require.main === module) {
  installSignalExit();
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(internalErrorReport(e, process.argv.slice(2)));
      process.exitCode = EXIT.internal;
    },
  );
}
