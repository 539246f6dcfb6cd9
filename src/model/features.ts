import { tf, tidyRead, type Tensor2D } from '../backend/tf';
import type { NeuronFeatures } from '../model/types';
import { forward } from './backprop';
import { disposeResident, uploadWeights } from './resident';
import { neuronScale, type TwoLayerWeights } from './types';
import { requireColumns, requireConsistentWeights } from './validate';

/**
 * The neuron functions of `weights` on the inputs x (m×d) in the factored form of NeuronFeatures (THEORY.md
 * §1.4): activations ReLU(X Wᵀ) (m×N), their transpose (N×m) and outWeights = neuronScale·v (N×C). The caller
 * owns the three returned tensors and must dispose them (`disposeNeuronFeatures`).
 *
 * @param weights - the network.
 * @param x - the inputs (m×d).
 * @returns the features.
 */
export function neuronFeatures(weights: TwoLayerWeights, x: Tensor2D): NeuronFeatures {
  requireConsistentWeights(weights, 'neuronFeatures');
  requireColumns(x.shape, weights.inputDim, 'x', 'neuronFeatures');
  const resident = uploadWeights(weights);
  try {
    return tf.tidy(() => {
      const activations = tf.relu(tf.matMul(x, resident.wT)) as Tensor2D;
      return {
        activations,
        activationsT: tf.transpose(activations),
        outWeights: tf.mul(resident.v, neuronScale(weights)) as Tensor2D,
        m: x.shape[0],
        width: weights.width,
        outputs: weights.outputs,
      };
    });
  } finally {
    disposeResident(resident);
  }
}

/**
 * NeuronFeatures from activations A = ReLU(X Wᵀ) computed elsewhere (m×N row-major on the host, e.g. by the
 * engine), with the Gram of those same features when it came with them. The caller disposes the result.
 */
export function neuronFeaturesFromActivations(
  weights: TwoLayerWeights,
  activations: Float32Array,
  gram?: Float32Array,
): NeuronFeatures {
  requireConsistentWeights(weights, 'neuronFeaturesFromActivations');
  const { width: N } = weights;
  const m = activations.length / N;
  if (!Number.isInteger(m) || m < 1) {
    throw new RangeError(`neuronFeaturesFromActivations: ${activations.length} activations is not m×${N}`);
  }
  if (gram && gram.length !== N * N) {
    throw new RangeError(`neuronFeaturesFromActivations: gram has ${gram.length} entries, expected ${N}×${N}`);
  }
  // The Gram is attached after tidy: tidy walks every element of a returned typed array looking for tensors.
  const features: NeuronFeatures = tf.tidy(() => {
    const A = tf.tensor2d(activations, [m, N]);
    return {
      activations: A,
      activationsT: tf.transpose(A),
      // The same float32 product neuronFeatures forms, so both constructions give identical output weights.
      outWeights: tf.mul(tf.tensor2d(weights.v, [N, weights.outputs]), neuronScale(weights)) as Tensor2D,
      m,
      width: N,
      outputs: weights.outputs,
    };
  });
  return gram ? { ...features, gram } : features;
}

/** Most float32 values of one backend block when forming the Gram (2^24, 64 MB). */
export const DEFAULT_GRAM_BLOCK_FLOATS = 1 << 24;

/**
 * G = (AᵀA) ⊙ (Ṽ Ṽᵀ) of features on the tfjs backend, read to the host (N×N, float32), by blocks of rows so
 * the backend holds about `blockFloats` values at a time (one block, the whole product, when it fits).
 */
export function featureGramOf(features: NeuronFeatures, blockFloats = DEFAULT_GRAM_BLOCK_FLOATS): Float32Array {
  const { m, width: N, outputs } = features;
  const gram = new Float32Array(N * N);
  const rowsPerBlock = Math.max(1, Math.floor(blockFloats / Math.max(N, m)));
  const outWeightsT = tf.transpose(features.outWeights);
  try {
    for (let start = 0; start < N; start += rowsPerBlock) {
      const rows = Math.min(rowsPerBlock, N - start);
      const [block] = tidyRead(() => {
        const activationRows =
          rows === N ? features.activationsT : tf.slice(features.activationsT, [start, 0], [rows, m]);
        const weightRows =
          rows === N ? features.outWeights : tf.slice(features.outWeights, [start, 0], [rows, outputs]);
        return [tf.mul(tf.matMul(activationRows, features.activations), tf.matMul(weightRows, outWeightsT))];
      });
      gram.set(block, start * N);
    }
  } finally {
    outWeightsT.dispose();
  }
  return gram;
}

/**
 * Frees the tensors of `neuronFeatures`.
 *
 * @param features - the features to free.
 */
export function disposeNeuronFeatures(features: NeuronFeatures): void {
  tf.dispose([features.activations, features.activationsT, features.outWeights]);
}

/**
 * The dense network's output on x (m×d): U = (1/N) Σ_r φ_r(x), m×C. The caller owns (and disposes) it.
 */
export function denseOutput(weights: TwoLayerWeights, x: Tensor2D): Tensor2D {
  requireConsistentWeights(weights, 'denseOutput');
  requireColumns(x.shape, weights.inputDim, 'x', 'denseOutput');
  const resident = uploadWeights(weights);
  try {
    return tf.tidy(() => forward(resident, x).output);
  } finally {
    disposeResident(resident);
  }
}
