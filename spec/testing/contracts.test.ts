/**
 * The pruner contracts as properties: every built-in pruner meets them on generated pre-trained cases, and
 * each contract catches the fault it is about, with a shrunk counterexample.
 */
import { initBackend } from '../../src/backend';
import { runProperty } from '../../src/properties/runner';
import { getPruner } from '../../src/pruning';
import { lossCurve } from '../../src/pruning/subnetwork';
import type { PruneInput, PruneResult, Pruner } from '../../src/pruning/types';
import {
  CONTRACT_DETERMINISM,
  CONTRACT_NO_MUTATION,
  CONTRACT_PREFIX,
  CONTRACT_REPORTED_LOSSES,
  CONTRACT_SIZE,
  CONTRACT_VALID_MULTISET,
  PRUNER_CONTRACTS,
} from '../../src/testing/contracts';
import type { PropertyDefinition } from '../../src/testing/property';
import type { PruningCase } from '../../src/testing/arbitraries';
import { FC_SEED } from '../properties/helpers';

beforeAll(async () => {
  await initBackend();
});

/** A jest timeout per property check (a hang guard, not a bound on what is checked: that is numRuns). */
const TIMEOUT_MS = 60_000;

async function check(def: PropertyDefinition<PruningCase>, pruner: Pruner, numRuns = 25) {
  return runProperty(def, { seed: FC_SEED, numRuns, pruner, store: null });
}

/** First `n` neurons in order, honest losses: a minimal correct pruner to break one way at a time. */
function firstN(input: PruneInput): PruneResult {
  const selection = Array.from({ length: input.n }, (_, k) => k);
  return { selection, lossPerStep: lossCurve(input.features, input.targets, selection) };
}
const base: Pruner = { name: 'first-n', prefixConsistent: true, prune: firstN };

describe.each(['greedy', 'greedy-norep', 'random', 'magnitude'])('built-in pruner %s', (name) => {
  it(
    'meets every contract on generated pre-trained cases (valid multiset, size n, deterministic, no mutation, honest losses, prefix)',
    async () => {
      const pruner = { ...getPruner(name), prefixConsistent: true };
      for (const def of PRUNER_CONTRACTS) {
        const r = await check(def, pruner, 30);
        expect({ id: def.id, verdict: r.verdict, detail: r.counterexample?.detail }).toEqual({
          id: def.id,
          verdict: 'PASS',
          detail: undefined,
        });
      }
    },
    PRUNER_CONTRACTS.length * TIMEOUT_MS,
  );
});

describe('each contract catches its fault', () => {
  it('valid multiset: an index out of range', async () => {
    const r = await check(CONTRACT_VALID_MULTISET, {
      ...base,
      prune: (input) => ({ ...firstN(input), selection: [input.features.width, ...firstN(input).selection.slice(1)] }),
    });
    expect(r.verdict).toBe('FAIL');
    expect(r.counterexample?.detail).toBe('selection[0] = 1 is not an integer neuron index in [0, 1)');
  });

  it('valid multiset: a pruner that throws on a valid input', async () => {
    const r = await check(CONTRACT_VALID_MULTISET, {
      ...base,
      prune: (input) => {
        if (input.n > 3) throw new Error('too many');
        return firstN(input);
      },
    });
    expect(r.counterexample?.detail).toBe('prune threw on a valid input (n = 4 ≤ N = 4): Error: too many');
  });

  it('size: one pick too many', async () => {
    const r = await check(CONTRACT_SIZE, {
      ...base,
      prune: (input) => firstN({ ...input, n: Math.min(input.n + 1, input.features.width) }),
    });
    expect(r.counterexample?.detail).toBe(
      'returned 2 picks for n = 1 (N = 2): a pruner must return a multiset of exactly n neurons',
    );
  });

  it('determinism: randomness that does not come from input.seed', async () => {
    let calls = 0;
    const drifting = (input: PruneInput): PruneResult => {
      calls++;
      const s = firstN(input);
      return { ...s, selection: s.selection.map((k) => (k + calls) % input.features.width) };
    };
    const r = await check(CONTRACT_DETERMINISM, { ...base, prune: drifting });
    expect(r.verdict).toBe('FAIL');
    expect(r.counterexample?.detail).toMatch(/^two calls with the same input and seed \d+ differ at pick 0/);
  });

  it('no mutation: writing into the weights, and disposing an input tensor', async () => {
    const writer = await check(CONTRACT_NO_MUTATION, {
      ...base,
      prune: (input) => {
        input.weights.w[0] += 1;
        return firstN(input);
      },
    });
    expect(writer.counterexample?.detail).toMatch(/^weights\.w changed at index 0/);
    const disposer = await check(CONTRACT_NO_MUTATION, {
      ...base,
      prune: (input) => {
        const r = firstN(input);
        input.targets.dispose();
        return r;
      },
    });
    expect(disposer.counterexample?.detail).toBe('targets was disposed by the pruner (inputs belong to the caller)');
  });

  it('reported losses: losses that are not those of the selection', async () => {
    const r = await check(CONTRACT_REPORTED_LOSSES, {
      ...base,
      prune: (input) => ({ ...firstN(input), lossPerStep: firstN(input).lossPerStep.map((l) => l * 1.01) }),
    });
    expect(r.verdict).toBe('FAIL');
    expect(r.counterexample?.detail).toMatch(/^lossPerStep\[0\] = .* but the first 1 picks have measured loss/);
  });

  it('prefix: a pruner declaring prefixConsistent whose picks depend on n', async () => {
    const r = await check(CONTRACT_PREFIX, {
      ...base,
      prune: (input) => {
        const s = firstN(input);
        return {
          ...s,
          selection: s.selection.reverse(),
          lossPerStep: lossCurve(input.features, input.targets, s.selection),
        };
      },
    });
    expect(r.counterexample?.detail).toBe(
      'declares prefixConsistent, but the picks for n = 1 are not a prefix of those for n = 2: pick 0 is 0 vs 1',
    );
    const undeclared = await check(CONTRACT_PREFIX, { ...base, prefixConsistent: false }, 5);
    expect(undeclared.verdict).toBe('NOT APPLICABLE');
    expect(undeclared.notApplicableReasons).toEqual({ 'the pruner does not declare prefixConsistent': 5 });
  });
});
