/**
 * The run store: one JSON file per finished (m, seed) run, named by its key and written atomically
 * (temporary sibling + rename), so a crash or a signal never leaves a half-written run. A file is trusted
 * only when its recorded key inputs hash to its name and equal the inputs the reader expects, its run hashes
 * to the content hash it records, and the run matches the report schema; anything else (unparsable, foreign,
 * tampered, from another config) is named on stderr and treated as absent, so the run is recomputed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../experiment/config';
import type { ExperimentConfig } from '../experiment/config';
import type { RunResult } from '../experiment/types';
import { removeOrphans, writeFileAtomically } from '../files/atomic';
import { validateRun } from '../report/verify/schema';
import { runKey, type RunKeyInputs } from './keys';

export const STORE_FORMAT = 'pruneproof-run';
export const STORE_FORMAT_VERSION = 2;
/** Where `verify` and `merge` keep finished (m, seed) runs to reuse (not the counterexample store). */
export const DEFAULT_RUN_STORE_DIR = '.pruneproof/store';

export interface StoredRunFile {
  format: typeof STORE_FORMAT;
  formatVersion: typeof STORE_FORMAT_VERSION;
  key: string;
  inputs: RunKeyInputs;
  /** SHA-256 of the canonical JSON of `run`: an edit of the run without its hash is detected. */
  runHash: string;
  run: RunResult;
}

/** The content hash a stored run records. */
export function runHash(run: unknown): string {
  return createHash('sha256').update(canonicalJson(run)).digest('hex');
}

export const MANIFEST_FORMAT = 'pruneproof-sweep';
/** Subdirectory of the store holding one manifest per sweep that stored runs there. */
export const MANIFEST_DIR = 'sweeps';

/** What one sweep (verify or a shard of it) was asked to compute: its whole config, engine and backend. */
export interface SweepManifest {
  format: typeof MANIFEST_FORMAT;
  formatVersion: 1;
  config: ExperimentConfig;
  /** The engine key its runs are stored under (e.g. 'onnx/float32'), and the tfjs backend. */
  engine: string;
  backend: string;
  /** The report's configRationale for this config, so that `merge` writes the report verify would. */
  rationale: string[];
}

export interface StoreEntry {
  file: string;
  key: string;
  inputs: RunKeyInputs;
  run: RunResult;
}

const KEY_FILE = /^[0-9a-f]{64}\.json$/;

function problemWith(parsed: unknown, fileKey: string): string | null {
  const doc = parsed as Partial<StoredRunFile> | null;
  if (!doc || typeof doc !== 'object') return 'not a JSON object';
  if (doc.format !== STORE_FORMAT || doc.formatVersion !== STORE_FORMAT_VERSION)
    return `not a ${STORE_FORMAT} v${STORE_FORMAT_VERSION} file`;
  if (!doc.inputs || typeof doc.inputs !== 'object') return 'no key inputs';
  if (doc.key !== fileKey || runKey(doc.inputs) !== fileKey) return 'its key inputs do not hash to its file name';
  const run = doc.run as Record<string, unknown> | undefined;
  if (!run || typeof run !== 'object') return 'no run';
  if (doc.runHash !== runHash(run)) return 'its run does not hash to the content hash it records (edited?)';
  const { valid, errors } = validateRun(run);
  if (!valid) return `its run does not match the report schema: ${errors.slice(0, 3).join('; ')}`;
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
    // The stored form (JSON: NaN and ±Infinity become null) is what the hash and a later reader see.
    const stored = JSON.parse(JSON.stringify(run)) as RunResult;
    const doc: StoredRunFile = {
      format: STORE_FORMAT,
      formatVersion: STORE_FORMAT_VERSION,
      key,
      inputs,
      runHash: runHash(stored),
      run: stored,
    };
    const path = this.pathOf(key);
    await writeFileAtomically(path, `${JSON.stringify(doc)}\n`);
    return path;
  }

  /**
   * Records a sweep's manifest (idempotent: named by the hash of its content, so every shard of one sweep
   * writes the same file), so that `merge` can name the sweeps a store holds and how they differ.
   */
  async writeManifest(sweep: Pick<SweepManifest, 'config' | 'engine' | 'backend' | 'rationale'>): Promise<void> {
    const manifest: SweepManifest = { format: MANIFEST_FORMAT, formatVersion: 1, ...sweep };
    const text = canonicalJson(manifest);
    const name = `${createHash('sha256').update(text).digest('hex')}.json`;
    const path = join(this.dir, MANIFEST_DIR, name);
    if (!existsSync(path)) await writeFileAtomically(path, `${text}\n`);
  }

  /** The manifests of the sweeps that wrote to this store (unreadable ones are reported and skipped). */
  manifests(): SweepManifest[] {
    const dir = join(this.dir, MANIFEST_DIR);
    if (!existsSync(dir)) return [];
    const out: SweepManifest[] = [];
    for (const name of readdirSync(dir)
      .filter((n) => KEY_FILE.test(n))
      .sort()) {
      const path = join(dir, name);
      try {
        const text = readFileSync(path, 'utf8');
        const doc = JSON.parse(text) as Partial<SweepManifest>;
        const hash = createHash('sha256').update(canonicalJson(doc)).digest('hex');
        if (doc.format !== MANIFEST_FORMAT || `${hash}.json` !== name || !doc.config) throw new Error('not a manifest');
        out.push(doc as SweepManifest);
      } catch (e) {
        this.warn(`run store: ${path} is not a sweep manifest (${(e as Error).message}); ignoring it`);
      }
    }
    return out;
  }

  /** Names of key-named entries that are directories: no run can be written there. */
  blockedNames(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((n) => KEY_FILE.test(n))
      .filter((n) => statSync(join(this.dir, n)).isDirectory())
      .map((n) => join(this.dir, n));
  }

  /** Removes temporaries that killed writers left behind (never a live writer's: see files/atomic.ts). */
  removeOrphans(): void {
    for (const path of removeOrphans(this.dir)) this.warn(`run store: removed ${path}, left by a killed writer`);
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
      if (statSync(path).isDirectory()) {
        this.warn(`run store: ${path} is a directory, not a stored run; ignoring it`);
        return null;
      }
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
