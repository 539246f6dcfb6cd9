/**
 * Interrupt and resume with a real signal: a child `pruneproof verify` gets SIGINT after its first stored run,
 * exits 130 having written no report, and the same command then computes only the missing runs and writes
 * the report an uninterrupted run writes (timings aside).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EXIT } from '../../src/cli/errors';
import { cli, readOnlyReport, storeFiles, withoutVolatile } from './helpers';

const ROOT = resolve(__dirname, '../..');
/** Long enough per run (120 GD steps) that the signal lands mid-sweep. */
const SWEEP = [
  '--quick',
  '--m',
  '10,20',
  '--seeds',
  '1,2',
  '--width',
  '20',
  '--iterations',
  '120',
  '--n',
  '4,8',
  '--workers',
  '1',
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pruneproof-resume-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI from the sources in a child; sends `signal` once stderr shows the first finished run. */
function interruptedVerify(args: string[], signal: NodeJS.Signals): Promise<{ code: number | null; err: string }> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ['-r', join(__dirname, 'ts-hook.js'), join(ROOT, 'src/cli/main.ts'), 'verify', ...args],
      {
        cwd: dir,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let err = '';
    let sent = false;
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      if (!sent && /run 1\/4 /.test(err)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, err }));
  });
}

describe('interrupt and resume', () => {
  it('SIGINT after the first stored run: exit 130, no report; rerunning resumes to the same report', async () => {
    const args = [...SWEEP, '--store', join(dir, 'store'), '--out', join(dir, 'out')];
    const interrupted = await interruptedVerify(args, 'SIGINT');
    expect(interrupted.code).toBe(130);
    const match = /interrupted: (\d) of 4 runs stored; run the same command to resume/.exec(interrupted.err);
    expect(match).not.toBeNull();
    const stored = Number(match![1]);
    expect(stored).toBeGreaterThanOrEqual(1);
    expect(stored).toBeLessThan(4);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    expect(storeFiles(join(dir, 'store'))).toHaveLength(stored); // no temporary or partial file either

    const resumed = await cli(['verify', ...args, '--quiet']);
    expect(resumed.code).toBe(EXIT.ok);
    expect(resumed.err).toContain(`${stored} of 4 runs reused`);
    expect(resumed.err).toContain(`${4 - stored} computed and stored`);

    const reference = await cli([
      'verify',
      ...SWEEP,
      '--quiet',
      '--store',
      join(dir, 'reference-store'),
      '--out',
      join(dir, 'reference'),
    ]);
    expect(reference.code).toBe(EXIT.ok);
    expect(withoutVolatile(readOnlyReport(join(dir, 'out')))).toEqual(
      withoutVolatile(readOnlyReport(join(dir, 'reference'))),
    );
  }, 180_000);

  it('SIGTERM exits 143 with the same message', async () => {
    const result = await interruptedVerify(
      [...SWEEP, '--store', join(dir, 'store-term'), '--out', join(dir, 'out-term')],
      'SIGTERM',
    );
    expect(result.code).toBe(143);
    expect(result.err).toMatch(/interrupted: \d of 4 runs stored; run the same command to resume/);
  }, 180_000);
});
