/**
 * The built CLI against real filesystems: a store and an --out on a full disk (a small tmpfs, root only), and two
 * identical verifies writing one --out at once. Each ends with exit 2 naming the path (never exit 3 after a full
 * sweep, never a silent replacement), and leaves no temporary behind.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const CLI = resolve(__dirname, '../../dist/src/cli/main.js');
const SWEEP = ['--quick', '--m', '10,20', '--seeds', '1,2', '--width', '20', '--iterations', '20', '--n', '4,8'];
const SLOW = 600_000;

let dir: string;
const mounts: string[] = [];
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  dir = mkdtempSync(join(tmpdir(), 'pruneproof-disk-'));
});
afterAll(() => {
  for (const m of mounts) execFileSync('umount', [m]);
  rmSync(dir, { recursive: true, force: true });
});

/** A tmpfs of `size` at dir/name, or null where mounting is not permitted (not root). */
function smallDisk(name: string, size: string): string | null {
  const path = join(dir, name);
  mkdirSync(path);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', path], { stdio: 'ignore' });
  } catch {
    return null;
  }
  mounts.push(path);
  return path;
}

function verify(args: string[]): Promise<{ code: number | null; err: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, 'verify', ...SWEEP, '--quiet', '--workers', '1', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, err }));
  });
}

const temporaries = (d: string) => (existsSync(d) ? readdirSync(d).filter((n) => /^\.(tmp|lock|old)-/.test(n)) : []);
/** Whether this process may mount a tmpfs (root); the full-disk cases need it. */
function mountPermitted(): boolean {
  const probe = mkdtempSync(join(tmpdir(), 'pruneproof-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe]);
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}
const canMount = mountPermitted();
const onTmpfs = canMount ? it : it.skip;

describe('a full disk', () => {
  onTmpfs(
    'store: the sweep stops at the first failed write, exit 2 naming the path and how many runs were kept',
    async () => {
      const store = smallDisk('store', '40k')!; // the manifest and two 16 KB runs fit, the third does not
      const r = await verify(['--store', store, '--out', join(dir, 'out-1')]);
      expect(r.code).toBe(2);
      const match = /writing (\S+\.json) failed \(ENOSPC.*the sweep stopped: (\d) of 4 runs kept in (\S+);/.exec(r.err);
      expect(match).not.toBeNull();
      expect(match![1].startsWith(store)).toBe(true);
      const kept = readdirSync(store).filter((n) => n.endsWith('.json'));
      expect(kept).toHaveLength(Number(match![2]));
      expect(kept.length).toBeLessThan(4);
      expect(temporaries(store)).toEqual([]);
      expect(existsSync(join(dir, 'out-1'))).toBe(false);
    },
    SLOW,
  );

  onTmpfs(
    '--out: exit 2 naming --out and the directory; the runs stay in the store',
    async () => {
      const out = smallDisk('out', '64k')!;
      const store = join(dir, 'store-2');
      const r = await verify(['--store', store, '--out', out]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`--out: writing the report to ${out} failed (ENOSPC`);
      expect(readdirSync(store).filter((n) => n.endsWith('.json'))).toHaveLength(4);
      expect(readdirSync(out)).toEqual([]);
    },
    SLOW,
  );
});

describe('two identical verifies into one --out at once', () => {
  it(
    'one writes the report, the other exits 2 saying another process wrote it; no silent replacement, no exit 3',
    async () => {
      const out = join(dir, 'shared-out');
      const results = await Promise.all([
        verify(['--store', join(dir, 'store-a'), '--out', out]),
        verify(['--store', join(dir, 'store-b'), '--out', out]),
      ]);
      const codes = results.map((r) => r.code).sort();
      expect(codes).toEqual([0, 2]);
      const loser = results.find((r) => r.code === 2)!;
      expect(loser.err).toMatch(/was written by another process while this one ran; not replacing it/);
      expect(readdirSync(out).filter((n) => !n.startsWith('.'))).toHaveLength(1);
      expect(temporaries(out)).toEqual([]);
    },
    SLOW,
  );
});
