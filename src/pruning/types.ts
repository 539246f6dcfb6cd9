import type { Tensor2D } from '../backend/tf';
import type { NeuronFeatures, TwoLayerWeights } from '../model/types';

export type { NeuronFeatures } from '../model/types';

/** What a pruner receives: the neuron features, the targets, the weights, the size n and a seed for any randomness. */
export interface PruneInput {
  features: NeuronFeatures;
  /** Labels y, m×C. */
  targets: Tensor2D;
  /** The network the features came from (magnitude pruning reads it; others may ignore it). */
  weights: TwoLayerWeights;
  /** Subnetwork size n: the number of selection steps (multiset size). */
  n: number;
  /** Seed for any randomness the pruner uses. */
  seed: number;
}

/** What a pruner returns: n neuron indices (a multiset, in pick order) and the loss after each pick. */
export interface PruneResult {
  /** The multiset S in pick order; length n; a neuron picked k times appears k times. */
  selection: number[];
  /**
   * Normalised training loss ‖f_{S_k} − y‖²/(2m) of the prefix subnetwork after each step k = 1..n,
   * with f_{S_k} = (1/k) Σ_{r∈S_k} Φ_r.
   */
  lossPerStep: number[];
  /**
   * Optional, for greedy forward selection: score_r = ‖Φ_r‖² + 2⟨Φ_r, s_k − (k+1)y⟩ of each pick as the
   * pruner computed it. The INV-greedy-identity check predicts every prefix loss from these scores through
   * the scoring identity (THEORY.md §2) and compares it with the loss measured on the selected subnetwork.
   */
  pickScores?: number[];
}

/** A pruning method. User pruners implement this interface (docs/GUIDE.md). */
export interface Pruner {
  /** Short identifier used in reports, e.g. "greedy". */
  name: string;
  /**
   * True when the selection for size n is always the first n picks of the selection for any larger
   * size (greedy, random and magnitude are). The harness then calls `prune` once with the largest n
   * and reads smaller sizes off the prefix; otherwise it calls `prune` once per n.
   */
  prefixConsistent?: boolean;
  /** May pick a neuron more than once, so n may exceed the width N (greedy with replacement). Default false. */
  withReplacement?: boolean;
  /**
   * Is greedy forward selection with replacement exactly as THEORY.md §2 defines it, so the [FW] proofs (B2, B2′,
   * FWrate) cover it and their checks are invariants for it. Default false: for any other pruner they are claims.
   */
  provedGreedy?: boolean;
  /** Scores every neuron at every pick (cost ∝ n·N per call, like greedy) rather than ranking once. Default false. */
  scoresEveryNeuron?: boolean;
  prune(input: PruneInput): PruneResult | Promise<PruneResult>;
}

/** Whether the [FW] proofs cover this pruner (its B2, B2′ and FWrate checks are invariants). */
export function isProvedGreedy(pruner: Pick<Pruner, 'provedGreedy'>): boolean {
  return pruner.provedGreedy === true;
}

/** Whether this pruner may select a neuron more than once (n may then exceed N). */
export function picksWithReplacement(pruner: Pick<Pruner, 'withReplacement'>): boolean {
  return pruner.withReplacement === true;
}
