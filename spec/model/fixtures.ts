/** Small problems for the model specs: unit-norm inputs (THEORY.md §1) and labels from a seeded Rng. */
import { toTensors, type DataTensors } from '../../src/data/tensors';
import type { Dataset } from '../../src/data/types';
import { initNetwork } from '../../src/model/init';
import type { Parameterisation, TwoLayerWeights } from '../../src/model/types';
import { Rng } from '../../src/rng';

export function unitSphereDataset(m: number, d: number, outputs: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const x = rng.fork('x').normalArray(m * d);
  for (let j = 0; j < m; j++) {
    const row = x.subarray(j * d, (j + 1) * d);
    const norm = Math.hypot(...row);
    for (let i = 0; i < d; i++) row[i] /= norm;
  }
  const labels = rng.fork('y');
  const y = Float32Array.from({ length: m * outputs }, () => 2 * labels.uniform() - 1);
  return { name: `sphere(m=${m},d=${d},C=${outputs},seed=${seed})`, m, d, outputs, x, y, classes: null };
}

export interface Problem {
  dataset: Dataset;
  data: DataTensors;
  weights: TwoLayerWeights;
}

/** A dataset on the backend plus an initial network for it; dispose `data` after use. */
export function problem(
  parameterisation: Parameterisation,
  sizes: { m: number; d: number; width: number; outputs: number },
  seed = 1,
): Problem {
  const dataset = unitSphereDataset(sizes.m, sizes.d, sizes.outputs, seed);
  const weights = initNetwork({
    parameterisation,
    width: sizes.width,
    inputDim: sizes.d,
    outputs: sizes.outputs,
    rng: new Rng(seed).fork('init'),
  });
  return { dataset, data: toTensors(dataset), weights };
}

/** max |a − b| / max |b|: the error relative to the scale of the reference. */
export function scaledMaxError(actual: ArrayLike<number>, reference: ArrayLike<number>): number {
  expect(actual.length).toBe(reference.length);
  let err = 0;
  let scale = 0;
  for (let i = 0; i < reference.length; i++) {
    err = Math.max(err, Math.abs(actual[i] - reference[i]));
    scale = Math.max(scale, Math.abs(reference[i]));
  }
  return err / scale;
}

/** Row-major transpose of a rows×cols matrix. */
export function transpose(values: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = values[i * cols + j];
  return out;
}
