import { tf, type Tensor2D } from '../backend/tf';
import type { NeuronFeatures } from '../model/types';
import { forward } from './backprop';
import { disposeResident, uploadWeights } from './resident';
import { neuronScale, type TwoLayerWeights } from './types';
import { requireColumns, requireConsistentWeights } from './validate';

/**
 * The neuron functions of `weights` on the inputs x (m×d), in the factored form of NeuronFeatures:
 * activations ReLU(X Wᵀ) (m×N), their transpose (N×m) and outWeights = neuronScale·v (N×C).
 * The caller owns the three returned tensors and must dispose them (`disposeNeuronFeatures`).
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
