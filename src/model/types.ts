import type { Tensor2D } from '../backend/tf';
/**
 * The two-layer ReLU network of THEORY.md §1, f(x) = (1/N) Σ_r φ_r(x), in one of two
 * parameterisations:
 *  - 'ntk'       (A, Du et al. 2019): f = (1/√N) Σ a_r ReLU(w_rᵀx), a_r ∈ {±1}^C fixed, only W trained,
 *                GD on ½R with step η; φ_r = √N a_r ReLU(w_rᵀx).
 *  - 'meanfield' (B, Ye et al. 2020): f = (1/N) Σ b_r ReLU(w_rᵀx), W and b trained, GD on L = R/(2m)
 *                with step η·N; φ_r = b_r ReLU(w_rᵀx).
 */
export const PARAMETERISATIONS = ['ntk', 'meanfield'] as const;
export type Parameterisation = (typeof PARAMETERISATIONS)[number];

/** The two-layer ReLU network's weights (THEORY.md §1.2): W (N×d, row-major), output weights v (N×C), parameterisation. */
export interface TwoLayerWeights {
  parameterisation: Parameterisation;
  /** Width N (number of hidden neurons). */
  width: number;
  /** Input dimension d. */
  inputDim: number;
  /** Output dimension C. */
  outputs: number;
  /** Hidden weights w_r, N×d row-major. */
  w: Float32Array;
  /** Output weights (a_r for 'ntk', b_r for 'meanfield'), N×C row-major. */
  v: Float32Array;
}

/** √N for 'ntk', 1 for 'meanfield': φ_r(x) = neuronScale · v_r · ReLU(w_rᵀx). */
export function neuronScale(weights: Pick<TwoLayerWeights, 'parameterisation' | 'width'>): number {
  return weights.parameterisation === 'ntk' ? Math.sqrt(weights.width) : 1;
}

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
  /**
   * G = (AᵀA) ⊙ (Ṽ Ṽᵀ), N×N row-major, when whoever built the features computed it with them (the engine does,
   * in the same pass): greedy, the feature geometry and the hull solver's step size then read it instead of
   * forming it again. Absent: they compute what they need from the factors.
   */
  gram?: Float32Array;
}

/**
 * p ↦ (Φp − y, Φᵀ(Φp − y)) in float64 for features Φ and targets y: the two products each iteration of the hull
 * solver (src/kernel/hull.ts) needs, when something other than the solver computes them (the onnx engine).
 */
export type FactoredProducts = (p: Float64Array) => Promise<{ residual: Float64Array; projected: Float64Array }>;
