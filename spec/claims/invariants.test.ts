/**
 * The invariants of THEORY.md §6.1 as properties over generated pre-trained cases: they must hold for greedy
 * on every case (a failure is a pruneproof bug). A negative control shows the same properties can say FAIL.
 */
import { initBackend } from '../../src/backend';
import { tf } from '../../src/backend/tf';
import { INV_B2, INV_B2_PRIME, INV_B4 } from '../../src/claims/invariants';
import { runProperty } from '../../src/claims/runner';
import { greedyPruner } from '../../src/pruning/greedy';
import type { PruneInput, Pruner } from '../../src/pruning/types';
import { lossCurve } from '../../src/pruning/subnetwork';
import { FC_SEED } from './helpers';

beforeAll(async () => {
  await initBackend();
});

/** Per property: well under jest's 60 s timeout, shrinking included. */
const TIME_LIMIT_MS = 20_000;
const greedy = greedyPruner();

describe.each([
  [INV_B2.id, INV_B2, 40],
  [INV_B2_PRIME.id, INV_B2_PRIME, 25],
  [INV_B4.id, INV_B4, 30],
])('%s', (_id, def, numRuns) => {
  it(`${def.id}: ${def.statement} — holds for greedy on every generated case`, async () => {
    const before = tf.memory().numTensors;
    const result = await runProperty(def, { seed: FC_SEED, numRuns, timeLimitMs: TIME_LIMIT_MS, pruner: greedy, store: null });
    expect(result.error).toBeNull();
    expect(result.counterexample).toBeNull();
    expect(result.verdict).toBe('PASS');
    // The property was exercised, not skipped: every run evaluated, and most cases were in scope.
    expect(result.cases.evaluated).toBe(numRuns);
    expect(result.cases.passed).toBeGreaterThanOrEqual(Math.ceil(numRuns / 2));
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('INV-B4 on a case where training brings R(t) below ρ_t²', () => {
  it('checks the consequence y ∈ hull there (not only the support function)', async () => {
    const c = { dataset: { m: 7, d: 8, labels: 'random' as const, seed: 534159157 }, parameterisation: 'ntk' as const, width: 8, n: 8, stepFraction: 0.27, iterations: 183 };
    const o = await INV_B4.evaluate(c, { pruner: greedy });
    expect(o.status).toBe('pass');
    // tightestRatio = max √R(t)/ρ_t over the checkpoints where R(t) < ρ_t² was reached: set, and below 1.
    expect(o.measured.tightestRatio).toBeLessThan(1);
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
    const result = await runProperty(INV_B2, { seed: FC_SEED, numRuns: 30, timeLimitMs: TIME_LIMIT_MS, pruner: worst, store: null });
    expect(result.verdict).toBe('FAIL');
    expect(result.counterexample?.detail).toMatch(/‖f_S − y‖² = .* > R\(t\) \+ D_t²H_n\/n/);
    expect(result.counterexample?.numShrinks).toBeGreaterThan(0);
    // Shrinking reaches the smallest case: two samples in R², and no more neurons or steps than failure needs.
    const c = result.counterexample?.case as { dataset: { m: number; d: number }; n: number };
    expect(c.dataset).toMatchObject({ m: 2, d: 2 });
  });
});
