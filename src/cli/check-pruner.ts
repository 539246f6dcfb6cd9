/**
 * `pruneproof check-pruner <module>`: loads a user's pruner from a JavaScript module, runs the pruner contracts,
 * the claim properties with the pruner in place of greedy, and the comparison with greedy / random / magnitude;
 * writes reports/<run-id>/{report.md, report.json}. Exit 0 when every contract holds, 1 when one is broken,
 * 2 when the module cannot be loaded or does not export a Pruner.
 */
import type { ClaimsFlags } from './claims';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BackendInfo } from '../backend';
import { describeBackend } from '../backend';
import { prunerReportDocument, writePropertyReport } from '../report/claims';
import { CounterexampleStore, DEFAULT_STORE_DIR } from '../claims/store';
import type { Pruner } from '../pruning/types';
import { environmentInfo } from '../report/environment';
import { asPruner, checkPruner, describeBrokenContracts, type PrunerCheckResult } from '../claims/pruner-check';
import { replayCommand, resultLine } from './claims';
import { EXIT, InputError } from './errors';

/** The same knobs as `claims`: the pruner's claim properties run through the same runner and store. */
export type CheckPrunerFlags = ClaimsFlags;

export interface LoadedPruner {
  pruner: Pruner;
  /** Absolute path of the module. */
  path: string;
  /** SHA-256 (first 16 hex digits) of the module file: part of the run id, so an edited pruner gets a new report. */
  hash: string;
}

const EXPECTED =
  "module.exports (or its 'default' or 'pruner' export) to be a Pruner: an object { name: string, prune(input): PruneResult | Promise<PruneResult>, prefixConsistent?: boolean }";

function describeExports(mod: unknown): string {
  if (mod === null || mod === undefined) return String(mod);
  if (typeof mod === 'function') return `a function${mod.name ? ` '${mod.name}'` : ''} (export the pruner object, not a factory)`;
  if (typeof mod !== 'object') return `${typeof mod} ${String(mod)}`;
  const keys = Object.keys(mod as object);
  return keys.length ? `an object with keys [${keys.join(', ')}]` : 'an empty object (nothing exported)';
}

async function importModule(path: string): Promise<unknown> {
  try {
    return require(path) as unknown;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ESM') throw e;
    // An ES module: Node 20 cannot require it, but can import it.
    return (await import(pathToFileURL(path).href)) as unknown;
  }
}

/** Loads the module at `file` (relative to the working directory) and finds the Pruner it exports. */
export async function loadPrunerModule(file: string): Promise<LoadedPruner> {
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new InputError(`check-pruner: pruner module '${file}' not found (looked for ${path}); pass the path of a JavaScript file that exports a Pruner { name, prune(input) }`);
  }
  let mod: unknown;
  try {
    mod = await importModule(path);
  } catch (e) {
    throw new InputError(`check-pruner: could not load pruner module '${file}': ${(e as Error).message?.split('\n')[0] ?? String(e)}`);
  }
  const record = mod && typeof mod === 'object' ? (mod as Record<string, unknown>) : null;
  const candidates = [mod, record?.default, record?.pruner];
  const problems: string[] = [];
  for (const candidate of candidates) {
    if (candidate === undefined) continue;
    try {
      const pruner = asPruner(candidate, `check-pruner: ${file}`);
      return { pruner, path, hash: createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16) };
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  const why = problems.length ? ` (${problems[problems.length - 1].replace(/^check-pruner: [^:]*: /, '')})` : '';
  throw new InputError(`check-pruner: '${file}' does not export a Pruner: expected ${EXPECTED}; got ${describeExports(mod)}${why}`);
}

function summarise(result: PrunerCheckResult, dir: string, out: (s: string) => void): void {
  out('');
  for (const r of [...result.contracts, ...result.claims]) out(`  ${resultLine(r)}`);
  if (result.comparison) {
    for (const row of result.comparison.rows) {
      const ratio = row.geometricMeanRatioToGreedy === null ? 'n/a' : row.geometricMeanRatioToGreedy.toPrecision(3);
      out(`  compare  ${row.pruner.padEnd(20)} mean loss ${row.meanLoss === null ? 'n/a' : row.meanLoss.toPrecision(3)}, loss/greedy ${ratio} over ${row.cases} case(s)`);
    }
  }
  if (result.passed) out(`Pruner '${result.pruner}' meets every contract.`);
  else out(`Pruner '${result.pruner}' BREAKS ITS CONTRACT:\n${describeBrokenContracts(result)}`);
  out(`Report: ${dir}/report.md (+ report.json) in ${result.seconds.toFixed(1)} s`);
}

export async function checkPrunerCommand(file: string, flags: CheckPrunerFlags, backend: BackendInfo): Promise<number> {
  const log = (s: string) => {
    if (!flags.quiet) process.stderr.write(`${s}\n`);
  };
  const loaded = await loadPrunerModule(file);
  const storeDir = flags.db ?? DEFAULT_STORE_DIR;
  log(`pruneproof check-pruner: '${loaded.pruner.name}' from ${loaded.path}; ${describeBackend(backend)}`);
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
    `--db ${storeDir}`,
    `--out ${flags.out}`,
  ]);
  const doc = prunerReportDocument(result, { command, environment: environmentInfo(backend), module: file, moduleHash: loaded.hash });
  const { dir } = await writePropertyReport(doc, flags.out);
  summarise(result, dir, (s) => process.stdout.write(`${s}\n`));
  return result.passed ? EXIT.ok : EXIT.failed;
}
