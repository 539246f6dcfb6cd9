/**
 * The isolated pruner: the user's module in a child process behind a Pruner proxy. Its answers equal the in-process
 * pruner's on the same input (the tensors are rebuilt exactly on the thread's backend); a call that does not return
 * in time, or a thread that crashes, rejects with why, and the next call runs on a fresh thread.
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initBackend } from '../../src/backend';
import type { PruneInput, PruneResult } from '../../src/pruning/types';
import { pruningCase } from '../../src/testing/arbitraries/pruning-case';
import { PrunerCrashError, PrunerTimeoutError } from '../../src/sandbox/errors';
import { loadIsolatedPruner, type IsolatedPruner } from '../../src/sandbox/isolated-pruner';
import { pruneInput, withFeatures, withPretrainedCase } from '../../src/testing/pretrain';
import { importPrunerModule } from '../../src/sandbox/pruner-module';
import { comparePruners } from '../../src/properties/pruner-check';
import { startBudget } from '../../src/sandbox/isolated-pruner';

const GOOD = resolve(__dirname, '../../examples/pruners/good-pruner.js');
let dir: string;
const opened: IsolatedPruner[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pruneproof-isolated-'));
});
afterAll(async () => {
  await Promise.all(opened.map((p) => p.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function load(path: string, callTimeoutSeconds?: number): Promise<IsolatedPruner> {
  const backend = await initBackend();
  const pruner = await loadIsolatedPruner(path, path, { backend: backend.name, callTimeoutSeconds });
  opened.push(pruner);
  return pruner;
}

/** Runs `fn` on the prune input of one small generated case. */
async function onCase<T>(seed: number, fn: (input: PruneInput) => Promise<T>): Promise<T> {
  const [c] = fc.sample(pruningCase({ iterations: { min: 5, max: 20 } }), { seed, numRuns: 1 });
  return withPretrainedCase(c, { checkpoints: [c.iterations], lambda0: false }, (p) => {
    const last = p.checkpoints[p.checkpoints.length - 1];
    return withFeatures(p, last.weights, (features) => fn(pruneInput(p, features, last.weights)));
  });
}

describe('loadIsolatedPruner', () => {
  it('answers exactly as the same module in process, on generated cases (name and prefixConsistent carried over)', async () => {
    const isolated = await load(GOOD);
    const local = await importPrunerModule(GOOD, GOOD);
    expect(isolated.name).toBe(local.name);
    expect(isolated.prefixConsistent).toBe(local.prefixConsistent);
    for (const seed of [1, 2, 3]) {
      const [a, b] = await onCase(
        seed,
        async (input) => [await isolated.prune(input), await local.prune(input)] as PruneResult[],
      );
      expect(a).toEqual(b);
    }
  });

  it('a call past --call-timeout rejects with PrunerTimeoutError naming the limit; the next call runs on a fresh thread', async () => {
    const file = join(dir, 'hangs-on-odd-n.js');
    writeFileSync(
      file,
      `module.exports = require(${JSON.stringify(GOOD)});
const prune = module.exports.prune;
module.exports = { name: 'hangs-on-odd-n', prune: (input) => (input.n % 2 ? new Promise(() => {}) : prune(input)) };\n`,
    );
    const pruner = await load(file, 0.5);
    await onCase(1, async (input) => {
      await expect(pruner.prune({ ...input, n: 1 })).rejects.toThrow(PrunerTimeoutError);
      await expect(pruner.prune({ ...input, n: 1 })).rejects.toThrow(
        /prune \(n = 1, N = \d+, m = \d+\) timed out after 0.5 s/,
      );
      const n = input.features.width >= 2 ? 2 : 0;
      if (n) expect((await pruner.prune({ ...input, n })).selection).toHaveLength(2);
    });
  });

  it('a crash of the thread rejects with PrunerCrashError and the error; an error thrown by prune keeps its name and message', async () => {
    const file = join(dir, 'crash-or-throw.js');
    writeFileSync(
      file,
      `module.exports = { name: 'c', prune(input) {
  if (input.n === 1) throw new RangeError('n too small');
  setTimeout(() => { throw new Error('boom'); }, 0);
  return new Promise(() => {});
} };\n`,
    );
    const pruner = await load(file, 20);
    await onCase(2, async (input) => {
      await expect(pruner.prune({ ...input, n: 1 })).rejects.toThrow(
        expect.objectContaining({ name: 'RangeError', message: 'n too small' }),
      );
      await expect(pruner.prune({ ...input, n: 2 })).rejects.toThrow(PrunerCrashError);
      await expect(pruner.prune({ ...input, n: 1 })).rejects.toThrow('n too small'); // a fresh thread answers again
    });
  });

  it('loading errors are PrunerModuleErrors naming the file', async () => {
    const file = join(dir, 'not-a-pruner.js');
    writeFileSync(file, 'module.exports = { nope: 1 };\n');
    await expect(load(file)).rejects.toThrow(/does not export a Pruner: .* got an object with keys \[nope\]/);
  });

  it('the comparison respects the time limit: the first call times out, later ones fail at once (never N/A, never a hang)', async () => {
    const pruner = await load(resolve(__dirname, '../fixtures/pruners/never-settles.js'));
    startBudget(pruner, 1);
    const comparison = await comparePruners(pruner, 3, 42);
    const errors = comparison.cases.map((c) => c.errors['never-settles']);
    // The first call times out after 1 s (or, on a loaded machine, the budget is gone before it starts).
    for (const e of errors) expect(e).toMatch(/timed out after 1 s|not started: the time limit of 1 s is used up/);
    expect(errors.slice(1).every((e) => /not started/.test(e))).toBe(true);
    expect(comparison.rows.find((r) => r.pruner === 'never-settles')?.cases).toBe(0);
  });
});
