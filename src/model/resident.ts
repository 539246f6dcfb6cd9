/**
 * Weights held on the backend in the layout the GD step uses without transposing any large matrix
 * (transposed matmuls are ~14× slower on wasm, docs/ENGINES.md):
 *   Z = X·Wᵀ needs Wᵀ (d×N);  ∇Wᵀ = Xᵀ·M comes out d×N;  U = A·v needs v (N×C);  ∇vᵀ = Eᵀ·A comes out C×N.
 * So W lives as Wᵀ and the output weights as both vᵀ and v (C·N numbers each, cheap to keep in sync).
 */
import { tf, type Tensor2D } from '../backend/tf';
import { neuronScale, type Parameterisation, type TwoLayerWeights } from './types';

export interface ResidentWeights {
  parameterisation: Parameterisation;
  width: number;
  inputDim: number;
  outputs: number;
  /** f = outputScale · ReLU(X Wᵀ) v: 1/√N ('ntk') or 1/N ('meanfield'), i.e. neuronScale/N. */
  outputScale: number;
  /** Wᵀ, d×N. */
  wT: Tensor2D;
  /** Output weights transposed, C×N. */
  vT: Tensor2D;
  /** Output weights, N×C. */
  v: Tensor2D;
}

export function outputScale(weights: Pick<TwoLayerWeights, 'parameterisation' | 'width'>): number {
  return neuronScale(weights) / weights.width;
}

/** Uploads a copy of `weights`; release it with `disposeResident`. */
export function uploadWeights(weights: TwoLayerWeights): ResidentWeights {
  const { width, inputDim, outputs } = weights;
  return {
    parameterisation: weights.parameterisation,
    width,
    inputDim,
    outputs,
    outputScale: outputScale(weights),
    wT: transposedTensor(weights.w, width, inputDim),
    vT: transposedTensor(weights.v, width, outputs),
    v: tf.tensor2d(weights.v, [width, outputs]),
  };
}

/** Copies the resident weights back to the host as a fresh `TwoLayerWeights`. */
export function downloadWeights(resident: ResidentWeights): TwoLayerWeights {
  const { width, inputDim, outputs } = resident;
  return {
    parameterisation: resident.parameterisation,
    width,
    inputDim,
    outputs,
    w: transposeHost(resident.wT.dataSync() as Float32Array, inputDim, width),
    v: Float32Array.from(resident.v.dataSync() as Float32Array),
  };
}

export function disposeResident(resident: ResidentWeights): void {
  resident.wT.dispose();
  resident.vT.dispose();
  resident.v.dispose();
}

function transposedTensor(rowMajor: Float32Array, rows: number, cols: number): Tensor2D {
  return tf.tensor2d(transposeHost(rowMajor, rows, cols), [cols, rows]);
}

/** Transpose of a rows×cols row-major matrix, on the host (exact: only moves numbers). */
function transposeHost(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) out[j * rows + i] = values[i * cols + j];
  }
  return out;
}
