/**
 * The narrow interface every numerical engine implements: the hot training loop of
 * src/model/train.ts, on host data, async because onnxruntime's session.run is.
 */
import type { StabilityInfo, StabilityOptions } from '../model/stability';
import type { TrainOptions, TrainResult } from '../model/train';
import type { FactoredProducts, TwoLayerWeights } from '../model/types';
import type { Precision } from './onnx-graph';

export type { Precision } from './onnx-graph';

export const ENGINE_NAMES = ['onnx', 'tfjs'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];
export const PRECISIONS: readonly Precision[] = ['float32', 'float64'];

/** A training set on the host, row-major (a `Dataset` satisfies it). */
export interface EngineData {
  /** Samples m, input dimension d, outputs C. */
  m: number;
  d: number;
  outputs: number;
  /** Inputs, m×d. */
  x: Float32Array;
  /** Labels, m×C. */
  y: Float32Array;
}

/** What a report records about the engine that ran. */
export interface EngineDescription {
  name: EngineName;
  /** onnxruntime-node's or tfjs's version. */
  version: string;
  /** Intra-op threads (onnx); for tfjs the wasm backend's thread count (1 unless threaded wasm). */
  threads: number;
  precision: Precision;
  /** tfjs only: the tfjs backend the ops run on (wasm, cpu, tensorflow). */
  backend?: string;
}

export interface EngineOptions {
  precision?: Precision;
  /** Intra-op threads for onnx (default: all cores, the right choice for one run per process). */
  threads?: number;
}

/**
 * The neuron functions Φ_r = neuronScale·v_r·ReLU(w_rᵀx) on the data, as a checkpoint's measurement needs them:
 * the factored features, and what greedy, the feature geometry and the hull solver's step need of them.
 */
export interface FeatureGram {
  /** A = ReLU(X Wᵀ), m×N row-major (float32 even in float64 mode). */
  activations: Float32Array;
  /** G_rs = ⟨Φ_r, Φ_s⟩ = (AᵀA)_rs (ṽ_r·ṽ_s), N×N row-major (float32 even in float64 mode). */
  gram: Float32Array;
  /** P_r = ⟨Φ_r, y⟩. */
  projections: Float64Array;
}

/** Φ = a_r ⊗ ṽ_r on the host, factored: what the hull solver's products need. */
export interface HostFeatures {
  m: number;
  N: number;
  C: number;
  /** A, m×N row-major. */
  activations: Float32Array;
  /** Ṽ = neuronScale·v, N×C row-major. */
  outWeights: Float32Array;
}

export interface Engine {
  readonly description: EngineDescription;
  /**
   * T steps of GD (or SGD with `opts.batch`) from `initial`, with the semantics of trainNetwork
   * (src/model/train.ts): R(t) for t = 0..T, checkpoints, DivergenceError.
   */
  train(initial: TwoLayerWeights, data: EngineData, opts: TrainOptions): Promise<TrainResult>;
  /**
   * λ_max of the linearised GD operator at `initial` and the step-size limit it implies: stabilityInfo
   * (src/model/stability.ts) with this engine computing the operator products.
   */
  stability(initial: TwoLayerWeights, data: EngineData, opts?: StabilityOptions): Promise<StabilityInfo>;
  /** The neuron features, their Gram matrix and their projections on y, from one pass over the data. */
  featureGram(weights: TwoLayerWeights, data: EngineData): Promise<FeatureGram>;
  /**
   * The hull solver's products for these features and targets y (m×C), when this engine computes them faster
   * than the solver's own float64 loops (onnx); absent on engines that do not (tfjs).
   */
  hullProducts?(features: HostFeatures, targets: Float32Array): Promise<FactoredProducts>;
  /** Frees cached sessions; the engine must not be used afterwards. */
  dispose(): Promise<void>;
}

/** A requested engine or precision cannot be used here: the CLI maps it to exit 2. */
export class EngineUnavailableError extends Error {
  constructor(
    readonly engine: EngineName,
    readonly reason: string,
  ) {
    super(`engine '${engine}' cannot be used: ${reason}`);
    this.name = 'EngineUnavailableError';
  }
}
