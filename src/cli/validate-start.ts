/**
 * Checks made at start-up, before any computing: output and store directories are usable, the requested
 * backend exists and loads, the analysis's thread count is valid. Each failure is an InputError naming the
 * flag or variable (exit 2, no stack).
 */
import { accessSync, constants, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BACKEND_NAMES, initBackend, type BackendInfo, type BackendName } from '../backend';
import { analysisThreads } from '../scaling';
import { InputError } from './errors';

/** The nearest existing ancestor of `path` (itself when it exists). */
function nearestExisting(path: string): string {
  let current = resolve(path);
  while (!existsSync(current)) {
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return current;
}

/** A file can be created in `dir` (tried for real: access() says yes to root on a read-only mount). */
function canCreateIn(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
    rmSync(mkdtempSync(join(dir, '.pruneproof-write-test-')), { recursive: true, force: true });
    return true;
  } catch {
    return false;
  }
}

/** `dir` is, or can be created as, a writable directory; otherwise an InputError naming `flag` and the path. */
export function checkWritableDirectory(dir: string, flag: string): void {
  const existing = nearestExisting(dir);
  if (!statSync(existing).isDirectory()) {
    const what =
      existing === resolve(dir)
        ? `'${dir}' is a file, not a directory`
        : `'${existing}' (on the way to '${dir}') is a file`;
    throw new InputError(`${flag}: ${what}; pass a directory`);
  }
  if (!canCreateIn(existing)) {
    throw new InputError(
      `${flag}: cannot write to '${existing}' (permission denied or read-only); pass a writable directory`,
    );
  }
}

export const BACKEND_CHOICES = [...BACKEND_NAMES, 'auto'] as const;

/** PRUNEPROOF_BACKEND, checked: an unknown value names the variable and the allowed values. */
export function backendFromEnvironment(): BackendName | 'auto' | undefined {
  const value = process.env.PRUNEPROOF_BACKEND;
  if (value === undefined || value === '') return undefined;
  if ((BACKEND_CHOICES as readonly string[]).includes(value)) return value as BackendName | 'auto';
  throw new InputError(`PRUNEPROOF_BACKEND: unknown backend '${value}'; allowed values: ${BACKEND_CHOICES.join(', ')}`);
}

/** PRUNEPROOF_ANALYSIS_THREADS, checked at start-up rather than when the analysis reads it after the runs. */
export function checkAnalysisThreadsEnvironment(): void {
  try {
    analysisThreads();
  } catch (e) {
    throw new InputError((e as Error).message);
  }
}

/** Initialises the backend; a forced backend that cannot load is bad input (exit 2), with what to do instead. */
export async function initBackendOrExplain(requested: BackendName | 'auto' | undefined): Promise<BackendInfo> {
  const fromEnv = backendFromEnvironment();
  const forced = requested && requested !== 'auto' ? requested : fromEnv !== 'auto' ? fromEnv : undefined;
  const source = requested && requested !== 'auto' ? `--backend ${requested}` : `PRUNEPROOF_BACKEND=${fromEnv}`;
  try {
    return await initBackend(requested);
  } catch (e) {
    if (!forced) throw e;
    const reason = (e as Error).message;
    if (forced === 'tensorflow' && /not installed|failed to load/.test(reason)) {
      throw new InputError(`${source}: tfjs-node is not installed; install it or use --backend wasm (${reason})`);
    }
    throw new InputError(`${source}: ${reason}`);
  }
}

/** `file` can be written: not a directory, and its directory is (or can be made) writable. */
export function checkWritableFile(file: string, flag: string): void {
  if (existsSync(file) && statSync(file).isDirectory())
    throw new InputError(`${flag}: '${file}' is a directory; pass a file name`);
  checkWritableDirectory(dirname(resolve(file)), flag);
}

export interface StartPaths {
  out: string;
  /** Counterexample store (claims, check-pruner); the default store when undefined and `store` is set. */
  db?: string;
  junit?: string;
}

/** Every path a command will write to, checked before anything is computed. */
export function checkStartPaths(paths: StartPaths, opts: { store: boolean; defaultStore?: string }): void {
  checkWritableDirectory(paths.out, '--out');
  if (opts.store) checkWritableDirectory(paths.db ?? opts.defaultStore ?? '', '--db');
  if (paths.junit !== undefined) checkWritableFile(paths.junit, '--junit');
}
