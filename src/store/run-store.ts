/**
 * The run store: one JSON file per finished (m, seed) run, named by its key and written atomically
 * (temporary sibling + rename), so a crash or a signal never leaves a half-written run. A file is trusted
 * only when its recorded key inputs hash to its name and equal the inputs the reader expects; anything
 * else (unparsable, foreign, tampered, from another config) is reported and treated as absent.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../experiment/config';
import type { RunResult } from '../experiment/types';
import { writeFileAtomically } from '../files/atomic';
import { runKey, type RunKeyInputs } from './keys';

export const STORE_FORMAT = 'pruneproof-run';
export const STORE_FORMAT_VERSION = 1;
/** Where `verify` and `merge` keep finished (m, seed) runs to reuse (not the counterexample store). */
export const DEFAULT_RUN_STORE_DIR = '.pruneproof/store';

export interface StoredRunFile {
  format: typeof STORE_FORMAT;
  formatVersion: typeof STORE_FORMAT_VERSION;
  key: string;
  inputs: RunKeyInputs;
  run: RunResult;
}

export interface StoreEntry {
  file: string;
  key: string;
  inputs: RunKeyInputs;
  run: RunResult;
}

const KEY_FILE = /^[0-9a-f]{64}\.json$/;

/** Fields every RunResult has; a file without them is not a run, whatever its key says. */
const RUN_FIELDS = ['m', 'seed', 'dataset', 'critical', 'checks', 'checkpoints', 'hypotheses', 'tStar'] as const;

function problemWith(parsed: unknown, fileKey: string): string | null {
  const doc = parsed as Partial<StoredRunFile> | null;
  if (!doc || typeof doc !== 'object') return 'not a JSON object';
  if (doc.format !== STORE_FORMAT || doc.formatVersion !== STORE_FORMAT_VERSION)
    return `not a ${STORE_FORMAT} v${STORE_FORMAT_VERSION} file`;
  if (!doc.inputs || typeof doc.inputs !== 'object') return 'no key inputs';
  if (doc.key !== fileKey || runKey(doc.inputs) !== fileKey) return 'its key inputs do not hash to its file name';
  const run = doc.run as Record<string, unknown> | undefined;
  if (!run || typeof run !== 'object') return 'no run';
  const missing = RUN_FIELDS.filter((f) => !(f in run));
  if (missing.length) return `the run lacks ${missing.join(', ')}`;
  if (run.m !== doc.inputs.m || run.seed !== doc.inputs.seed) return 'the run is not the (m, seed) of its key';
  return null;
}

export class RunStore {
  constructor(
    readonly dir: string,
    /** Where problems with stored files are reported (stderr in the CLI). */
    private readonly warn: (message: string) => void = () => undefined,
  ) {}

  pathOf(key: string): string {
    return join(this.dir, `${key}.json`);
  }

  /** The stored run with exactly these inputs, or null (absent, or present but untrustworthy: reported). */
  read(inputs: RunKeyInputs): RunResult | null {
    const key = runKey(inputs);
    const path = this.pathOf(key);
    if (!existsSync(path)) return null;
    const entry = this.readFile(`${key}.json`);
    if (!entry) return null;
    if (canonicalJson(entry.inputs) !== canonicalJson(inputs)) {
      this.warn(`run store: ${path} records other key inputs than its name promises; recomputing`);
      return null;
    }
    return entry.run;
  }

  /** Writes one finished run (atomically; replaces an untrustworthy file of the same key). */
  async write(inputs: RunKeyInputs, run: RunResult): Promise<string> {
    const key = runKey(inputs);
    const doc: StoredRunFile = { format: STORE_FORMAT, formatVersion: STORE_FORMAT_VERSION, key, inputs, run };
    const path = this.pathOf(key);
    await writeFileAtomically(path, `${JSON.stringify(doc)}\n`);
    return path;
  }

  /** Every trustworthy run in the store (untrustworthy files are reported and skipped). */
  entries(): StoreEntry[] {
    if (!existsSync(this.dir)) return [];
    const names = readdirSync(this.dir)
      .filter((n) => KEY_FILE.test(n))
      .sort();
    return names.map((n) => this.readFile(n)).filter((e): e is StoreEntry => e !== null);
  }

  private readFile(name: string): StoreEntry | null {
    const path = join(this.dir, name);
    const key = name.slice(0, -'.json'.length);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      this.warn(`run store: ${path} is unreadable or not JSON (${(e as Error).message}); recomputing, not trusting it`);
      return null;
    }
    const problem = problemWith(parsed, key);
    if (problem) {
      this.warn(`run store: ${path} is not a trustworthy run (${problem}); recomputing, not trusting it`);
      return null;
    }
    const doc = parsed as StoredRunFile;
    return { file: path, key, inputs: doc.inputs, run: doc.run };
  }
}

/** True when `dir` looks like a run store (holds key-named JSON files) rather than a report. */
export function looksLikeStore(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).some((n) => KEY_FILE.test(n));
}
