/**
 * Atomic writes. A directory of files is rendered in memory by the caller, written into a temporary
 * sibling directory (each file synced), then renamed into place under a lock; an existing directory of the
 * same name is replaced only when the caller allows it and only once the new one is complete. A single file
 * goes through a temporary sibling and a rename.
 *
 * Temporary names carry a random token, not the PID: in a container every writer may be PID 1, and two pods
 * can share a store or an output directory. A writer removes only its own temporaries. Leftovers of a killed
 * writer (`.tmp-*`, `.old-*`, `.lock-*`) are recovered or removed by the next writer of the same directory.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fsp, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

/** A temporary older than this is an orphan of a killed writer (a live one exists for well under a second). */
export const ORPHAN_AGE_MS = 10 * 60 * 1000;
/** A lock held longer than this is stale (a swap holds it for two renames). */
const STALE_LOCK_MS = 60 * 1000;
/** How long a writer waits for another writer's lock on the same name. */
const LOCK_WAIT_MS = 30 * 1000;
/** Identifies this process's locks (the PID alone does not: it is 1 in every container). */
const PROCESS_TOKEN = randomBytes(8).toString('hex');

/** Thrown when a directory may not be replaced and another writer put it there meanwhile. */
export class AlreadyWrittenError extends Error {
  override name = 'AlreadyWrittenError';
}

function token(): string {
  return randomBytes(6).toString('hex');
}

async function writeDurably(path: string, content: string): Promise<void> {
  const handle = await fsp.open(path, 'wx');
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function errorCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | null)?.code;
}

/** A plain file name: no path separators, not '.' or '..'. */
function checkFileName(name: string, op: string): void {
  if (!name || name === '.' || name === '..' || /[/\\\0]/.test(name))
    throw new Error(`${op}: invalid file name '${name}'`);
}

interface LockRecord {
  host: string;
  pid: number;
  token: string;
}

/** How long a lock file may stay unreadable (created, not yet filled) before it counts as its writer's remains. */
const UNREADABLE_LOCK_MS = 2_000;

/** True when a lock was left by a writer that cannot be running any more. */
function lockIsStale(path: string): boolean {
  let record: Partial<LockRecord>;
  let age: number;
  try {
    age = Date.now() - statSync(path).mtimeMs;
    if (age > STALE_LOCK_MS) return true;
  } catch (e) {
    return errorCode(e) !== 'ENOENT'; // gone meanwhile: not stale, just free
  }
  try {
    record = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockRecord>;
  } catch (e) {
    // Gone meanwhile: free. Unreadable: either its writer is between creating and filling it (a live holder), or
    // it was killed there; only the second is still unreadable after UNREADABLE_LOCK_MS.
    return errorCode(e) !== 'ENOENT' && age > UNREADABLE_LOCK_MS;
  }
  if (record.host !== hostname()) return false;
  if (record.pid === process.pid) return record.token !== PROCESS_TOKEN; // a previous incarnation of this PID
  try {
    process.kill(record.pid ?? -1, 0);
    return false;
  } catch (e) {
    return errorCode(e) === 'ESRCH';
  }
}

/** Takes `<root>/.lock-<name>` (waiting for a live holder, breaking a stale one); returns its release. */
async function lock(root: string, name: string): Promise<() => Promise<void>> {
  const path = join(root, `.lock-${name}`);
  const record: LockRecord = { host: hostname(), pid: process.pid, token: PROCESS_TOKEN };
  const started = Date.now();
  for (;;) {
    try {
      await writeDurably(path, JSON.stringify(record));
      return () => fsp.rm(path, { force: true });
    } catch (e) {
      if (errorCode(e) !== 'EEXIST') throw e;
    }
    if (lockIsStale(path)) {
      await fsp.rm(path, { force: true });
      continue;
    }
    if (Date.now() - started > LOCK_WAIT_MS)
      throw new Error(`${path} is held by another writer (remove it if no pruneproof process is running)`);
    await new Promise((next) => setTimeout(next, 50));
  }
}

/**
 * Under the lock of `name`: a replacement cut short between its two renames left `.old-<name>-*` and no
 * `<name>`; the old directory is put back (the new one was never in place). Other `.old-<name>-*` are removed.
 */
function recoverParked(root: string, name: string): void {
  const prefix = `.old-${name}-`;
  const parked = readdirSync(root).filter((n) => n.startsWith(prefix) && /^[0-9a-f]{12}$/.test(n.slice(prefix.length)));
  const target = join(root, name);
  for (const entry of parked) {
    const path = join(root, entry);
    if (!existsSync(target)) renameSync(path, target);
    else rmSync(path, { recursive: true, force: true });
  }
}

/** Removes `.tmp-*` entries of `dir` older than ORPHAN_AGE_MS: temporaries of writers that were killed. */
export function removeOrphans(dir: string, now = Date.now()): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names.filter((n) => n.startsWith('.tmp-'))) {
    const path = join(dir, name);
    try {
      if (now - statSync(path).mtimeMs < ORPHAN_AGE_MS) continue;
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // removed by another writer meanwhile
    }
  }
  return removed;
}

/**
 * Puts back a report whose `--force` replacement was killed between its renames, and removes orphaned
 * temporaries, so that what the directory holds is what the caller sees. Call it before deciding whether
 * `<outDir>/<name>` exists.
 */
export async function recoverInterruptedWrites(outDir: string, name: string): Promise<void> {
  const root = resolve(outDir);
  if (!existsSync(root)) return;
  checkFileName(name, 'recoverInterruptedWrites');
  const release = await lock(root, name);
  try {
    recoverParked(root, name);
  } finally {
    await release();
  }
  removeOrphans(root);
}

export interface WriteDirectoryOptions {
  /** Replace an existing directory of the same name (default true); false: AlreadyWrittenError instead. */
  replace?: boolean;
  /** Checked just before the directory is put in place: once aborted, nothing is written (AbortError). */
  signal?: AbortSignal;
}

/** Moves the complete `fresh` to `target` under the lock, parking and then removing an old `target`. */
async function swapInto(root: string, name: string, fresh: string, options: WriteDirectoryOptions): Promise<void> {
  const target = join(root, name);
  const release = await lock(root, name);
  try {
    options.signal?.throwIfAborted();
    recoverParked(root, name);
    if (!existsSync(target)) {
      await fsp.rename(fresh, target);
      return;
    }
    if (options.replace === false)
      throw new AlreadyWrittenError(
        `${target} was written by another process while this one ran; not replacing it (pass --force to replace it)`,
      );
    const parked = join(root, `.old-${name}-${token()}`);
    await fsp.rename(target, parked);
    try {
      await fsp.rename(fresh, target);
    } catch (e) {
      await fsp.rename(parked, target).catch(() => undefined);
      throw e;
    }
    await fsp.rm(parked, { recursive: true, force: true });
  } finally {
    await release();
  }
}

/**
 * Writes `files` (name → content) as `<outDir>/<name>/` and returns that directory and the file names
 * (sorted). Replaces an earlier directory of the same name unless `replace` is false.
 */
export async function writeDirectoryAtomically(
  outDir: string,
  name: string,
  files: ReadonlyMap<string, string>,
  options: WriteDirectoryOptions = {},
): Promise<{ dir: string; files: string[] }> {
  const op = 'writeDirectoryAtomically';
  checkFileName(name, op);
  for (const file of files.keys()) checkFileName(file, op);
  const root = resolve(outDir);
  const temp = join(root, `.tmp-${name}-${token()}`);
  await fsp.mkdir(root, { recursive: true });
  try {
    await fsp.mkdir(temp);
    for (const [file, content] of files) await writeDurably(join(temp, file), content);
    await swapInto(root, name, temp, options);
  } finally {
    await fsp.rm(temp, { recursive: true, force: true });
  }
  removeOrphans(root);
  return { dir: join(root, name), files: [...files.keys()].sort() };
}

/** Writes one file atomically (temporary sibling, sync, rename), creating its directory if needed. */
export async function writeFileAtomically(path: string, content: string): Promise<void> {
  const target = resolve(path);
  const temp = join(dirname(target), `.tmp-${basename(target)}-${token()}`);
  await fsp.mkdir(dirname(target), { recursive: true });
  try {
    await writeDurably(temp, content);
    await fsp.rename(temp, target);
  } catch (e) {
    await fsp.rm(temp, { force: true });
    throw e;
  }
}
