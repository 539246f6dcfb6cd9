/**
 * The registry's checks as fast-check properties (src/properties/properties.ts): the same ids and evaluations as
 * `verify`, on generated cases pre-trained by the same pipeline. Invariants hold for greedy on every case; a
 * negative control shows they can FAIL with a shrunk counterexample; claims' failures replay deterministically.
 */
import { initBackend } from '../../src/backend';
import { tf } from '../../src/backend/tf';
import { CLAIM_PROPERTIES, INVARIANT_PROPERTIES } from '../../src/properties/properties';
import { runProperty } from '../../src/properties/runner';
import { greedyPruner } from '../../src/pruning/greedy';
import { lossCurve } from '../../src/pruning/subnetwork';
import type { PruneInput, Pruner } from '../../src/pruning/types';
import { resolveTheory } from '../../theory';
import { FC_SEED } from './helpers';

beforeAll(async () => {
  await initBackend();
});

const greedy = greedyPruner();
const byId = (id: string) => [...INVARIANT_PROPERTIES, ...CLAIM_PROPERTIES].find((p) => p.id === id)!;

describe.each(INVARIANT_PROPERTIES.map((p) => [p.id, p] as const))('%s', (_id, def) => {
  it(`${def.statement} — never fails for greedy on generated cases`, async () => {
    const before = tf.memory().numTensors;
    const result = await runProperty(def, {
      seed: FC_SEED,
      numRuns: 12,
      pruner: greedy,
      store: null,
      minApplicable: 1,
    });
    expect(result.error).toBeNull();
    expect(result.counterexample).toBeNull();
    expect(result.cases.evaluated).toBeGreaterThan(0);
    expect(['PASS', 'NOT APPLICABLE']).toContain(result.verdict);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('a property PASSes only with enough applicable cases', () => {
  it('fewer passing cases than minApplicable is UNDECIDED, not PASS', async () => {
    const result = await runProperty(byId('INV-size'), {
      seed: FC_SEED,
      numRuns: 3,
      pruner: greedy,
      store: null,
      minApplicable: 20,
    });
    expect(result.cases.passed).toBe(3);
    expect(result.verdict).toBe('UNDECIDED');
    expect(result.minApplicable).toBe(20);
  });
});

describe('an override reaches the properties', () => {
  it('INV-B2 FAILs on generated cases when B2 is overridden to 0', async () => {
    const result = await runProperty(byId('INV-B2'), {
      seed: FC_SEED,
      numRuns: 20,
      pruner: greedy,
      store: null,
      theory: resolveTheory({ expressions: { B2: '0' } }),
    });
    expect(result.verdict).toBe('FAIL');
    expect(result.counterexample?.detail).toMatch(/> B2 = 0/);
  });
});

describe('negative control', () => {
  /** Picks the neuron farthest from y, n times: no Frank–Wolfe guarantee, so B2 must be able to fail. */
  const worst: Pruner = {
    name: 'worst-neuron',
    prune(input: PruneInput) {
      const { activations, outWeights, m, width: N, outputs: C } = input.features;
      const A = activations.dataSync();
      const V = outWeights.dataSync();
      const y = input.targets.dataSync();
      let best = 0;
      let bestDistance = -1;
      for (let r = 0; r < N; r++) {
        let d = 0;
        for (let j = 0; j < m; j++) for (let c = 0; c < C; c++) d += (A[j * N + r] * V[r * C + c] - y[j * C + c]) ** 2;
        if (d > bestDistance) [best, bestDistance] = [r, d];
      }
      const selection = Array.from({ length: input.n }, () => best);
      return { selection, lossPerStep: lossCurve(input.features, input.targets, selection) };
    },
  };

  it('INV-B2 says FAIL for a pruner that picks the farthest neuron, with a shrunk counterexample', async () => {
    const result = await runProperty(byId('INV-B2'), {
      seed: FC_SEED,
      numRuns: 30,
      pruner: worst,
      store: null,
    });
    expect(result.verdict).toBe('FAIL');
    expect(result.counterexample?.detail).toMatch(/‖f_S − y‖² = .* > B2 = /);
    expect(result.counterexample?.numShrinks).toBeGreaterThan(0);
  });
});

/**
 * What each claim finds for greedy with FC_SEED and 10 runs, pinned: the runs are bounded by numRuns alone, so
 * these are the same on every machine. A change here is a change in what the harness concludes.
 */
const PINNED_CLAIM_VERDICTS: Record<string, string> = {
  'CLAIM-B1': 'FAIL',
  'CLAIM-B3-hull': 'UNDECIDED',
  'CLAIM-B3-loss': 'UNDECIDED',
  'CLAIM-FW-exponent': 'UNDECIDED',
};

describe('claims on generated cases (FC_SEED, 10 runs)', () => {
  const run = (def: (typeof CLAIM_PROPERTIES)[number]) =>
    runProperty(def, { seed: FC_SEED, numRuns: 10, pruner: greedy, store: null });

  it('every claim is pinned', () => {
    expect(CLAIM_PROPERTIES.map((p) => p.id).sort()).toEqual(Object.keys(PINNED_CLAIM_VERDICTS).sort());
  });

  it.each(CLAIM_PROPERTIES.map((p) => [p.id, p] as const))('%s gives its pinned verdict', async (id, def) => {
    const r = await run(def);
    expect(r.error).toBeNull();
    expect(r.kind).toBe('claim');
    expect(r.cases.evaluated).toBeGreaterThan(0);
    expect(r.verdict).toBe(PINNED_CLAIM_VERDICTS[id]);
  });

  it("CLAIM-B1's FAIL is a deterministic, replayable finding that names the violated H4", async () => {
    const def = byId('CLAIM-B1');
    const r = await run(def);
    expect(r.verdict).toBe('FAIL');
    const ce = r.counterexample!;
    const replayed = await def.evaluate(def.parseCase(JSON.parse(JSON.stringify(ce.case))), { pruner: greedy });
    expect(replayed.status).toBe('fail');
    expect(replayed.detail).toBe(ce.detail);
    expect(ce.violatedHypotheses.map((h) => h.id)).toContain('H4');
  });
});
