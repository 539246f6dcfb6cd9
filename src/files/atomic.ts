/**
 * Atomic writes. A directory of files is rendered in memory by the caller, written into a temporary
 * sibling directory (each file synced), then renamed into place; an existing directory of the same name
 * is replaced only once the new one is complete. A single file goes through a temporary sibling and a
 * rename. A failure at any step leaves neither a half-written result nor the temporary behind.
 */
import { promises as fsp } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

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

/** Moves `fresh` to `target`, replacing an existing `target` only after the move can proceed. */
async function swapInto(fresh: string, target: string, parked: string): Promise<void> {
  let hadOld = false;
  try {
    await fsp.rename(target, parked);
    hadOld = true;
  } catch (e) {
    if (errorCode(e) !== 'ENOENT') throw e;
  }
  try {
    await fsp.rename(fresh, target);
  } catch (e) {
    if (hadOld) await fsp.rename(parked, target).catch(() => undefined);
    throw e;
  }
  // The new directory is in place; a leftover parked copy would be harmless, so this is best effort.
  if (hadOld) await fsp.rm(parked, { recursive: true, force: true }).catch(() => undefined);
}

/** A plain file name: no path separators, not '.' or '..'. */
function checkFileName(name: string, op: string): void {
  if (!name || name === '.' || name === '..' || /[/\\\0]/.test(name))
    throw new Error(`${op}: invalid file name '${name}'`);
}

/**
 * Writes `files` (name → content) as `<outDir>/<name>/` and returns that directory and the file names
 * (sorted). Replaces an earlier directory of the same name.
 */
export async function writeDirectoryAtomically(
  outDir: string,
  name: string,
  files: ReadonlyMap<string, string>,
): Promise<{ dir: string; files: string[] }> {
  const op = 'writeDirectoryAtomically';
  checkFileName(name, op);
  for (const file of files.keys()) checkFileName(file, op);
  const root = resolve(outDir);
  const dir = join(root, name);
  const temp = join(root, `.tmp-${name}-${process.pid}`);
  const parked = join(root, `.old-${name}-${process.pid}`);
  await fsp.mkdir(root, { recursive: true });
  await fsp.rm(temp, { recursive: true, force: true });
  try {
    await fsp.mkdir(temp);
    for (const [file, content] of files) await writeDurably(join(temp, file), content);
    await swapInto(temp, dir, parked);
  } catch (e) {
    await fsp.rm(temp, { recursive: true, force: true });
    throw e;
  }
  return { dir, files: [...files.keys()].sort() };
}

/** Writes one file atomically (temporary sibling, sync, rename), creating its directory if needed. */
export async function writeFileAtomically(path: string, content: string): Promise<void> {
  const target = resolve(path);
  const temp = join(dirname(target), `.tmp-${basename(target)}-${process.pid}`);
  await fsp.mkdir(dirname(target), { recursive: true });
  await fsp.rm(temp, { force: true });
  try {
    await writeDurably(temp, content);
    await fsp.rename(temp, target);
  } catch (e) {
    await fsp.rm(temp, { force: true });
    throw e;
  }
}
