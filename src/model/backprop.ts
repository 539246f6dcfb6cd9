/**
 * Hand-written forward pass, Jacobian–vector and vector–Jacobian products of the two-layer network
 * u = c · ReLU(X Wᵀ) v (c = outputScale), using plain matmuls only (no transpose flags, docs/ENGINES.md).
 * With the residual E = U − Y as the cotangent, `vjp` is exactly ∇(½R), R = ‖U − Y‖_F².
 * All functions allocate tensors: call them inside tf.tidy.
 */
import { tf, type Tensor2D } from '../backend/tf';
import type { ResidentWeights } from './resident';

// Type aliases (not interfaces) so that tf.tidy accepts them as TensorContainers.
export type ForwardPass = {
  /** A = ReLU(Z), Z = X Wᵀ; m×N. */
  activations: Tensor2D;
  /** D = 1{Z > 0} (ReLU′, 0 at 0 as in tfjs autodiff); m×N. */
  mask: Tensor2D;
  /** U = c · A v; m×C. */
  output: Tensor2D;
};

/** Directions or gradients in the resident layout: Wᵀ (d×N) and optionally vᵀ (C×N). */
export type ParameterTangent = {
  wT: Tensor2D;
  vT: Tensor2D | null;
};

export function forward(weights: ResidentWeights, x: Tensor2D): ForwardPass {
  const z = tf.matMul(x, weights.wT) as Tensor2D;
  const activations = tf.relu(z);
  const mask = tf.step(z);
  const output = tf.mul(tf.matMul(activations, weights.v), weights.outputScale) as Tensor2D;
  return { activations, mask, output };
}

/**
 * Jᵀ V: the gradient of ⟨U, V⟩_F with respect to Wᵀ and, when `withOutputWeights`, vᵀ.
 *   ∂/∂w_r = c Σ_j (V v_r)_j 1{z_jr > 0} x_j  →  ∇Wᵀ = Xᵀ · ((c V vᵀ) ⊙ D)
 *   ∂/∂v_r = c Σ_j A_jr V_j                  →  ∇vᵀ = c Vᵀ · A
 */
export function vjp(
  weights: ResidentWeights,
  pass: ForwardPass,
  xT: Tensor2D,
  cotangent: Tensor2D,
  withOutputWeights: boolean,
): ParameterTangent {
  const scaled = tf.mul(cotangent, weights.outputScale) as Tensor2D;
  const backToHidden = tf.mul(tf.matMul(scaled, weights.vT), pass.mask) as Tensor2D;
  const wT = tf.matMul(xT, backToHidden) as Tensor2D;
  const vT = withOutputWeights ? (tf.matMul(tf.transpose(scaled), pass.activations) as Tensor2D) : null;
  return { wT, vT };
}

/**
 * J P: the change of U along the parameter direction P.
 *   dU = c ((X dWᵀ) ⊙ D) v + c A dv,   with dv = (dvᵀ)ᵀ (C×N, cheap to transpose).
 */
export function jvp(weights: ResidentWeights, pass: ForwardPass, x: Tensor2D, direction: ParameterTangent): Tensor2D {
  const hidden = tf.mul(tf.matMul(x, direction.wT), pass.mask) as Tensor2D;
  let du = tf.matMul(hidden, weights.v);
  if (direction.vT) du = tf.add(du, tf.matMul(pass.activations, tf.transpose(direction.vT)));
  return tf.mul(du, weights.outputScale) as Tensor2D;
}

/** R = ‖U − Y‖_F² as a scalar tensor, and E = U − Y. */
export function residual(pass: ForwardPass, y: Tensor2D): { error: Tensor2D; value: tf.Scalar } {
  const error = tf.sub(pass.output, y) as Tensor2D;
  return { error, value: tf.sum(tf.square(error)) };
}
