/**
 * Magnitude pruning baseline (THEORY.md §2): keep the n neurons with the largest ‖v_r‖·‖w_r‖
 * (|a_r|·‖w_r‖ for 'ntk', |b_r|·‖w_r‖ for 'meanfield'; for C > 1 outputs ‖v_r‖ is the Euclidean
 * norm of the output-weight row). The common factor neuronScale does not change the ranking.
 */
import type { TwoLayerWeights } from '../model/types';
import type { PruneInput, PruneResult, Pruner } from './types';
import { lossCurve } from './subnetwork';
import { requireAtMostWidth, validatePruneInput } from './validate';

function rowNorm(values: Float32Array, row: number, columns: number): number {
  let total = 0;
  for (let c = 0; c < columns; c++) total += values[row * columns + c] ** 2;
  return Math.sqrt(total);
}

/** ‖v_r‖·‖w_r‖ for every neuron r, in float64. */
export function neuronMagnitudes(weights: TwoLayerWeights): Float64Array {
  const magnitudes = new Float64Array(weights.width);
  for (let r = 0; r < weights.width; r++) {
    magnitudes[r] = rowNorm(weights.v, r, weights.outputs) * rowNorm(weights.w, r, weights.inputDim);
  }
  return magnitudes;
}

/** Indices by decreasing magnitude, ties to the lowest index. */
function rankByMagnitude(magnitudes: Float64Array): number[] {
  return Array.from(magnitudes.keys()).sort((p, q) => magnitudes[q] - magnitudes[p] || p - q);
}

/**
 * A baseline: the n neurons of largest output-weight magnitude (THEORY.md §2).
 *
 * @returns the pruner.
 */
export function magnitudePruner(): Pruner {
  return {
    name: 'magnitude',
    // Picks come in descending magnitude order, so top-n is a prefix of top-n′ for n′ > n.
    prefixConsistent: true,
    prune(input: PruneInput): PruneResult {
      const op = 'prune (magnitude)';
      validatePruneInput(input, op);
      requireAtMostWidth(input.n, input.features.width, op);
      const selection = rankByMagnitude(neuronMagnitudes(input.weights)).slice(0, input.n);
      return { selection, lossPerStep: lossCurve(input.features, input.targets, selection) };
    },
  };
}
