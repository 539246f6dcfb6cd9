/**
 * Finding the Pruner a user's JavaScript module exports (module.exports, its `default` or its `pruner` export).
 * Shared by the main thread and the isolated worker that runs the user's code (src/sandbox/isolated-pruner.ts).
 */
import { pathToFileURL } from 'node:url';
import type { Pruner } from '../pruning/types';

/** `value` as a Pruner, or a TypeError saying what is missing (`source` names where it came from). */
export function asPruner(value: unknown, source = 'checkPruner'): Pruner {
  const what =
    'an object { name: string, prune(input): PruneResult | Promise<PruneResult>, prefixConsistent?: boolean }';
  if (!value || typeof value !== 'object')
    throw new TypeError(`${source}: expected ${what}, got ${value === null ? 'null' : typeof value}`);
  const p = value as Record<string, unknown>;
  if (typeof p.name !== 'string' || p.name.length === 0)
    throw new TypeError(`${source}: expected ${what}; 'name' is ${JSON.stringify(p.name)}`);
  if (typeof p.prune !== 'function')
    throw new TypeError(`${source}: expected ${what}; 'prune' is ${typeof p.prune}, not a function`);
  if (p.prefixConsistent !== undefined && typeof p.prefixConsistent !== 'boolean') {
    throw new TypeError(
      `${source}: 'prefixConsistent' must be a boolean when given, got ${JSON.stringify(p.prefixConsistent)}`,
    );
  }
  return value as Pruner;
}

/** The module could not be loaded or exports no Pruner: the user's input is wrong (the CLI exits 2). */
export class PrunerModuleError extends Error {
  override name = 'PrunerModuleError';
}

export const EXPECTED_PRUNER_EXPORT =
  "module.exports (or its 'default' or 'pruner' export) to be a Pruner: an object { name: string, " +
  'prune(input): PruneResult | Promise<PruneResult>, prefixConsistent?: boolean }';

function describeExports(mod: unknown): string {
  if (mod === null || mod === undefined) return String(mod);
  if (typeof mod === 'function')
    return `a function${mod.name ? ` '${mod.name}'` : ''} (export the pruner object, not a factory)`;
  if (typeof mod !== 'object') return `${typeof mod} ${String(mod)}`;
  const keys = Object.keys(mod as object);
  return keys.length ? `an object with keys [${keys.join(', ')}]` : 'an empty object (nothing exported)';
}

async function importModule(path: string): Promise<unknown> {
  try {
    // The user's CommonJS module, by path: its format is the user's choice, not ours.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path) as unknown;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ESM') throw e;
    // An ES module: Node 20 cannot require it, but can import it.
    return (await import(pathToFileURL(path).href)) as unknown;
  }
}

/** The Pruner exported by `mod`; `file` is the path as the user spelled it (for messages). */
export function findPrunerExport(mod: unknown, file: string): Pruner {
  const record = mod && typeof mod === 'object' ? (mod as Record<string, unknown>) : null;
  const problems: string[] = [];
  for (const candidate of [mod, record?.default, record?.pruner]) {
    if (candidate === undefined) continue;
    try {
      return asPruner(candidate, `check-pruner: ${file}`);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  const why = problems.length ? ` (${problems[problems.length - 1].replace(/^check-pruner: [^:]*: /, '')})` : '';
  throw new PrunerModuleError(
    `check-pruner: '${file}' does not export a Pruner: expected ${EXPECTED_PRUNER_EXPORT}; ` +
      `got ${describeExports(mod)}${why}`,
  );
}

/** Loads the module at the absolute `path` and returns its Pruner; PrunerModuleError when it cannot. */
export async function importPrunerModule(path: string, file: string): Promise<Pruner> {
  let mod: unknown;
  try {
    mod = await importModule(path);
  } catch (e) {
    const first = (e as Error)?.message?.split('\n')[0] ?? String(e);
    throw new PrunerModuleError(`check-pruner: could not load pruner module '${file}': ${first}`);
  }
  return findPrunerExport(mod, file);
}
