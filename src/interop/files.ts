/**
 * Dataset and weights files in every format pruneproof reads, chosen by extension:
 *  - datasets: .npz (arrays `x` (m, d) and `y` (m,) or (m, C)), else JSON (src/data/io.ts);
 *  - weights: .onnx (a two-layer ReLU MLP, ./onnx-model.ts; needs the parameterisation), .npz (arrays `W` (N, d)
 *    and `a` (ntk) or `b` (mean-field), (N,) or (N, C)), else JSON (src/model/io.ts).
 * Errors are DatasetError / WeightsError naming the file and the array, node or field (the CLI exits 2).
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { InitWeightsSetting } from '../experiment/config';
import { oneHotClasses, readDatasetFile } from '../data/io';
import type { Dataset } from '../data/types';
import { DatasetError } from '../data/validate';
import { readWeightsFile, weightsFromJson, WeightsError } from '../model/io';
import type { Parameterisation, TwoLayerWeights } from '../model/types';
import { NpyError, readNpzFile, type NpyArray } from './npz';
import { subnetworkToOnnx, weightsFromOnnx } from './onnx-model';

const extension = (path: string) => path.slice(path.lastIndexOf('.')).toLowerCase();

/** Whether a weights file needs --parameterisation to be read (ONNX holds no such field). */
export function weightsNeedParameterisation(path: string): boolean {
  return extension(path) === '.onnx';
}

function arraysOf(path: string, toError: (message: string) => Error): Map<string, NpyArray> {
  try {
    return readNpzFile(path);
  } catch (e) {
    throw e instanceof NpyError ? toError(e.message) : e;
  }
}

function requireArray(arrays: Map<string, NpyArray>, name: string, fail: (why: string) => never): NpyArray {
  const array = arrays.get(name);
  if (!array) fail(`missing array '${name}' (found: ${[...arrays.keys()].join(', ') || 'none'})`);
  return array!;
}

function toFloat32(array: NpyArray, name: string, fail: (why: string) => never): Float32Array {
  const out = Float32Array.from(array.values);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i]))
      fail(`${name}: entry ${i} (flat, C order) = ${array.values[i]} is not a finite float32`);
  }
  return out;
}

/** A dataset from .npz arrays `x` (m, d) and `y` (m,) or (m, C). */
export function datasetFromNpz(arrays: Map<string, NpyArray>, source: string): Dataset {
  const fail = (why: string): never => {
    throw new DatasetError(`${source}: ${why}`);
  };
  const x = requireArray(arrays, 'x', fail);
  const y = requireArray(arrays, 'y', fail);
  if (x.shape.length !== 2 || x.shape[0] === 0 || x.shape[1] === 0)
    fail(`array 'x' has shape (${x.shape.join(', ')}); expected (m, d) with m, d ≥ 1`);
  const [m, d] = x.shape;
  if (!(y.shape.length === 1 || y.shape.length === 2) || y.shape[0] !== m || (y.shape.length === 2 && y.shape[1] === 0))
    fail(`array 'y' has shape (${y.shape.join(', ')}); expected (${m},) or (${m}, C), one row per row of x`);
  const outputs = y.shape.length === 2 ? y.shape[1] : 1;
  const labels = toFloat32(y, "array 'y'", fail);
  return {
    name: source,
    m,
    d,
    outputs,
    x: toFloat32(x, "array 'x'", fail),
    y: labels,
    classes: outputs >= 2 ? oneHotClasses(labels, m, outputs) : null,
  };
}

function rows(array: NpyArray): number[][] {
  const cols = array.shape[1];
  return Array.from({ length: array.shape[0] }, (_, i) => Array.from(array.values.subarray(i * cols, (i + 1) * cols)));
}

/** Weights from .npz arrays `W` (N, d) and `a` (ntk) or `b` (mean-field); checked as the JSON format is. */
export function weightsFromNpz(arrays: Map<string, NpyArray>, source: string): TwoLayerWeights {
  const fail = (why: string): never => {
    throw new WeightsError(`${source}: ${why}`);
  };
  const W = requireArray(arrays, 'W', fail);
  if (arrays.has('a') && arrays.has('b'))
    fail("has both 'a' (ntk) and 'b' (mean-field); keep the one of its parameterisation");
  const field = arrays.has('a') ? 'a' : arrays.has('b') ? 'b' : fail("missing array 'a' (ntk) or 'b' (mean-field)");
  const out = arrays.get(field)!;
  if (W.shape.length !== 2) fail(`array 'W' has shape (${W.shape.join(', ')}); expected (N, d)`);
  if (out.shape.length !== 1 && out.shape.length !== 2)
    fail(`array '${field}' has shape (${out.shape.join(', ')}); expected (N,) or (N, C)`);
  const outputWeights = out.shape.length === 1 ? Array.from(out.values) : rows(out);
  return weightsFromJson(
    { parameterisation: field === 'a' ? 'ntk' : 'meanfield', W: rows(W), [field]: outputWeights },
    source,
  );
}

/** The dataset in `path`: .npz or JSON. */
export function readDataset(path: string): Dataset {
  if (extension(path) !== '.npz') return readDatasetFile(path);
  return datasetFromNpz(
    arraysOf(path, (message) => new DatasetError(message)),
    path,
  );
}

/**
 * The weights in `path`: .onnx (needs `parameterisation`), .npz or JSON. When `parameterisation` is given for a
 * file that states its own, the two must agree.
 */
export function readWeights(path: string, parameterisation?: Parameterisation): TwoLayerWeights {
  let weights: TwoLayerWeights;
  switch (extension(path)) {
    case '.onnx': {
      if (!parameterisation)
        throw new WeightsError(
          `${path}: an ONNX model does not say how its output layer is scaled; pass --parameterisation ntk or meanfield`,
        );
      let bytes: Buffer;
      try {
        bytes = readFileSync(path);
      } catch (e) {
        throw new WeightsError(`${path}: cannot read weights file (${(e as Error).message})`);
      }
      return weightsFromOnnx(bytes, path, parameterisation);
    }
    case '.npz':
      weights = weightsFromNpz(
        arraysOf(path, (message) => new WeightsError(message)),
        path,
      );
      break;
    default:
      weights = readWeightsFile(path);
  }
  if (parameterisation && weights.parameterisation !== parameterisation)
    throw new WeightsError(
      `${path}: holds '${weights.parameterisation}' weights but --parameterisation is '${parameterisation}'`,
    );
  return weights;
}

/** The SHA-256 (hex) of a file's bytes. */
function fileSha256(path: string, toError: (message: string) => Error): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch (e) {
    throw toError(`cannot read ${path}: ${(e as Error).message}`);
  }
}

/** The initWeights setting of a file: its path and the SHA-256 of its bytes. */
export function initWeightsSetting(path: string): InitWeightsSetting {
  return { path, sha256: fileSha256(path, (message) => new WeightsError(message)) };
}

/** The weights of an initWeights setting, after checking the file still has the recorded SHA-256. */
export function readInitWeights(setting: InitWeightsSetting, parameterisation: Parameterisation): TwoLayerWeights {
  const sha256 = fileSha256(setting.path, (message) => new WeightsError(`initWeights: ${message}`));
  if (sha256 !== setting.sha256)
    throw new WeightsError(
      `initWeights: ${setting.path} has SHA-256 ${sha256}, not the ${setting.sha256} this configuration records (the file changed)`,
    );
  const weights = readWeights(setting.path, weightsNeedParameterisation(setting.path) ? parameterisation : undefined);
  if (weights.parameterisation !== parameterisation)
    throw new WeightsError(
      `initWeights: ${setting.path} holds '${weights.parameterisation}' weights but the run's parameterisation is '${parameterisation}' (--parameterisation)`,
    );
  return weights;
}

/** Writes the subnetwork of `selection` as ONNX to `path` (a temporary sibling renamed into place; never partial). */
export function writeSubnetworkOnnx(path: string, weights: TwoLayerWeights, selection: readonly number[]): void {
  const bytes = subnetworkToOnnx(weights, selection);
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(temporary, 'wx');
  try {
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (e) {
    rmSync(temporary, { force: true });
    throw e;
  }
}
