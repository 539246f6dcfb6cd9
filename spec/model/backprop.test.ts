import { initBackend } from '../../src/backend';
import { tf, type Tensor2D } from '../../src/backend/tf';
import { forward, jvp, residual, vjp } from '../../src/model/backprop';
import { disposeResident, uploadWeights } from '../../src/model/resident';
import { neuronScale, type Parameterisation, type TwoLayerWeights } from '../../src/model/types';
import { Rng } from '../../src/rng';
import { problem, scaledMaxError, transpose } from './fixtures';

beforeAll(async () => {
  await initBackend();
});

/** ½R = ½‖c·ReLU(X Wᵀ) v − Y‖² written plainly, for tf.grads (transpose flags are fine in a test). */
function halfResidual(weights: TwoLayerWeights, x: Tensor2D, y: Tensor2D) {
  const c = neuronScale(weights) / weights.width;
  return (w: tf.Tensor, v: tf.Tensor) => {
    const u = tf.mul(tf.matMul(tf.relu(tf.matMul(x, w as Tensor2D, false, true)), v as Tensor2D), c);
    return tf.mul(tf.sum(tf.square(tf.sub(u, y))), 0.5);
  };
}

// Float32 tolerance: each gradient entry is a sum of at most m·C = 48 products computed in a different
// order by autodiff; the accumulated rounding is ≲ 48 · 6e-8 ≈ 3e-6 of the largest term, so 1e-5
// relative to the largest gradient entry leaves a margin without hiding a wrong formula (those are O(1)).
const GRADIENT_TOLERANCE = 1e-5;

const cases: [Parameterisation, number][] = [
  ['ntk', 1],
  ['ntk', 3],
  ['meanfield', 1],
  ['meanfield', 3],
];

describe('hand-written backprop', () => {
  it.each(cases)('vjp with cotangent U − Y equals the autodiff gradient of ½R (%s, C = %i)', (p, outputs) => {
    const { weights, data } = problem(p, { m: 16, d: 5, width: 24, outputs }, 3);
    const resident = uploadWeights(weights);
    const [hand, auto] = tf.tidy(() => {
      const pass = forward(resident, data.x);
      const grad = vjp(resident, pass, data.xT, residual(pass, data.y).error, true);
      const w = tf.tensor2d(weights.w, [weights.width, weights.inputDim]);
      const v = tf.tensor2d(weights.v, [weights.width, weights.outputs]);
      const autodiff = tf.grads(halfResidual(weights, data.x, data.y))([w, v]);
      return [
        [grad.wT.dataSync(), grad.vT!.dataSync()],
        [autodiff[0].dataSync(), autodiff[1].dataSync()],
      ];
    });
    const { width, inputDim } = weights;
    expect(scaledMaxError(transpose(hand[0], inputDim, width), auto[0])).toBeLessThan(GRADIENT_TOLERANCE);
    expect(scaledMaxError(transpose(hand[1], outputs, width), auto[1])).toBeLessThan(GRADIENT_TOLERANCE);
    disposeResident(resident);
    data.dispose();
  });

  it.each(cases)('jvp is the adjoint of vjp: ⟨V, J P⟩ = ⟨Jᵀ V, P⟩ (%s, C = %i)', (p, outputs) => {
    const { weights, data } = problem(p, { m: 16, d: 5, width: 24, outputs }, 4);
    const rng = new Rng(9);
    const resident = uploadWeights(weights);
    const [lhs, rhs] = tf.tidy(() => {
      const pass = forward(resident, data.x);
      const cotangent = tf.tensor2d(rng.normalArray(16 * outputs), [16, outputs]);
      const direction = {
        wT: tf.tensor2d(rng.normalArray(5 * 24), [5, 24]),
        vT: tf.tensor2d(rng.normalArray(outputs * 24), [outputs, 24]),
      };
      const pulled = vjp(resident, pass, data.xT, cotangent, true);
      const left = tf.sum(tf.mul(cotangent, jvp(resident, pass, data.x, direction)));
      const right = tf.add(tf.sum(tf.mul(pulled.wT, direction.wT)), tf.sum(tf.mul(pulled.vT!, direction.vT)));
      return [left.dataSync()[0], right.dataSync()[0]];
    });
    // Both sides are float32 sums of ~10³ terms of size O(1/√N); 1e-4 relative covers their rounding.
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-4 * Math.max(Math.abs(lhs), 1));
    disposeResident(resident);
    data.dispose();
  });
});
