/**
 * The counterexample store (like Hypothesis's example database): one JSON file per property (and pruner)
 * holding the last shrunk counterexample with the fast-check seed and path that found it. The runner replays
 * stored cases first on the next run; a case that no longer fails is removed.
 *
 * Files: `<dir>/<property-id>.json` for the theory's own properties (pruner 'greedy'), and
 * `<dir>/<property-id>@<pruner>.json` when another pruner is under test.
 */
import { readFileSync } from 'node:fs';
import { promises as fsp } from 'node:fs';
import { join, resolve } from 'node:path';
import { stableJson } from '../files/json';
import { writeFileAtomically } from '../files/atomic';

/** Where `claims` and `check-pruner` keep shrunk counterexamples to replay first (not the run store). */
export const DEFAULT_COUNTEREXAMPLE_DIR = '.pruneproof/counterexamples';
export const STORE_SCHEMA_VERSION = 1;

export interface StoredCounterexample {
  schemaVersion: typeof STORE_SCHEMA_VERSION;
  propertyId: string;
  pruner: string;
  /** fast-check seed and path of the run that found it (replay: `fc.check(property, { seed, path })` with the same generator). */
  seed: number;
  path: string | null;
  /** The shrunk case, as the property's arbitrary produces it. */
  case: unknown;
  /** What failed, with the numbers. */
  detail: string;
  violatedHypotheses: { id: string; detail: string }[];
  regimes: string[];
  numShrinks: number;
  /** ISO time it was recorded. */
  recordedAt: string;
}

export type LoadResult = { entry: StoredCounterexample } | { problem: string } | null;

/** File-name-safe form of an identifier (property ids and pruner names are user-visible but may hold any character). */
function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_') || '_';
}

export function storeFileName(propertyId: string, pruner: string): string {
  return pruner === 'greedy' ? `${safe(propertyId)}.json` : `${safe(propertyId)}@${safe(pruner)}.json`;
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string');
}

/** Checks the envelope of a stored entry (the case itself is checked by the property's `parseCase`). */
function parseEntry(value: unknown, propertyId: string, pruner: string): StoredCounterexample | string {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  const e = value as Record<string, unknown>;
  if (e.schemaVersion !== STORE_SCHEMA_VERSION)
    return `schemaVersion ${JSON.stringify(e.schemaVersion)} is not ${STORE_SCHEMA_VERSION}`;
  if (e.propertyId !== propertyId) return `propertyId ${JSON.stringify(e.propertyId)} does not match '${propertyId}'`;
  if (e.pruner !== pruner) return `pruner ${JSON.stringify(e.pruner)} does not match '${pruner}'`;
  if (typeof e.seed !== 'number' || !Number.isInteger(e.seed))
    return `seed must be an integer, got ${JSON.stringify(e.seed)}`;
  if (e.path !== null && typeof e.path !== 'string')
    return `path must be a string or null, got ${JSON.stringify(e.path)}`;
  if (!('case' in e)) return 'no case';
  const hyps = e.violatedHypotheses;
  if (!Array.isArray(hyps) || !hyps.every((h) => h && typeof h.id === 'string' && typeof h.detail === 'string'))
    return 'violatedHypotheses must be a list of {id, detail}';
  if (
    typeof e.detail !== 'string' ||
    !isStringArray(e.regimes) ||
    typeof e.numShrinks !== 'number' ||
    typeof e.recordedAt !== 'string'
  ) {
    return 'detail, regimes, numShrinks or recordedAt missing or of the wrong type';
  }
  return e as unknown as StoredCounterexample;
}

/** A stored file that cannot be used is replaced by the next counterexample: say so on the console. */
function unusable(problem: string): { problem: string } {
  process.stderr.write(
    `pruneproof: warning: counterexample store file unusable, ignored and to be replaced: ${problem}\n`,
  );
  return { problem };
}

export class CounterexampleStore {
  readonly dir: string;

  constructor(dir: string = DEFAULT_COUNTEREXAMPLE_DIR) {
    if (typeof dir !== 'string' || dir.length === 0)
      throw new Error(`CounterexampleStore: dir must be a non-empty path, got ${JSON.stringify(dir)}`);
    this.dir = resolve(dir);
  }

  fileFor(propertyId: string, pruner: string): string {
    return join(this.dir, storeFileName(propertyId, pruner));
  }

  /** The stored entry; null when there is none; `{ problem }` when the file exists but cannot be used. */
  load(propertyId: string, pruner: string): LoadResult {
    const file = this.fileFor(propertyId, pruner);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      return unusable(`${file}: ${(e as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      return unusable(`${file}: not valid JSON (${(e as Error).message})`);
    }
    const entry = parseEntry(json, propertyId, pruner);
    return typeof entry === 'string' ? unusable(`${file}: ${entry}`) : { entry };
  }

  async save(entry: StoredCounterexample): Promise<string> {
    const file = this.fileFor(entry.propertyId, entry.pruner);
    await writeFileAtomically(file, stableJson(entry));
    return file;
  }

  async remove(propertyId: string, pruner: string): Promise<void> {
    await fsp.rm(this.fileFor(propertyId, pruner), { force: true });
  }
}
