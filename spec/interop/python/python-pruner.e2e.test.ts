/**
 * A Python pruner through the bridge, with the real python3 and NumPy: its answers, the greedy example's picks
 * against the built-in greedy, and every way a call can go wrong (time-out, exception, a dying process, prints,
 * writes into the input) — each a rejection with why, the next call on a fresh process, never a hang.
 */
import fc from 'fast-check';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initBackend } from '../../../src/backend';
import {
  loadPythonPruner,
  PythonError,
  pythonInterpreter,
  type PythonPruner,
} from '../../../src/interop/python/python-pruner';
import { greedyPruner } from '../../../src/pruning/greedy';
import { lossCurve } from '../../../src/pruning/subnetwork';
import type { PruneInput } from '../../../src/pruning/types';
import { pruningCase } from '../../../src/testing/arbitraries/pruning-case';
import { PrunerCrashError, PrunerMemoryError, PrunerTimeoutError } from '../../../src/sandbox/errors';
import { pruneInput, withFeatures, withPretrainedCase } from '../../../src/testing/pretrain';
import { PrunerModuleError } from '../../../src/sandbox/pruner-module';
import { requirePythonWithNumpy } from './require-python';

const GREEDY = resolve(__dirname, '../../../examples/pruners/greedy_pruner.py');
const fixture = (name: string) => resolve(__dirname, '../../fixtures/pruners', name);
let dir: string;
const opened: PythonPruner[] = [];

beforeAll(async () => {
  requirePythonWithNumpy();
  await initBackend();
  dir = mkdtempSync(join(tmpdir(), 'pruneproof-python-'));
});
afterAll(async () => {
  await Promise.all(opened.map((p) => p.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function load(
  path: string,
  opts: { callTimeoutSeconds?: number; python?: string; maxMemoryMb?: number } = {},
): Promise<PythonPruner> {
  const pruner = await loadPythonPruner(path, path, opts);
  opened.push(pruner);
  return pruner;
}

/** Runs `fn` on the prune input of one small generated case. */
async function onCase<T>(seed: number, fn: (input: PruneInput) => Promise<T>, iterations = 20): Promise<T> {
  const [c] = fc.sample(pruningCase({ iterations: { min: iterations, max: iterations } }), { seed, numRuns: 1 });
  return withPretrainedCase(c, { checkpoints: [c.iterations], lambda0: false }, (p) => {
    const last = p.checkpoints[p.checkpoints.length - 1];
    return withFeatures(p, last.weights, (features) => fn(pruneInput(p, features, last.weights)));
  });
}

describe('a Python pruner behind the bridge', () => {
  it('examples/pruners/greedy_pruner.py picks exactly what the built-in greedy picks, and reports the measured losses', async () => {
    const pruner = await load(GREEDY);
    expect(pruner.name).toBe('numpy-greedy');
    expect(pruner.prefixConsistent).toBe(true);
    expect(pruner.runtime.numpy).toMatch(/^\d+\.\d+/);
    const greedy = greedyPruner();
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      await onCase(
        seed,
        async (input) => {
          const ours = await pruner.prune(input);
          const builtin = await greedy.prune(input);
          expect(ours.selection).toEqual(builtin.selection);
          const measured = lossCurve(input.features, input.targets, ours.selection);
          ours.lossPerStep.forEach((loss, k) =>
            expect(Math.abs(loss - measured[k])).toBeLessThanOrEqual(1e-9 * measured[k] + 1e-15),
          );
        },
        10 * seed,
      );
    }
  });

  it("docs/PYTHON.md's example (examples/pruners/correlation_pruner.py, shown verbatim) reports the measured losses", async () => {
    const example = resolve(__dirname, '../../../examples/pruners/correlation_pruner.py');
    expect(readFileSync(resolve(__dirname, '../../../docs/PYTHON.md'), 'utf8')).toContain(
      readFileSync(example, 'utf8'),
    );
    const pruner = await load(example);
    expect([pruner.name, pruner.prefixConsistent]).toEqual(['correlation', true]);
    for (const seed of [1, 2, 3]) {
      await onCase(seed, async (input) => {
        const { selection, lossPerStep } = await pruner.prune(input);
        expect(selection).toHaveLength(input.n);
        const measured = lossCurve(input.features, input.targets, selection);
        lossPerStep.forEach((loss, k) =>
          expect(Math.abs(loss - measured[k])).toBeLessThanOrEqual(1e-9 * measured[k] + 1e-15),
        );
      });
    }
  });

  it('accepts NumPy arrays, tuples and generators as the result; prints and writes to fd 1 go to stderr, not into the protocol', async () => {
    const numpy = await load(fixture('numpy_result.py'));
    const chatty = await load(fixture('chatty.py'));
    const generators = await load(fixture('generator_result.py'));
    await onCase(3, async (input) => {
      const n = Math.min(input.n, input.features.width);
      expect(await numpy.prune({ ...input, n })).toEqual({
        selection: [...Array(n).keys()],
        lossPerStep: Array(n).fill(0),
      });
      expect((await chatty.prune({ ...input, n })).selection).toEqual([...Array(n).keys()]);
      expect((await chatty.prune({ ...input, n })).selection).toEqual([...Array(n).keys()]);
      expect((await generators.prune({ ...input, n })).selection).toEqual([...Array(n).keys()]);
    });
  });

  it('a call past the time limit rejects with PrunerTimeoutError and kills the process; the next call runs on a fresh one', async () => {
    const pruner = await load(fixture('sometimes_slow.py'), { callTimeoutSeconds: 0.5 });
    await onCase(4, async (input) => {
      const started = Date.now();
      await expect(pruner.prune({ ...input, seed: 1 })).rejects.toThrow(PrunerTimeoutError);
      await expect(pruner.prune({ ...input, seed: 1 })).rejects.toThrow(
        /prune \(n = \d+, N = \d+, m = \d+\) timed out after 0.5 s; its Python process was stopped/,
      );
      expect(Date.now() - started).toBeLessThan(30_000);
      const n = Math.min(input.n, input.features.width);
      expect((await pruner.prune({ ...input, n, seed: 2 })).selection).toHaveLength(n);
    });
  });

  it('a Python exception rejects with its last line and the last frames of its traceback; the process lives on', async () => {
    const pruner = await load(fixture('raises.py'));
    await onCase(5, async (input) => {
      const call = pruner.prune(input);
      await expect(call).rejects.toThrow(PythonError);
      await expect(pruner.prune(input)).rejects.toThrow(
        /^ValueError: features of shape \(\d+, \d+, \d+\) are not what this pruner expects \(traceback, last frames: raises.py:\d+ in prune: check_inputs\(features\) → raises.py:\d+ in check_inputs: raise ValueError/,
      );
    });
  });

  it('a process that dies rejects with PrunerCrashError and its last stderr lines; writing into the input raises', async () => {
    const exits = await load(fixture('exits.py'));
    const mutates = await load(fixture('mutates.py'));
    await onCase(6, async (input) => {
      await expect(exits.prune(input)).rejects.toThrow(PrunerCrashError);
      await expect(exits.prune(input)).rejects.toThrow(/exited with code 7 .*exits: giving up/);
      await expect(mutates.prune(input)).rejects.toThrow(/ValueError: assignment destination is read-only/);
    });
  });

  it('a process past its memory cap (--max-memory) is stopped and reported as exceeded memory, not as a crash', async () => {
    const hog = await load(fixture('memory_hog.py'), { maxMemoryMb: 200 });
    await onCase(7, async (input) => {
      const call = hog.prune(input);
      await expect(call).rejects.toThrow(PrunerMemoryError);
      await expect(call).rejects.toThrow(
        /exceeded memory \(resident memory \d+ MB over the cap of 200 MB, --max-memory\)/,
      );
    });
  });

  it('loading fails with PrunerModuleError naming what is missing: no prune, an exception at import, no interpreter, no NumPy', async () => {
    await expect(load(fixture('no_prune.py'))).rejects.toThrow(
      /is not a pruner module: it defines no function prune\(features, y, n, seed, weights\)/,
    );
    const broken = join(dir, 'broken_import.py');
    writeFileSync(broken, 'import numpy\nraise RuntimeError("no GPU here")\n');
    await expect(load(broken)).rejects.toThrow(
      /could not load pruner module '.*broken_import.py': RuntimeError: no GPU here \(traceback, last frames: broken_import.py:2/,
    );
    const missing = load(GREEDY, { python: join(dir, 'no-such-python') });
    await expect(missing).rejects.toThrow(PrunerModuleError);
    await expect(load(GREEDY, { python: join(dir, 'no-such-python') })).rejects.toThrow(
      /the Python interpreter '.*no-such-python' not found; .*--python PATH or the environment variable PRUNEPROOF_PYTHON/,
    );
    // The same interpreter without its site-packages: no NumPy.
    const bare = join(dir, 'python-without-numpy');
    writeFileSync(bare, `#!/bin/sh\nexec ${JSON.stringify(pythonInterpreter())} -S "$@"\n`);
    chmodSync(bare, 0o755);
    await expect(load(GREEDY, { python: bare })).rejects.toThrow(
      /NumPy is missing for the Python interpreter '.*python-without-numpy' .*--python PATH or the environment variable PRUNEPROOF_PYTHON/,
    );
  });
});
