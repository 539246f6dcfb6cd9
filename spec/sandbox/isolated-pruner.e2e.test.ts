/**
 * Hostile pruners against the child-process isolation: one that kills its own process, two memory hogs (V8 heap
 * and Buffers outside it) and one that floods the console. The harness survives each, reports why the call
 * failed ("exceeded memory", not "timed out"), and forwards at most OUTPUT_CAP_BYTES of output with a note.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { initBackend } from '../../src/backend';
import type { PruneInput } from '../../src/pruning/types';
import { pruningCase } from '../../src/testing/arbitraries/pruning-case';
import { PrunerCrashError, PrunerMemoryError } from '../../src/sandbox/errors';
import { loadIsolatedPruner, OUTPUT_CAP_BYTES, type IsolatedPruner } from '../../src/sandbox/isolated-pruner';
import { pruneInput, withFeatures, withPretrainedCase } from '../../src/testing/pretrain';

const ROOT = resolve(__dirname, '../..');
const fixture = (name: string) => join(ROOT, 'spec/fixtures/pruners', name);
const opened: IsolatedPruner[] = [];
afterAll(() => Promise.all(opened.map((p) => p.close())));

async function load(file: string, maxMemoryMb?: number): Promise<IsolatedPruner> {
  const backend = await initBackend();
  const pruner = await loadIsolatedPruner(file, file, { backend: backend.name, callTimeoutSeconds: 60, maxMemoryMb });
  opened.push(pruner);
  return pruner;
}

async function onCase<T>(fn: (input: PruneInput) => Promise<T>): Promise<T> {
  const [c] = fc.sample(pruningCase({ iterations: { min: 5, max: 10 } }), { seed: 1, numRuns: 1 });
  return withPretrainedCase(c, { checkpoints: [c.iterations], lambda0: false }, (p) => {
    const last = p.checkpoints[p.checkpoints.length - 1];
    return withFeatures(p, last.weights, (features) => fn(pruneInput(p, features, last.weights)));
  });
}

describe('a user pruner in a child process', () => {
  it('process.kill(process.pid) in the pruner ends its own process only: PrunerCrashError, the harness lives on', async () => {
    const pruner = await load(fixture('kills-harness.js'));
    const error = await onCase((input) => Promise.resolve(pruner.prune(input)).catch((e: unknown) => e));
    expect(error).toBeInstanceOf(PrunerCrashError);
    expect(String((error as Error).message)).toMatch(/signal SIGTERM.*process\.kill/);
  });

  it('a JavaScript heap hog is stopped at the cap and reported as "exceeded memory", not "timed out"', async () => {
    const pruner = await load(fixture('heap-hog.js'), 256);
    const error = await onCase((input) => Promise.resolve(pruner.prune(input)).catch((e: unknown) => e));
    expect(error).toBeInstanceOf(PrunerMemoryError);
    expect(String((error as Error).message)).toMatch(/exceeded memory.*256 MB/);
  });

  it('a hog outside the heap (Buffers) is stopped by the resident-memory poll, "exceeded memory"', async () => {
    const pruner = await load(fixture('buffer-hog.js'), 512);
    const error = await onCase((input) => Promise.resolve(pruner.prune(input)).catch((e: unknown) => e));
    expect(error).toBeInstanceOf(PrunerMemoryError);
    expect(String((error as Error).message)).toMatch(/exceeded memory \(resident memory \d+ MB over the cap of 512 MB/);
  });

  it(`console output past ${OUTPUT_CAP_BYTES} bytes is dropped with one note`, async () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
    try {
      const pruner = await load(fixture('chatty.js'));
      await onCase((input) => Promise.resolve(pruner.prune(input)).catch((e: unknown) => e));
      await new Promise((next) => setTimeout(next, 500)); // the pipe drains after the call's answer
    } finally {
      spy.mockRestore();
    }
    const text = written.join('');
    expect(text.length).toBeLessThanOrEqual(OUTPUT_CAP_BYTES + 1000);
    expect(text).toMatch(/output of .*chatty\.js' passed 1 MiB; the rest is dropped/);
  });
});

describe('check-pruner with a pruner that kills its process', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pruneproof-kill-pruner-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the command is not ended: it reports the broken contract (exit 1) and writes its report', () => {
    const result = spawnSync(
      process.execPath,
      [
        '-r',
        join(ROOT, 'spec/store/ts-hook.js'),
        join(ROOT, 'src/cli/main.ts'),
        'check-pruner',
        fixture('kills-harness.js'),
        '--quick',
        '--time-limit',
        '2',
        '--quiet',
        '--out',
        dir,
        '--db',
        join(dir, 'db'),
      ],
      { encoding: 'utf8' },
    );
    expect(result.signal).toBeNull();
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/BREAKS ITS CONTRACT/);
    expect(result.stdout).toMatch(/Report: .*report\.md/);
  }, 300_000);
});
