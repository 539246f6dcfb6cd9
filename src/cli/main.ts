#!/usr/bin/env node
/**
 * The pruneproof command line. Exit codes: see errors.ts (0 ok, 1 invariant broken / strict claim
 * failure, 2 bad input, 3 internal error).
 */
import { Command, Option } from 'commander';
import { BACKEND_NAMES, describeBackend, type BackendName } from '../backend';
import { LABEL_KINDS } from '../data/types';
import { PARAMETERISATIONS } from '../model/types';
import { EXIT, isBadInput } from './errors';
import { installSignalExit } from './signals';
import { kernelCommand, pruneCommand } from './files';
import { intList, integer, positiveInt, positiveNumber, stringList } from './flags';
import { verifyCommand, type VerifyFlags } from './verify';
import { claimsCommand, type ClaimsFlags } from './claims';
import { checkPrunerCommand, type CheckPrunerFlags } from './check-pruner';
import { fitCommand, type FitFlags } from './fit';
import { mergeCommand, type MergeFlags } from './merge';
import { diffCommand, type DiffFlags } from './diff';

/** verify flags that make no sense for merge (it computes nothing and reads the store it is given). */
const MERGE_SKIPS = new Set(['--store', '--fresh', '--shard', '--workers']);
import { checkAnalysisThreadsEnvironment, checkStartPaths, initBackendOrExplain } from './validate-start';
import { internalErrorReport, versionLine } from './version';
import { helpFooter } from './help';
import { DEFAULT_STORE_DIR } from '../claims/store';
import { DEFAULT_MAX_MEMORY_MB } from '../testing/isolated-pruner';

const backendOption = () =>
  new Option(
    '--backend <name>',
    'force a tfjs backend (default: tensorflow → wasm → cpu; env PRUNEPROOF_BACKEND)',
  ).choices([...BACKEND_NAMES, 'auto']);

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

async function backendFor(opts: { backend?: BackendName | 'auto' }, announce: boolean) {
  const info = await initBackendOrExplain(opts.backend);
  if (announce) process.stderr.write(`pruneproof: ${describeBackend(info)}\n`);
  return info;
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command()
    .name('pruneproof')
    .description('Property-based verification of greedy forward selection after pre-training (arXiv 2108.00259)')
    .version(versionLine(), '-V, --version')
    .showHelpAfterError()
    .addHelpText('after', helpFooter())
    .exitOverride();

  program
    .command('verify')
    .description('pre-train, prune and check the theory over an m grid; writes reports/<run-id>/')
    .option('--config <file>', 'JSON config file (fields of ExperimentConfig; flags override it)')
    .option(
      '--preset <name>',
      'a named configuration: synthetic (default), mnist (mean-field), mnist-ntk, theorem (B3 decided at every m)',
    )
    .option('--dataset <kind>', "'synthetic', 'mnist', or a path to a dataset .json")
    .addOption(new Option('--labels <kind>', 'synthetic label kind').choices([...LABEL_KINDS]))
    .option('--d <int>', 'synthetic input dimension', positiveInt('--d'))
    .option('--m <list>', 'dataset sizes, e.g. 50,100,200', intList('--m'))
    .option('--seeds <list>', 'seeds, e.g. 1,2,3', intList('--seeds'))
    .option('--width <int>', 'dense width N', positiveInt('--width'))
    .option('--n <list>', 'subnetwork sizes, e.g. 10,50', intList('--n'))
    .option('--epsilon <x>', 'target normalised subnetwork loss ε', positiveNumber('--epsilon'))
    .option(
      '--epsilon-rel <r>',
      "ε = r × the label energy ‖y‖²/(2m) of each run (the zero predictor's loss)",
      positiveNumber('--epsilon-rel'),
    )
    .option('--eta <x>', 'GD step size η', positiveNumber('--eta'))
    .option(
      '--eta-rel <r>',
      'η = r × the stability limit measured for each m (0 < r < 1); overrides --eta',
      positiveNumber('--eta-rel'),
    )
    .option('--iterations <int>', 'pre-training iterations T', positiveInt('--iterations'))
    .option(
      '--batch-size <int>',
      'minibatch SGD with this batch size (default: full-batch GD)',
      positiveInt('--batch-size'),
    )
    .option('--checkpoints <int>', 'number of log-spaced checkpoints', positiveInt('--checkpoints'))
    .addOption(new Option('--parameterisation <p>', 'network parameterisation').choices([...PARAMETERISATIONS]))
    .option('--pruners <list>', 'pruners to run, e.g. greedy,random,magnitude', stringList('--pruners'))
    .option(
      '--target-accuracy <x>',
      'accuracy target for the accuracy-based t_crit (MNIST)',
      positiveNumber('--target-accuracy'),
    )
    .option(
      '--target-accuracy-rel <r>',
      "accuracy target = r × the dense network's training accuracy at T",
      positiveNumber('--target-accuracy-rel'),
    )
    .addOption(
      new Option(
        '--engine <name>',
        'GD engine (default: onnx when it loads, else tfjs; env PRUNEPROOF_ENGINE)',
      ).choices(['onnx', 'tfjs', 'auto']),
    )
    .addOption(
      new Option('--precision <p>', 'pre-training arithmetic (float64: onnx engine only)').choices([
        'float32',
        'float64',
      ]),
    )
    .option('--raw-pixels', 'MNIST: keep [0,1] pixels instead of unit-norm inputs (H1 then fails)')
    .option(
      '--out <dir>',
      'reports directory (default runs/, gitignored; committed references: npm run reference)',
      'runs',
    )
    .option(
      '--force',
      'replace an existing report of the same run id, and run even when the estimated peak memory exceeds the free memory',
    )
    .option('--store <dir>', 'run store: finished (m, seed) runs are kept here and reused (default .pruneproof/store)')
    .option('--fresh', 'recompute every run, ignoring stored ones (fresh runs are still stored)')
    .option(
      '--shard <k/K|auto>',
      'compute only runs i with i mod K = k, store them, write no report (auto: Slurm array / k8s Indexed Job)',
    )
    .option('--quick', 'a minute-long smoke run of the same pipeline')
    .option('--strict', 'exit 1 when a claim FAILs (default: claims are findings, exit 0)')
    .option('--quiet', 'no progress output')
    .option('--json', 'print the summary as one JSON object on stdout (progress stays on stderr)')
    .option('--junit <file>', 'also write the checks as JUnit XML (one test case per check) for CI')
    .option(
      '--workers <int>',
      'worker threads for the runs (default: one per CPU); results do not depend on it',
      positiveInt('--workers'),
    )
    .option('--dry-run', 'print the estimated peak memory and time, then stop')
    .addOption(backendOption())
    .action(async (opts: VerifyFlags & { backend?: BackendName | 'auto' }) => {
      checkStartPaths(opts, { store: false });
      checkAnalysisThreadsEnvironment();
      const backend = await backendFor(opts, false);
      setExit(await verifyCommand(opts, backend));
    });

  // merge takes verify's config flags, so it names the same config (and run keys) as the shards' verify.
  const verifyOptions = program.commands.find((c) => c.name() === 'verify')!.options;
  const merge = program
    .command('merge')
    .description('assemble the report of a sharded sweep from a run store; exit 2 naming any missing (m, seed)')
    .argument('<store>', 'run store directory the shards wrote (verify --shard k/K --store DIR)');
  for (const option of verifyOptions) if (!MERGE_SKIPS.has(option.long ?? '')) merge.addOption(option);
  merge.action(async (store: string, opts: MergeFlags & { backend?: BackendName | 'auto' }) => {
    checkAnalysisThreadsEnvironment();
    const backend = await backendFor(opts, false);
    setExit(await mergeCommand(store, opts, backend));
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

  program
    .command('kernel')
    .description('print λ0, λ_max(H∞) and the GD stability limit of a dataset as JSON')
    .requiredOption('--data <file>', 'dataset JSON {"x": number[][], "y": number[] | number[][]}')
    .option('--weights <file>', 'also the finite-width limit 2/λ_max(H(0)) of these weights')
    .option('--normalise', 'scale inputs to unit norm first')
    .addOption(backendOption())
    .action(async (opts) => {
      const backend = await backendFor(opts, true);
      printJson(kernelCommand(opts, backend));
    });

  program
    .command('prune')
    .description('prune a network trained anywhere; print the selected multiset and the loss per step as JSON')
    .requiredOption('--data <file>', 'dataset JSON')
    .requiredOption('--weights <file>', 'weights JSON {"parameterisation", "W", "a" | "b"}')
    .option('--pruner <name>', 'greedy, greedy-norep, random or magnitude', 'greedy')
    .requiredOption('--n <int>', 'subnetwork size', positiveInt('--n'))
    .option('--seed <int>', 'seed for randomised pruners', integer('--seed'), 0)
    .addOption(backendOption())
    .action(async (opts) => {
      const backend = await backendFor(opts, true);
      printJson(await pruneCommand(opts, backend));
    });

  program
    .command('claims')
    .description('THEORY.md §6 invariants and claims as fast-check properties with shrinking; writes reports/<run-id>/')
    .option('--quick', 'fewer runs and 8 s per property (about a minute)')
    .option('--config <file>', "config file whose 'theory' overrides the properties' bounds use")
    .option('--seed <int>', 'fast-check seed', integer('--seed'))
    .option('--out <dir>', 'reports directory', 'reports')
    .option('--db <dir>', 'counterexample store, replayed first (default .pruneproof/counterexamples)')
    .option(
      '--time-limit <seconds>',
      'budget per property, shrinking included (default 8 quick, 60 full)',
      positiveNumber('--time-limit'),
    )
    .option('--quiet', 'no progress output')
    .option('--json', 'print the summary as one JSON object on stdout (progress stays on stderr)')
    .option('--junit <file>', 'also write the checks as JUnit XML (one test case per check) for CI')
    .addOption(backendOption())
    .action(async (opts: ClaimsFlags & { backend?: BackendName | 'auto' }) => {
      checkStartPaths(opts, { store: true, defaultStore: DEFAULT_STORE_DIR });
      const backend = await backendFor(opts, false);
      setExit(await claimsCommand(opts, backend));
    });

  program
    .command('check-pruner')
    .description(
      'run the pruner contracts and claims on a user pruner module, compare it with greedy/random/magnitude; exit 1 if a contract breaks',
    )
    .argument(
      '<module>',
      'JavaScript file exporting a Pruner { name, prune(input) } (module.exports, default or pruner)',
    )
    .option('--quick', 'fewer runs and 8 s per property')
    .option('--seed <int>', 'fast-check seed', integer('--seed'))
    .option('--out <dir>', 'reports directory', 'reports')
    .option('--db <dir>', 'counterexample store, replayed first (default .pruneproof/counterexamples)')
    .option(
      '--time-limit <seconds>',
      'budget per property, shrinking included (default 8 quick, 30 full)',
      positiveNumber('--time-limit'),
    )
    .option(
      '--call-timeout <seconds>',
      'limit per call of the pruner, run in a child process (default 30)',
      positiveNumber('--call-timeout'),
    )
    .option(
      '--max-memory <MB>',
      `memory cap of the pruner's process (V8 heap and resident memory; default ${DEFAULT_MAX_MEMORY_MB}, at least 64)`,
      positiveNumber('--max-memory'),
    )
    .option('--quiet', 'no progress output')
    .option('--json', 'print the summary as one JSON object on stdout (progress stays on stderr)')
    .option('--junit <file>', 'also write the checks as JUnit XML (one test case per check) for CI')
    .addOption(backendOption())
    .action(async (module: string, opts: CheckPrunerFlags & { backend?: BackendName | 'auto' }) => {
      checkStartPaths(opts, { store: true, defaultStore: DEFAULT_STORE_DIR });
      const backend = await backendFor(opts, false);
      setExit(await checkPrunerCommand(module, opts, backend));
    });

  program
    .command('fit')
    .description('fit log, power, offset-power and saturating laws to t(m) with censoring; calibrated verdict')
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
