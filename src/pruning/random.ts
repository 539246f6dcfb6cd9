/** Random pruning baseline: n distinct neurons uniformly at random, seeded from `input.seed`. */
import { Rng } from '../rng';
import type { PruneInput, PruneResult, Pruner } from './types';
import { lossCurve } from './subnetwork';
import { requireAtMostWidth, validatePruneInput } from './validate';

/** Stream label, so the pruner's draws never share a stream with other consumers of the same seed. */
const STREAM = 'pruning:random';

/**
 * A baseline: n distinct neurons uniformly at random, seeded from `input.seed` (THEORY.md §2).
 *
 * @returns the pruner.
 */
export function randomPruner(): Pruner {
  return {
    name: 'random',
    // The draw is a prefix of one seeded permutation of 0..N−1, whatever n is.
    prefixConsistent: true,
    prune(input: PruneInput): PruneResult {
      const op = 'prune (random)';
      validatePruneInput(input, op);
      requireAtMostWidth(input.n, input.features.width, op);
      const selection = new Rng(input.seed).fork(STREAM).sampleWithoutReplacement(input.features.width, input.n);
      return { selection, lossPerStep: lossCurve(input.features, input.targets, selection) };
    },
  };
}
