/**
 * A real SIGKILL between the two renames of a `--force` replacement: a child process writes a directory over an
 * existing one and kills itself right after parking the old one. The next writer puts the old one back.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { recoverInterruptedWrites, writeDirectoryAtomically } from '../../src/files/atomic';

const HOOK = resolve(__dirname, '../store/ts-hook.js');
const ATOMIC = resolve(__dirname, '../../src/files/atomic.ts');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pruneproof-kill-'));
  mkdirSync(join(dir, 'report'));
  writeFileSync(join(dir, 'report', 'a.txt'), 'old');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Replaces dir/report in a child that SIGKILLs itself right after the rename that parks the old report. */
function killedReplacement(): NodeJS.Signals | null {
  const script = `
    const fs = require('node:fs');
    const rename = fs.promises.rename;
    fs.promises.rename = async (from, to) => {
      await rename(from, to);
      if (require('node:path').basename(to).startsWith('.old-')) process.kill(process.pid, 'SIGKILL');
    };
    const { writeDirectoryAtomically } = require(${JSON.stringify(ATOMIC)});
    writeDirectoryAtomically(${JSON.stringify(dir)}, 'report', new Map([['a.txt', 'new']]), { replace: true });`;
  return spawnSync(process.execPath, ['-r', HOOK, '-e', script], { stdio: 'ignore' }).signal;
}

describe('SIGKILL between the two renames of a replacement', () => {
  it('leaves the old report parked; the next start puts it back and cleans the lock', async () => {
    expect(killedReplacement()).toBe('SIGKILL');
    const left = readdirSync(dir).sort();
    expect(left).not.toContain('report');
    expect(left.some((n) => n.startsWith('.old-report-'))).toBe(true);
    await recoverInterruptedWrites(dir, 'report');
    expect(readdirSync(dir).filter((n) => !n.startsWith('.tmp-'))).toEqual(['report']);
    expect(readFileSync(join(dir, 'report', 'a.txt'), 'utf8')).toBe('old');
  });

  it('a later replacement after the kill completes and leaves no .old-* or lock', async () => {
    expect(killedReplacement()).toBe('SIGKILL');
    await writeDirectoryAtomically(dir, 'report', new Map([['a.txt', 'newer']]));
    expect(readdirSync(dir).filter((n) => !n.startsWith('.tmp-'))).toEqual(['report']);
    expect(readFileSync(join(dir, 'report', 'a.txt'), 'utf8')).toBe('newer');
  });
});
