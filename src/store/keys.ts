/**
 * The key of one stored (m, seed) run: the SHA-256 of the canonical JSON of everything that determines
 * its numbers. Two runs with equal key inputs compute the same RunResult (apart from timings), so a
 * stored run may stand in for a fresh one; any difference in an input yields a different key.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Dataset } from '../data/types';
import type { ExperimentConfig } from '../experiment/config';
import { canonicalJson } from '../experiment/config';
import { STORE_KEY_FIELDS } from '../experiment/fields';

/**
 * The config without the fields that only select or name runs (the grid, the seeds, the report name): the fields
 * whose `inStoreKey` is false in the field table (src/experiment/fields.ts).
 */
export type RunConfig = Omit<ExperimentConfig, 'name' | 'mGrid' | 'seeds'>;

export interface RunKeyInputs {
  config: RunConfig;
  m: number;
  seed: number;
  /** The numerical engine and precision (`engineKey`, e.g. 'onnx/float32') and the tfjs backend ('wasm', 'tensorflow', 'cpu'). */
  engine: string;
  backend: string;
  /** pruneproof's package.json version and a hash of the code that computes runs (catches unreleased edits). */
  version: string;
  code: string;
  /** Exact versions of the numerical packages (the report's environment.packages). */
  packages: Record<string, string>;
  /** SHA-256 of the training (and held-out) data bytes of this (m, seed). */
  data: string;
}

/** The fields of `config` that enter the store key of its runs (STORE_KEY_FIELDS of the field table). */
export function runConfigOf(config: ExperimentConfig): RunConfig {
  const entries = STORE_KEY_FIELDS.filter((key) => config[key] !== undefined).map((key) => [key, config[key]]);
  return Object.fromEntries(entries) as RunConfig;
}

export function runKey(inputs: RunKeyInputs): string {
  return createHash('sha256').update(canonicalJson(inputs)).digest('hex');
}

function hashArray(hash: ReturnType<typeof createHash>, label: string, values: ArrayLike<number> | null): void {
  hash.update(`${label}:`);
  if (values === null) {
    hash.update('null;');
    return;
  }
  const bytes = values instanceof Float32Array ? values : Float64Array.from(values as ArrayLike<number>);
  hash.update(`${values.length}:`);
  hash.update(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  hash.update(';');
}

/** Hash of the bytes a run trains (and evaluates held-out accuracy) on. */
export function dataFingerprint(data: Dataset, heldOut: Dataset | null): string {
  const hash = createHash('sha256');
  for (const [label, ds] of [
    ['train', data],
    ['heldOut', heldOut],
  ] as const) {
    if (ds === null) {
      hash.update(`${label}:none;`);
      continue;
    }
    hash.update(`${label}:${ds.m}x${ds.d}x${ds.outputs};`);
    hashArray(hash, 'x', ds.x);
    hashArray(hash, 'y', ds.y);
    hashArray(hash, 'classes', ds.classes);
  }
  return hash.digest('hex');
}

/** Source files that compute runs: everything under src/ and theory/ next to this module's package root. */
function codeFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(js|ts|json)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
    }
  };
  for (const top of ['src', 'theory']) walk(join(root, top));
  return out;
}

let cachedCode: string | null = null;

/**
 * Hash of pruneproof's own code (compiled dist/ or, under jest, the TypeScript sources): a run computed
 * by an edited pruner must not be reused even when package.json's version did not change.
 */
export function codeFingerprint(): string {
  if (cachedCode !== null) return cachedCode;
  const root = resolve(__dirname, '..', '..');
  const hash = createHash('sha256');
  for (const file of codeFiles(root)) {
    hash.update(relative(root, file));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  cachedCode = hash.digest('hex').slice(0, 16);
  return cachedCode;
}

let cachedVersion: string | null = null;

/** pruneproof's version from its package.json (found from dist/src/store or src/store). */
export function pruneproofVersion(): string {
  if (cachedVersion !== null) return cachedVersion;
  for (const up of [
    ['..', '..'],
    ['..', '..', '..'],
  ]) {
    try {
      const pkg = JSON.parse(readFileSync(join(__dirname, ...up, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'pruneproof' && typeof pkg.version === 'string') return (cachedVersion = pkg.version);
    } catch {
      // not at this level
    }
  }
  return (cachedVersion = 'unknown');
}
