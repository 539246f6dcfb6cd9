import fc from 'fast-check';
import { initBackend } from '../../src/backend';
import { randomPruner } from '../../src/pruning/random';
import { FC_SEED, makeInput, type FeatureCase } from './cases';

beforeAll(async () => {
  await initBackend();
});

function constantCase(m: number, N: number): FeatureCase {
  return {
    m,
    N,
    C: 1,
    d: 1,
    activations: new Float32Array(m * N).fill(1),
    outWeights: new Float32Array(N).fill(1),
    targets: new Float32Array(m),
    hidden: new Float32Array(N),
  };
}

describe('random pruner', () => {
  const pruner = randomPruner();

  it('same seed gives the same selection; different seeds give different selections when N is large', () => {
    const input = makeInput(constantCase(2, 1000), 10);
    try {
      fc.assert(
        fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: 1, max: 1e6 }), (seed, offset) => {
          const first = pruner.prune({ ...input, seed }) as { selection: number[] };
          expect((pruner.prune({ ...input, seed }) as { selection: number[] }).selection).toEqual(first.selection);
          // Two independent draws of 10 from 1000 coincide with probability < 1e-29.
          expect((pruner.prune({ ...input, seed: seed + offset }) as { selection: number[] }).selection).not.toEqual(
            first.selection,
          );
        }),
        { seed: FC_SEED, numRuns: 30 },
      );
    } finally {
      input.dispose();
    }
  });

  it('each neuron is kept with probability n/N (inclusion frequencies over 1000 seeds within 4.5σ)', () => {
    const N = 5;
    const n = 2;
    const seeds = 1000;
    const input = makeInput(constantCase(1, N), n);
    const counts = new Array<number>(N).fill(0);
    try {
      for (let seed = 0; seed < seeds; seed++) {
        for (const r of (pruner.prune({ ...input, seed }) as { selection: number[] }).selection) counts[r]++;
      }
    } finally {
      input.dispose();
    }
    const p = n / N;
    const sigma = Math.sqrt((p * (1 - p)) / seeds);
    counts.forEach((k) => expect(Math.abs(k / seeds - p)).toBeLessThanOrEqual(4.5 * sigma));
  });
});
