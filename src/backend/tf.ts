/**
 * The single import point for tfjs. Everything numerical imports `tf` from here, so the
 * backend chosen by `initBackend` is the one every op runs on.
 */
import * as tf from '@tensorflow/tfjs';
export { tf };
export type { Tensor, Tensor1D, Tensor2D, Scalar } from '@tensorflow/tfjs';
