/**
 * `pruneproof check-pruner <module>`: loads a user's pruner from a JavaScript module (in a worker thread) or a
 * Python module (in a child process, src/interop/python), runs the pruner contracts,
 * the claim properties with the pruner in place of greedy, and the comparison with greedy / random / magnitude;
 * writes reports/<run-id>/{report.md, report.json}. Exit 0 when every contract holds, 1 when one is broken,
 * 2 when the module cannot be loaded or does not export a Pruner.
 */
import type { ClaimsFlags } from './claims';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BackendInfo, BackendName } from '../backend';
import { describeBackend } from '../backend';
import { prunerReportDocument, writePropertyReport } from '../report/properties/report';
import { CounterexampleStore, DEFAULT_COUNTEREXAMPLE_DIR } from '../properties/store';
import type { Pruner } from '../pruning/types';
import { environmentInfo } from '../report/environment';
import { loadIsolatedPruner, type IsolatedPruner } from '../sandbox/isolated-pruner';
import { MIN_MAX_MEMORY_MB } from '../sandbox/memory-watch';
import { checkPruner, describeBrokenContracts, type PrunerCheckResult } from '../properties/pruner-check';
import { importPrunerModule, PrunerModuleError } from '../sandbox/pruner-module';
import { isPythonModulePath, loadPythonPruner, type PythonPruner } from '../interop/python/python-pruner';
import { replayCommand, resultLine } from './claims';
import { EXIT, InputError } from './errors';
import { emitResults, propertyOutcome } from './json-output';

/** The same knobs as `claims`: the pruner's claim properties run through the same runner and store. */
export type CheckPrunerFlags = ClaimsFlags & {
  /** Seconds one call of the user's `prune` may take (default 30); the --time-limit bounds it further. */
  callTimeout?: number;
  /** The Python interpreter for a .py pruner (default PRUNEPROOF_PYTHON, else python3). */
  python?: string;
  /** Memory cap of the pruner's process in MB (default DEFAULT_MAX_MEMORY_MB). */
  maxMemory?: number;
};

export interface LoadedPruner {
  pruner: Pruner;
  /** Absolute path of the module. */
  path: string;
  /** SHA-256 (first 16 hex digits) of the module file: part of the run id, so an edited pruner gets a new report. */
  hash: string;
}

function checkedPath(file: string): string {
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new InputError(
      `check-pruner: pruner module '${file}' not found (looked for ${path}); pass the path of a JavaScript file that exports a Pruner { name, prune(input) }, or of a Python file that defines prune(features, y, n, seed, weights)`,
    );
  }
  return path;
}

function moduleHash(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16);
}

function asInputError(e: unknown): unknown {
  return e instanceof PrunerModuleError ? new InputError(e.message) : e;
}

/** Loads the module at `file` (relative to the working directory) in this thread and finds the Pruner it exports. */
export async function loadPrunerModule(file: string): Promise<LoadedPruner> {
  const path = checkedPath(file);
  const pruner = await importPrunerModule(path, file).catch((e: unknown) => Promise.reject(asInputError(e)));
  return { pruner, path, hash: moduleHash(path) };
}

/**
 * The same, but the module runs in a child process whose every `prune` call is bounded in time and memory (see
 * isolated-pruner).
 */
export async function loadIsolatedPrunerModule(
  file: string,
  backend: BackendName,
  callTimeoutSeconds?: number,
  maxMemoryMb?: number,
): Promise<LoadedPruner & { pruner: IsolatedPruner }> {
  const path = checkedPath(file);
  const pruner = await loadIsolatedPruner(path, file, { backend, callTimeoutSeconds, maxMemoryMb }).catch(
    (e: unknown) => Promise.reject(asInputError(e)),
  );
  return { pruner, path, hash: moduleHash(path) };
}

/** A Python module (a .py path), run in one child process whose every `prune` call is bounded in time. */
export async function loadPythonPrunerModule(
  file: string,
  opts: { python?: string; callTimeoutSeconds?: number; maxMemoryMb?: number } = {},
): Promise<LoadedPruner & { pruner: PythonPruner }> {
  const path = checkedPath(file);
  const pruner = await loadPythonPruner(path, file, opts).catch((e: unknown) => Promise.reject(asInputError(e)));
  return { pruner, path, hash: moduleHash(path) };
}

/** The pruner module at `file`, isolated: Python for a .py path, else JavaScript. */
export function loadCheckedPrunerModule(
  file: string,
  backend: BackendName,
  opts: { python?: string; callTimeoutSeconds?: number; maxMemoryMb?: number },
): Promise<LoadedPruner & { pruner: IsolatedPruner }> {
  return isPythonModulePath(file)
    ? loadPythonPrunerModule(file, opts)
    : loadIsolatedPrunerModule(file, backend, opts.callTimeoutSeconds, opts.maxMemoryMb);
}

function summarise(result: PrunerCheckResult, dir: string, out: (s: string) => void): void {
  out('');
  for (const r of [...result.contracts, ...result.claims]) out(`  ${resultLine(r)}`);
  if (result.comparison) {
    for (const row of result.comparison.rows) {
      const ratio = row.geometricMeanRatioToGreedy === null ? 'n/a' : row.geometricMeanRatioToGreedy.toPrecision(3);
      out(
        `  compare  ${row.pruner.padEnd(20)} mean loss ${row.meanLoss === null ? 'n/a' : row.meanLoss.toPrecision(3)}, loss/greedy ${ratio} over ${row.cases} case(s)`,
      );
    }
  }
  if (result.passed) out(`Pruner '${result.pruner}' meets every contract.`);
  else out(`Pruner '${result.pruner}' BREAKS ITS CONTRACT:\n${describeBrokenContracts(result)}`);
  out(`Report: ${dir}/report.html (+ report.md, report.json) in ${result.seconds.toFixed(1)} s`);
}

export async function checkPrunerCommand(file: string, flags: CheckPrunerFlags, backend: BackendInfo): Promise<number> {
  const log = (s: string) => {
    if (!flags.quiet) process.stderr.write(`${s}\n`);
  };
  if (flags.maxMemory !== undefined && flags.maxMemory < MIN_MAX_MEMORY_MB)
    throw new InputError(`--max-memory: at least ${MIN_MAX_MEMORY_MB} MB (a pruner's process needs that to start)`);
  const loaded = await loadCheckedPrunerModule(file, backend.name, {
    python: flags.python,
    callTimeoutSeconds: flags.callTimeout,
    maxMemoryMb: flags.maxMemory,
  });
  try {
    return await checkLoadedPruner(file, loaded, flags, backend, log);
  } finally {
    await loaded.pruner.close();
  }
}

async function checkLoadedPruner(
  file: string,
  loaded: LoadedPruner,
  flags: CheckPrunerFlags,
  backend: BackendInfo,
  log: (s: string) => void,
): Promise<number> {
  const storeDir = flags.db ?? DEFAULT_COUNTEREXAMPLE_DIR;
  const runtime = (loaded.pruner as Partial<PythonPruner>).runtime;
  const python = runtime ? `; Python ${runtime.python}, NumPy ${runtime.numpy} (${runtime.executable})` : '';
  log(`pruneproof check-pruner: '${loaded.pruner.name}' from ${loaded.path}; ${describeBackend(backend)}${python}`);
  const result = await checkPruner(loaded.pruner, {
    quick: flags.quick,
    seed: flags.seed,
    timeLimitSeconds: flags.timeLimit,
    store: new CounterexampleStore(storeDir),
    onStart: (def, i, total) => log(`  [${i + 1}/${total}] ${def.id} ...`),
    onResult: (r) => log(`      ${r.verdict} in ${r.seconds.toFixed(1)} s`),
  });
  const command = replayCommand('check-pruner', [
    file,
    flags.quick && '--quick',
    `--seed ${result.settings.seed}`,
    `--time-limit ${result.settings.timeLimitSeconds}`,
    flags.callTimeout !== undefined && `--call-timeout ${flags.callTimeout}`,
    flags.python !== undefined && `--python ${flags.python}`,
    flags.maxMemory !== undefined && `--max-memory ${flags.maxMemory}`,
    `--db ${storeDir}`,
    `--out ${flags.out}`,
  ]);
  const doc = prunerReportDocument(result, {
    command,
    environment: environmentInfo(backend),
    module: file,
    moduleHash: loaded.hash,
  });
  const { dir } = await writePropertyReport(doc, flags.out);
  const exitCode = result.passed ? EXIT.ok : EXIT.failed;
  const { pruner, passed, brokenContracts, comparison, skipped } = result;
  await emitResults(flags, {
    suite: `pruneproof check-pruner ${pruner}`,
    checks: [...result.contracts, ...result.claims].map((r) => propertyOutcome(r, dir)),
    summary: {
      command: 'check-pruner',
      pruner,
      module: file,
      passed,
      brokenContracts,
      report: `${dir}/report.md`,
      exitCode,
      skipped,
      comparison: comparison?.rows ?? null,
    },
    printHuman: () => summarise(result, dir, (s) => process.stdout.write(`${s}\n`)),
  });
  return exitCode;
}
