import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AlreadyWrittenError,
  ORPHAN_AGE_MS,
  recoverInterruptedWrites,
  removeOrphans,
  writeDirectoryAtomically,
  writeFileAtomically,
} from '../../src/files/atomic';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pruneproof-atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const files = (text: string) =>
  new Map([
    ['a.txt', `${text}-a`],
    ['b.txt', `${text}-b`],
  ]);

describe('writeFileAtomically', () => {
  it('many writers of one file in one process (one PID, as in every container) all succeed, nothing left over', async () => {
    const path = join(dir, 'run.json');
    const contents = Array.from({ length: 20 }, (_, i) => `writer ${i}\n`);
    await Promise.all(contents.map((c) => writeFileAtomically(path, c)));
    expect(contents).toContain(readFileSync(path, 'utf8'));
    expect(readdirSync(dir)).toEqual(['run.json']);
  });

  it('a failed write removes only its own temporary, never a sibling writer’s', async () => {
    const foreign = join(dir, '.tmp-x.json-0123456789ab');
    writeFileSync(foreign, 'another writer, still writing');
    mkdirSync(join(dir, 'x.json')); // the target is a directory: the rename fails
    await expect(writeFileAtomically(join(dir, 'x.json'), 'new')).rejects.toThrow();
    expect(readdirSync(dir).sort()).toEqual(['.tmp-x.json-0123456789ab', 'x.json']);
  });
});

describe('writeDirectoryAtomically', () => {
  it('two writers of one directory without replace: one wins, the other gets AlreadyWrittenError; nothing left over', async () => {
    const outcomes = await Promise.allSettled([
      writeDirectoryAtomically(dir, 'report', files('first'), { replace: false }),
      writeDirectoryAtomically(dir, 'report', files('second'), { replace: false }),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const rejected = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')!;
    expect(rejected.reason).toBeInstanceOf(AlreadyWrittenError);
    expect(String(rejected.reason.message)).toMatch(/written by another process.*--force/);
    expect(readdirSync(dir)).toEqual(['report']);
    const a = readFileSync(join(dir, 'report', 'a.txt'), 'utf8');
    expect(readFileSync(join(dir, 'report', 'b.txt'), 'utf8')).toBe(a.replace(/-a$/, '-b'));
  });

  it('ten concurrent replacing writers: the directory is one complete writer’s, nothing left over', async () => {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => writeDirectoryAtomically(dir, 'report', files(`w${i}`), { replace: true })),
    );
    expect(readdirSync(dir)).toEqual(['report']);
    const a = readFileSync(join(dir, 'report', 'a.txt'), 'utf8');
    expect(readFileSync(join(dir, 'report', 'b.txt'), 'utf8')).toBe(a.replace(/-a$/, '-b'));
  });

  it('an aborted signal writes nothing and leaves nothing', async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(writeDirectoryAtomically(dir, 'report', files('x'), { signal: abort.signal })).rejects.toThrow();
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('recovery of a killed writer', () => {
  it('a replacement killed between its renames (.old-* parked, no report, stale lock) is put back', async () => {
    mkdirSync(join(dir, '.old-report-0123456789ab'));
    writeFileSync(join(dir, '.old-report-0123456789ab', 'a.txt'), 'old');
    writeFileSync(join(dir, '.lock-report'), JSON.stringify({ host: 'gone', pid: 1, token: 'x' }));
    const past = new Date(Date.now() - 2 * 60 * 1000);
    utimesSync(join(dir, '.lock-report'), past, past);
    await recoverInterruptedWrites(dir, 'report');
    expect(readdirSync(dir)).toEqual(['report']);
    expect(readFileSync(join(dir, 'report', 'a.txt'), 'utf8')).toBe('old');
  });

  it('orphaned temporaries older than ORPHAN_AGE_MS are removed, younger ones (a live writer’s) kept', () => {
    const old = join(dir, '.tmp-report-aaaaaaaaaaaa');
    const young = join(dir, '.tmp-run.json-bbbbbbbbbbbb');
    mkdirSync(old);
    writeFileSync(young, 'being written');
    const past = new Date(Date.now() - ORPHAN_AGE_MS - 1000);
    utimesSync(old, past, past);
    expect(removeOrphans(dir)).toEqual([old]);
    expect(existsSync(young)).toBe(true);
  });
});
