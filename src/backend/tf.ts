/**
 * The single import point for tfjs. Everything numerical imports `tf` from here, so the
 * backend chosen by `initBackend` is the one every op runs on.
 */
import * as tf from '@tensorflow/tfjs';
export { tf };
export type { Tensor, Tensor1D, Tensor2D, Scalar } from '@tensorflow/tfjs';

/**
 * Runs `fn` inside tf.tidy and reads the tensors it returns back to the host, then frees them.
 * Never return `t.dataSync()` from a tidy callback: tidy walks a returned typed array element by
 * element looking for tensors, which costs ~1 ms per 1,000 elements (a 1000×1000 result: ~1.3 s).
 */
export function tidyRead(fn: () => tf.Tensor[]): Float32Array[] {
  const tensors = tf.tidy(fn);
  try {
    return tensors.map((t) => t.dataSync() as Float32Array);
  } finally {
    tf.dispose(tensors);
  }
}
