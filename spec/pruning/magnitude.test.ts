import fc from 'fast-check';
import { initBackend } from '../../src/backend';
import { magnitudePruner, neuronMagnitudes } from '../../src/pruning/magnitude';
import { FC_SEED, featureCaseArb, makeInput, type FeatureCase } from './cases';

beforeAll(async () => {
  await initBackend();
});

/** ‖v_r‖·‖w_r‖ computed independently of the module. */
function bruteMagnitude(c: FeatureCase, r: number): number {
  const norm = (values: Float32Array, width: number) =>
    Math.hypot(...Array.from(values.subarray(r * width, (r + 1) * width)));
  return norm(c.outWeights, c.C) * norm(c.hidden, c.d);
}

describe('magnitude pruner', () => {
  const pruner = magnitudePruner();

  it('every kept neuron has magnitude ≥ every dropped one; picks come in descending magnitude, ties to the lowest index', () => {
    fc.assert(
      fc.property(featureCaseArb, fc.integer({ min: 1, max: 16 }), (c, requested) => {
        const n = Math.min(requested, c.N);
        const input = makeInput(c, n);
        let selection: number[];
        try {
          selection = (pruner.prune(input) as { selection: number[] }).selection;
        } finally {
          input.dispose();
        }
        const magnitude = Array.from({ length: c.N }, (_, r) => bruteMagnitude(c, r));
        const kept = new Set(selection);
        const minKept = Math.min(...selection.map((r) => magnitude[r]));
        for (let r = 0; r < c.N; r++) if (!kept.has(r)) expect(magnitude[r]).toBeLessThanOrEqual(minKept);
        for (let i = 1; i < n; i++) {
          const [previous, current] = [selection[i - 1], selection[i]];
          expect(magnitude[previous]).toBeGreaterThanOrEqual(magnitude[current]);
          if (magnitude[previous] === magnitude[current]) expect(previous).toBeLessThan(current);
        }
        // A dropped neuron tied with the smallest kept one must have a larger index than every kept one so tied.
        for (let r = 0; r < c.N; r++) {
          if (!kept.has(r) && magnitude[r] === minKept)
            selection.filter((q) => magnitude[q] === minKept).forEach((q) => expect(q).toBeLessThan(r));
        }
      }),
      { seed: FC_SEED, numRuns: 100 },
    );
  });

  it('neuronMagnitudes uses the Euclidean norm of the output row for C > 1 (‖(3,4)‖·‖(1,0)‖ = 5)', () => {
    const magnitudes = neuronMagnitudes({
      parameterisation: 'ntk',
      width: 2,
      inputDim: 2,
      outputs: 2,
      w: Float32Array.from([1, 0, 0, 2]),
      v: Float32Array.from([3, 4, -1, 0]),
    });
    expect(Array.from(magnitudes)).toEqual([5, 2]);
  });
});
