import type { Rng } from '../rng';
import type { Parameterisation, TwoLayerWeights } from './types';
import { requireNetworkShape, requirePositiveFinite } from './validate';

export interface InitOptions {
  parameterisation: Parameterisation;
  /** Width N. */
  width: number;
  /** Input dimension d. */
  inputDim: number;
  /** Output dimension C. */
  outputs: number;
  /** Standard deviation κ of the hidden weights (THEORY.md §1); default 1. */
  kappa?: number;
  rng: Rng;
}

/**
 * The random initialisation of THEORY.md §1.2: w_r(0) ~ N(0, κ² I_d) and output weights uniform in {±1}^C.
 * For 'ntk' the signs a_r stay fixed. For 'meanfield' b_r(0) also starts uniform in {±1}^C: this keeps
 * |φ_r| = ReLU(w_rᵀx) of order 1 as in Ye et al., and makes both parameterisations share one initial draw
 * (same seed ⇒ same W and same signs), so their runs differ only in the training rule. W and the output
 * weights come from separate streams, so changing C never changes W.
 *
 * @param opts - width, input dimension, outputs, parameterisation, seed.
 * @returns the weights.
 */
export function initNetwork(opts: InitOptions): TwoLayerWeights {
  const op = 'initNetwork';
  requireNetworkShape(opts, op);
  const kappa = opts.kappa ?? 1;
  requirePositiveFinite(kappa, 'kappa', op);

  const w = opts.rng.fork('w').normalArray(opts.width * opts.inputDim, kappa);
  const signs = opts.rng.fork('v');
  const v = new Float32Array(opts.width * opts.outputs);
  for (let i = 0; i < v.length; i++) v[i] = signs.sign();
  return {
    parameterisation: opts.parameterisation,
    width: opts.width,
    inputDim: opts.inputDim,
    outputs: opts.outputs,
    w,
    v,
  };
}
