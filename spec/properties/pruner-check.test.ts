/**
 * checkPruner: the helper a user calls from their own jest suite. The shipped examples: the correct pruner
 * conforms; the broken one (ignores n) is caught with the smallest case that exposes it, and says why.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend';
import { greedyPruner } from '../../src/pruning/greedy';
import type { Pruner } from '../../src/pruning/types';
import {
  asPruner,
  assertPrunerConforms,
  checkPruner,
  describeBrokenContracts,
} from '../../src/properties/pruner-check';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const goodPruner = require('../../examples/pruners/good-pruner.js') as Pruner;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const brokenPruner = require('../../examples/pruners/broken-pruner.js') as Pruner;

beforeAll(async () => {
  await initBackend();
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pruneproof-check-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A time budget per property far above what the quick runs need: every property stops at its seeded numRuns
 * (shrinking included), so verdicts and shrunk cases do not depend on the machine's speed. The budget, and jest's
 * timeout below, only guard against a hang.
 */
const HANG_GUARD_SECONDS = 600;
const MANY_PROPERTIES_TIMEOUT_MS = 1_800_000;

const SMALLEST_EXPOSING_CASE = {
  dataset: { m: 2, d: 2, labels: 'teacher', seed: 0 },
  parameterisation: 'ntk',
  width: 2,
  n: 1,
  stepFraction: 0.1,
  iterations: 0,
};

describe('checkPruner on the shipped examples', () => {
  it(
    'catches the broken pruner (ignores n): only the size contract fails, shrunk to the smallest exposing case, and it is stored',
    async () => {
      const result = await checkPruner(brokenPruner, { quick: true, timeLimitSeconds: HANG_GUARD_SECONDS, store: dir });
      expect(result.passed).toBe(false);
      expect(result.brokenContracts).toEqual(['CONTRACT-size']);
      const size = result.contracts.find((r) => r.id === 'CONTRACT-size')!;
      expect(size.counterexample?.case).toEqual(SMALLEST_EXPOSING_CASE);
      expect(size.counterexample?.detail).toBe(
        'returned 2 picks for n = 1 (N = 2): a pruner must return a multiset of exactly n neurons',
      );
      expect(result.skipped).toMatch(/breaks CONTRACT-size/);
      expect(result.claims).toEqual([]);
      expect(result.comparison).toBeNull();
      expect(readdirSync(dir)).toEqual(['CONTRACT-size@broken-fixed-size.json']);
      expect(describeBrokenContracts(result)).toContain('"width":2,"n":1');

      // Next run: the stored case is replayed first and fails at once.
      const again = await checkPruner(brokenPruner, {
        quick: true,
        timeLimitSeconds: HANG_GUARD_SECONDS,
        store: dir,
        contractsOnly: true,
      });
      const replayed = again.contracts.find((r) => r.id === 'CONTRACT-size')!;
      expect(replayed.replay?.status).toBe('still fails');
      expect(replayed.counterexample?.fromStore).toBe(true);
      expect(replayed.cases.evaluated).toBe(1);
    },
    MANY_PROPERTIES_TIMEOUT_MS,
  );

  it(
    'assertPrunerConforms throws for the broken pruner with the contract, the reason and the shrunk case',
    async () => {
      await expect(
        assertPrunerConforms(brokenPruner, { quick: true, store: null, timeLimitSeconds: HANG_GUARD_SECONDS }),
      ).rejects.toThrow(
        /pruner 'broken-fixed-size' breaks its contract:\nCONTRACT-size .*returned 2 picks for n = 1 \(N = 2\).*shrunk counterexample \{"dataset":\{"m":2,"d":2,"labels":"teacher","seed":0\}/,
      );
    },
    MANY_PROPERTIES_TIMEOUT_MS,
  );

  it(
    'the correct example conforms: contracts, claims with it in place of greedy, and the comparison with the built-ins',
    async () => {
      const result = await checkPruner(goodPruner, {
        quick: true,
        timeLimitSeconds: HANG_GUARD_SECONDS,
        store: null,
        comparisonCases: 3,
      });
      expect(result.passed).toBe(true);
      expect(result.brokenContracts).toEqual([]);
      expect(result.prefixConsistent).toBe(true);
      expect(result.contracts.map((r) => r.verdict)).toEqual(['PASS', 'PASS', 'PASS', 'PASS', 'PASS', 'PASS']);
      // B2, B2′, the FW rate and B3 are claims for a pruner other than greedy: their verdicts are findings, not
      // asserted here.
      expect(result.claims.map((r) => [r.id, r.kind])).toEqual([
        ['INV-B2', 'claim'],
        ['INV-B2-prime', 'claim'],
        ['INV-FW-rate', 'claim'],
        ['CLAIM-B3-loss', 'claim'],
        ['CLAIM-FW-exponent', 'claim'],
      ]);
      expect(result.claims.every((r) => r.error === null && r.cases.evaluated > 0)).toBe(true);
      const comparison = result.comparison!;
      expect(comparison.pruners).toEqual(['stochastic-greedy', 'greedy', 'random', 'magnitude']);
      expect(comparison.cases).toHaveLength(3);
      const greedyRow = comparison.rows.find((r) => r.pruner === 'greedy')!;
      expect(greedyRow.geometricMeanRatioToGreedy).toBeCloseTo(1, 12);
      for (const row of comparison.rows) expect(row.cases).toBe(3);
    },
    MANY_PROPERTIES_TIMEOUT_MS,
  );

  it(
    'greedy itself passes assertPrunerConforms (contracts only by default)',
    async () => {
      const result = await assertPrunerConforms(greedyPruner(), { quick: true, store: null });
      expect(result.claims).toEqual([]);
      expect(result.skipped).toBe('contractsOnly was requested');
    },
    MANY_PROPERTIES_TIMEOUT_MS,
  );
});

describe('asPruner', () => {
  it('says what a Pruner is and what is missing', () => {
    expect(() => asPruner(null, 'x.js')).toThrow(
      'x.js: expected an object { name: string, prune(input): PruneResult | Promise<PruneResult>, prefixConsistent?: boolean }, got null',
    );
    expect(() => asPruner({ name: '', prune() {} })).toThrow(`'name' is ""`);
    expect(() => asPruner({ name: 'p', prune: 3 })).toThrow("'prune' is number, not a function");
    expect(() => asPruner({ name: 'p', prune() {}, prefixConsistent: 'yes' })).toThrow(
      "'prefixConsistent' must be a boolean when given",
    );
    const ok = { name: 'p', prune: () => ({ selection: [0], lossPerStep: [0] }) };
    expect(asPruner(ok)).toBe(ok);
  });

  it('checkPruner rejects a non-pruner and bad options before running anything', async () => {
    await expect(checkPruner({} as Pruner)).rejects.toThrow('checkPruner: expected an object');
    await expect(checkPruner(goodPruner, { seed: 0.5, store: null })).rejects.toThrow(
      'checkPruner: seed must be an integer, got 0.5',
    );
  });
});
