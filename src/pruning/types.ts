import type { Tensor2D } from '../backend/tf';
import type { TwoLayerWeights } from '../model/types';

/**
 * The neuron functions of a two-layer network evaluated on the training inputs, in factored form:
 * Φ_r = activations[:, r] ⊗ outWeights[r, :] ∈ R^{m×C}. The dense output is the centroid
 * u = (1/N) Σ_r Φ_r. Φ is never materialised (it would be m·N·C numbers).
 */
export interface NeuronFeatures {
  /** ReLU(X Wᵀ), m×N. */
  activations: Tensor2D;
  /** Transpose of `activations`, N×m (kept because transposed matmuls are slow on wasm). */
  activationsT: Tensor2D;
  /** Effective output weights neuronScale·v_r, N×C. */
  outWeights: Tensor2D;
  m: number;
  width: number;
  outputs: number;
}

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

export interface PruneResult {
  /** The multiset S in pick order; length n; a neuron picked k times appears k times. */
  selection: number[];
  /**
   * Normalised training loss ‖f_{S_k} − y‖²/(2m) of the prefix subnetwork after each step k = 1..n,
   * with f_{S_k} = (1/k) Σ_{r∈S_k} Φ_r.
   */
  lossPerStep: number[];
}

/** A pruning method. User pruners implement this interface (see README). */
export interface Pruner {
  /** Short identifier used in reports, e.g. "greedy". */
  name: string;
  /**
   * True when the selection for size n is always the first n picks of the selection for any larger
   * size (greedy, random and magnitude are). The harness then calls `prune` once with the largest n
   * and reads smaller sizes off the prefix; otherwise it calls `prune` once per n.
   */
  prefixConsistent?: boolean;
  prune(input: PruneInput): PruneResult | Promise<PruneResult>;
}
