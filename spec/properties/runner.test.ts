/**
 * The property runner on cheap synthetic properties (no tensors): verdicts, shrinking, seed and path,
 * the counterexample store (record, replay first, remove once passing, unreadable files), errors and the
 * time budget.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { isDefect, runProperty, type RunPropertyOptions } from '../../src/properties/runner';
import { CounterexampleStore } from '../../src/properties/store';
import type { CaseOutcome, PropertyDefinition } from '../../src/testing/property';
import type { Pruner } from '../../src/pruning/types';
import { FC_SEED } from './helpers';

interface Pair {
  a: number;
  b: number;
}

const pairs = fc.record({ a: fc.integer({ min: 0, max: 1000 }), b: fc.integer({ min: 0, max: 1000 }) });

function parsePair(v: unknown): Pair {
  const o = v as Pair;
  if (!o || !Number.isInteger(o.a) || !Number.isInteger(o.b))
    throw new RangeError(`parsePair: not a pair: ${JSON.stringify(v)}`);
  return { a: o.a, b: o.b };
}

function outcomeOf(status: CaseOutcome['status'], detail: string, reason?: string): CaseOutcome {
  return {
    status,
    detail,
    ...(reason ? { reason } : {}),
    regimes: [status === 'pass' ? 'small' : 'large'],
    hypotheses: [
      { id: 'H4', holds: false, detail: 'H4 fails: made up', factor: 10 },
      { id: 'H1', holds: true, detail: 'H1 holds', factor: null },
    ],
    measured: { ratio: 1 },
  };
}

/** "a + b < limit" with "a ≥ 900" out of scope. */
function sumProperty(limit: number, id = 'TEST-sum'): PropertyDefinition<Pair> {
  return {
    id,
    kind: 'claim',
    source: '[R]',
    statement: `a + b < ${limit}`,
    arbitrary: pairs,
    parseCase: parsePair,
    evaluate: async ({ a, b }) => {
      if (a >= 900) return outcomeOf('not-applicable', 'a too large', 'a ≥ 900');
      return a + b < limit ? outcomeOf('pass', 'ok') : outcomeOf('fail', `a + b = ${a + b} ≥ ${limit}`);
    },
    runs: { quick: 50, full: 100 },
    usesPruner: false,
  };
}

const pruner: Pruner = { name: 'greedy', prune: () => ({ selection: [0], lossPerStep: [0] }) };
const options = (store: CounterexampleStore | null = null): RunPropertyOptions => ({
  seed: FC_SEED,
  numRuns: 100,
  pruner,
  store,
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pruneproof-runner-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('runProperty', () => {
  it('a failing property: FAIL with the counterexample shrunk to the boundary, its seed, path and violated hypotheses', async () => {
    const r = await runProperty(sumProperty(300), options());
    expect(r.verdict).toBe('FAIL');
    const ce = r.counterexample!;
    // Shrinking toward small values reaches a minimal failing pair: a + b = 300 exactly, one of them 0.
    const { a, b } = ce.case as Pair;
    expect(a + b).toBe(300);
    expect(Math.min(a, b)).toBe(0);
    expect(ce.detail).toBe('a + b = 300 ≥ 300');
    expect(ce.seed).toBe(FC_SEED);
    expect(ce.path).toMatch(/^\d+(:\d+)*$/);
    expect(ce.violatedHypotheses).toEqual([{ id: 'H4', detail: 'H4 fails: made up' }]);
    expect(ce.fromStore).toBe(false);
    expect(isDefect(r)).toBe(false); // a claim failing is a finding
    expect(isDefect({ ...r, kind: 'invariant' })).toBe(true);
  });

  it('seed and path replay the same counterexample with fast-check directly', async () => {
    const r = await runProperty(sumProperty(300), options());
    const def = sumProperty(300);
    const replay = await fc.check(
      fc.asyncProperty(def.arbitrary, async (c) => {
        if ((await def.evaluate(c, { pruner })).status === 'fail') throw new Error('fails');
      }),
      { seed: r.counterexample!.seed, path: r.counterexample!.path!, endOnFailure: true },
    );
    expect(replay.counterexample?.[0]).toEqual(r.counterexample!.case);
  });

  it('a property that always holds: PASS, counting evaluated, passed and not-applicable cases and their regimes', async () => {
    const r = await runProperty(sumProperty(5000), options());
    expect(r.verdict).toBe('PASS');
    expect(r.cases.evaluated).toBe(100);
    expect(r.cases.passed + r.cases.notApplicable).toBe(100);
    expect(r.cases.notApplicable).toBeGreaterThan(0);
    expect(r.notApplicableReasons).toEqual({ 'a ≥ 900': r.cases.notApplicable });
    expect(r.regimes.small).toBe(r.cases.passed);
  });

  it('no case in scope: NOT APPLICABLE, never PASS', async () => {
    const def = sumProperty(5000);
    const r = await runProperty(
      { ...def, evaluate: async () => outcomeOf('not-applicable', 'never', 'never in scope') },
      options(),
    );
    expect(r.verdict).toBe('NOT APPLICABLE');
    expect(r.cases.passed).toBe(0);
  });

  it('a property that throws: FAIL with the error recorded, counted as a defect even for a claim', async () => {
    const def = sumProperty(5000);
    const r = await runProperty(
      {
        ...def,
        evaluate: async ({ a }) => {
          if (a > 10) throw new RangeError('boom');
          return outcomeOf('pass', 'ok');
        },
      },
      options(),
    );
    expect(r.verdict).toBe('FAIL');
    expect(r.counterexample?.error).toBe('RangeError: boom');
    expect((r.counterexample?.case as Pair).a).toBe(11); // shrunk to the smallest throwing a
    expect(isDefect(r)).toBe(true);
  });

  it('stops within the time budget, shrinking included, and says it was interrupted', async () => {
    const def = sumProperty(5000);
    const slow: PropertyDefinition<Pair> = {
      ...def,
      evaluate: async (c) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return def.evaluate(c, { pruner });
      },
    };
    const r = await runProperty(slow, { ...options(), numRuns: 1000, timeLimitMs: 300 });
    expect(r.interrupted).toBe(true);
    expect(r.cases.evaluated).toBeLessThan(1000);
  });

  it('rejects bad options naming the field', async () => {
    await expect(runProperty(sumProperty(5), { ...options(), numRuns: 0 })).rejects.toThrow(
      'runProperty(TEST-sum): numRuns must be a positive integer, got 0',
    );
    await expect(runProperty(sumProperty(5), { ...options(), seed: 1.5 })).rejects.toThrow('seed must be an integer');
  });
});

describe('counterexample store', () => {
  it('records the shrunk counterexample, replays it first next time, and removes it once it passes', async () => {
    const store = new CounterexampleStore(dir);
    const first = await runProperty(sumProperty(300), options(store));
    const file = store.fileFor('TEST-sum', 'greedy');
    expect(readdirSync(dir)).toEqual(['TEST-sum.json']);
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    expect(stored).toMatchObject({
      schemaVersion: 1,
      propertyId: 'TEST-sum',
      pruner: 'greedy',
      seed: FC_SEED,
      case: first.counterexample!.case,
      detail: 'a + b = 300 ≥ 300',
    });

    // Replayed first: it fails at once (run 1), and nothing is generated before it.
    const second = await runProperty(sumProperty(300), { ...options(store), seed: 7 });
    expect(second.replay).toMatchObject({ file, status: 'still fails' });
    expect(second.counterexample?.fromStore).toBe(true);
    expect(second.counterexample?.case).toEqual(first.counterexample!.case);
    expect(second.cases.evaluated).toBe(1);

    // The bug is "fixed": the stored case passes and leaves the store.
    const third = await runProperty(sumProperty(5000), options(store));
    expect(third.verdict).toBe('PASS');
    expect(third.replay?.status).toBe('now passes');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a stored case of an older generator still shrinks further when replayed', async () => {
    const store = new CounterexampleStore(dir);
    await store.save({
      schemaVersion: 1,
      propertyId: 'TEST-sum',
      pruner: 'greedy',
      seed: 1,
      path: '3',
      case: { a: 700, b: 650 },
      detail: 'old',
      violatedHypotheses: [],
      regimes: [],
      numShrinks: 0,
      recordedAt: new Date().toISOString(),
    });
    const r = await runProperty(sumProperty(300), options(store));
    expect(r.counterexample?.fromStore).toBe(true);
    const { a, b } = r.counterexample!.case as Pair;
    expect(a + b).toBe(300);
  });

  it('an unreadable or mismatched store file is reported, never crashes the run, and is replaced by a new counterexample', async () => {
    const store = new CounterexampleStore(dir);
    const file = store.fileFor('TEST-sum', 'greedy');
    writeFileSync(file, '{ not json');
    const r = await runProperty(sumProperty(300), options(store));
    expect(r.replay).toMatchObject({ file, status: 'unreadable' });
    expect(r.replay?.detail).toContain('not valid JSON');
    expect(JSON.parse(readFileSync(file, 'utf8')).detail).toBe('a + b = 300 ≥ 300');

    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), case: { a: 'x' } }));
    const again = await runProperty(sumProperty(300), options(store));
    expect(again.replay?.status).toBe('unreadable');
    expect(again.replay?.detail).toContain('stored case rejected: parsePair: not a pair');
  });

  it('keeps one file per property and pruner', async () => {
    const store = new CounterexampleStore(dir);
    await runProperty(sumProperty(300), options(store));
    await runProperty(sumProperty(300), { ...options(store), pruner: { ...pruner, name: 'my pruner/v2' } });
    expect(readdirSync(dir).sort()).toEqual(['TEST-sum.json', 'TEST-sum@my_pruner_v2.json']);
  });
});
