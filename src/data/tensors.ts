import { tf, type Tensor2D } from '../backend/tf';
import type { Dataset } from './types';

/** A dataset resident on the backend. X and its transpose are both kept: wasm matmuls with transpose flags are ~14× slower. */
export interface DataTensors {
  /** Inputs, m×d. */
  x: Tensor2D;
  /** Inputs transposed, d×m. */
  xT: Tensor2D;
  /** Labels, m×C. */
  y: Tensor2D;
  dispose(): void;
}

export function toTensors(ds: Dataset): DataTensors {
  const x = tf.tensor2d(ds.x, [ds.m, ds.d]);
  const xT = tf.transpose(x) as Tensor2D;
  const y = tf.tensor2d(ds.y, [ds.m, ds.outputs]);
  return {
    x,
    xT,
    y,
    dispose() {
      x.dispose();
      xT.dispose();
      y.dispose();
    },
  };
}
