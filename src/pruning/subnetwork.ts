/**
 * The subnetwork of a multiset selection S (THEORY.md §2): f_S = (1/|S|) Σ_{r∈S} Φ_r, a neuron
 * picked k times counted k times. Every pruner's losses are measured here, so pruners compare fairly.
 *
 * Losses are evaluated directly, ‖f_S − y‖² summed in float64 on the host from the float32
 * features: the expanded form ‖s‖²/n² − 2⟨s, y⟩/n + ‖y‖² cancels catastrophically when f_S ≈ y.
 */
import { tf, tidyRead, type Tensor2D } from '../backend/tf';
import type { NeuronFeatures } from './types';
import { validateFeatureShapes, validateSelection, validateTargetShape } from './validate';

/** Cap on the float32 values of one gathered block of activation columns (16 MB). */
const DEFAULT_GATHER_FLOATS = 1 << 22;
/**
 * Up to this many float32 values (64 MB), the whole of Aᵀ is read to the host once per features and its rows
 * are used in place: on wasm, gathering 100 rows of length 20,000 takes ≈ 100 ms, reading all 200 ≈ 10 ms.
 */
const DEFAULT_HOST_COPY_FLOATS = 1 << 24;

export interface GatherOptions {
  /** Most float32 values of activation columns held on the host at once (default 2^22). */
  maxGatherFloats?: number;
  /** Read the whole of Aᵀ to the host when it has at most this many values (default 2^24; 0: never). */
  maxHostCopyFloats?: number;
}

/** Host copies of activationsT, one per features object, kept as long as the features are. */
const hostActivationsT = new WeakMap<NeuronFeatures, Float32Array>();

function hostRows(features: NeuronFeatures): Float32Array {
  let rows = hostActivationsT.get(features);
  if (!rows) {
    rows = features.activationsT.dataSync() as Float32Array;
    hostActivationsT.set(features, rows);
  }
  return rows;
}

/**
 * Calls `visit(i, column)` for each `indices[i]` in order with the activation column A[:, r] (length m): rows of
 * one host copy of activationsT when it is small enough, else rows gathered in blocks so memory stays bounded.
 * Both give the same values.
 */
function forEachActivationColumn(
  features: NeuronFeatures,
  indices: readonly number[],
  options: GatherOptions,
  visit: (i: number, column: Float32Array) => void,
): void {
  const { m } = features;
  if (features.width * m <= (options.maxHostCopyFloats ?? DEFAULT_HOST_COPY_FLOATS)) {
    const rows = hostRows(features);
    indices.forEach((r, i) => visit(i, rows.subarray(r * m, (r + 1) * m)));
    return;
  }
  const rowsPerBlock = Math.max(1, Math.floor((options.maxGatherFloats ?? DEFAULT_GATHER_FLOATS) / m));
  for (let start = 0; start < indices.length; start += rowsPerBlock) {
    const blockIndices = indices.slice(start, start + rowsPerBlock);
    const block = tf.tidy(() => tf.gather(features.activationsT, tf.tensor1d(blockIndices, 'int32')));
    const values = block.dataSync() as Float32Array;
    block.dispose();
    blockIndices.forEach((_, i) => visit(start + i, values.subarray(i * m, (i + 1) * m)));
  }
}

/** s += weight · (column ⊗ V[r, :]) for an m×C row-major accumulator s. */
function addNeuron(
  sum: Float64Array,
  column: Float32Array,
  outWeights: Float32Array,
  r: number,
  outputs: number,
  weight: number,
): void {
  const vOffset = r * outputs;
  for (let j = 0; j < column.length; j++) {
    const a = column[j] * weight;
    if (a === 0) continue;
    const sOffset = j * outputs;
    for (let c = 0; c < outputs; c++) sum[sOffset + c] += a * outWeights[vOffset + c];
  }
}

/** Σ (s_i / count − y_i)² in float64. */
function residualSquared(sum: Float64Array, count: number, targets: Float32Array): number {
  const scale = 1 / count; // one extra float64 rounding, far below the float32 features' precision
  let total = 0;
  for (let i = 0; i < sum.length; i++) {
    const e = sum[i] * scale - targets[i];
    total += e * e;
  }
  return total;
}

function hostFloats(tensor: Tensor2D): Float32Array {
  return tensor.dataSync() as Float32Array;
}

/** Multiplicity of each neuron in the selection, as [index, count] pairs by increasing index. */
function multiplicities(selection: readonly number[]): Array<[number, number]> {
  const counts = new Map<number, number>();
  for (const r of selection) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts.entries()].sort((p, q) => p[0] - q[0]);
}

/** f_S = (1/n) Σ_{r∈S} Φ_r as an m×C tensor (caller disposes); multiplicities honoured. */
export function subnetworkOutput(features: NeuronFeatures, selection: readonly number[]): Tensor2D {
  validateFeatureShapes(features, 'subnetworkOutput');
  validateSelection(selection, features.width, 'subnetworkOutput');
  const counts = new Float32Array(features.width);
  for (const r of selection) counts[r] += 1;
  return tf.tidy(() => {
    const weightedV = tf.mul(features.outWeights, tf.tensor2d(counts, [features.width, 1]));
    return tf.div(tf.matMul(features.activations, weightedV), selection.length) as Tensor2D;
  });
}

/**
 * The loss ‖f_S − y‖²/(2m) of the subnetwork of `selection` (THEORY.md §2), evaluated in float64: the measure
 * every pruner is judged by.
 *
 * @param features - the network's neuron features.
 * @param targets - the targets y (m×C).
 * @param selection - the picked neurons (a multiset).
 * @param options - how to gather the features.
 * @returns the loss.
 */
export function subnetworkLoss(
  features: NeuronFeatures,
  targets: Tensor2D,
  selection: readonly number[],
  options: GatherOptions = {},
): number {
  validateFeatureShapes(features, 'subnetworkLoss');
  validateTargetShape(features, targets, 'subnetworkLoss');
  validateSelection(selection, features.width, 'subnetworkLoss');
  const { m, outputs } = features;
  const outWeights = hostFloats(features.outWeights);
  const sum = new Float64Array(m * outputs);
  const distinct = multiplicities(selection);
  const indices = distinct.map(([r]) => r);
  forEachActivationColumn(features, indices, options, (i, column) => {
    addNeuron(sum, column, outWeights, distinct[i][0], outputs, distinct[i][1]);
  });
  return residualSquared(sum, selection.length, hostFloats(targets)) / (2 * m);
}

/**
 * Prefix losses: entry k−1 is ‖f_{S_k} − y‖²/(2m) for the first k picks of `selection`, k = 1..n (THEORY.md §2).
 * Cumulative sums in float64, one O(m·C) pass per step.
 *
 * @param features - the network's neuron features.
 * @param targets - the targets y (m×C).
 * @param selection - the picks in order.
 * @param options - how to gather the features.
 * @returns the n losses, what a pruner reports as `lossPerStep`.
 */
export function lossCurve(
  features: NeuronFeatures,
  targets: Tensor2D,
  selection: readonly number[],
  options: GatherOptions = {},
): number[] {
  validateFeatureShapes(features, 'lossCurve');
  validateTargetShape(features, targets, 'lossCurve');
  validateSelection(selection, features.width, 'lossCurve');
  const { m, outputs } = features;
  const outWeights = hostFloats(features.outWeights);
  const y = hostFloats(targets);
  // gap = s_k − k·y, updated and squared in one pass per pick: ‖f_{S_k} − y‖² = ‖gap‖²/k², summed directly.
  const gap = new Float64Array(m * outputs);
  const losses: number[] = [];
  forEachActivationColumn(features, selection, options, (i, column) => {
    const k = i + 1;
    losses.push(addNeuronAndSquare(gap, column, outWeights, selection[i], outputs, y) / (k * k * 2 * m));
  });
  return losses;
}

/** gap += column ⊗ V[r, :] − y, returning ‖gap‖² after the update. */
function addNeuronAndSquare(
  gap: Float64Array,
  column: Float32Array,
  outWeights: Float32Array,
  r: number,
  outputs: number,
  y: Float32Array,
): number {
  const v = outWeights.subarray(r * outputs, (r + 1) * outputs);
  let total = 0;
  let i = 0; // = j·outputs + c
  for (let j = 0; j < column.length; j++) {
    const a = column[j];
    for (let c = 0; c < outputs; c++, i++) {
      const e = gap[i] + (a * v[c] - y[i]);
      gap[i] = e;
      total += e * e;
    }
  }
  return total;
}

/** Fraction of rows whose argmax (first maximum on ties) equals the class index. */
export function classificationAccuracy(output: Tensor2D, classes: Int32Array): number {
  const op = 'classificationAccuracy';
  if (!output || output.rank !== 2) throw new Error(`${op}: output must be a 2-D tensor`);
  const [rows, columns] = output.shape;
  if (columns < 2) throw new Error(`${op}: output must have at least 2 columns (one per class), got ${columns}`);
  if (!(classes instanceof Int32Array)) throw new Error(`${op}: classes must be an Int32Array`);
  if (classes.length !== rows)
    throw new Error(`${op}: classes has length ${classes.length}, but output has ${rows} rows`);
  if (rows === 0) throw new Error(`${op}: output has no rows`);
  classes.forEach((k, j) => {
    if (k < 0 || k >= columns) throw new Error(`${op}: classes[${j}] = ${k} is not a class index in [0, ${columns})`);
  });
  const [predicted] = tidyRead(() => [tf.argMax(output, 1)]);
  let correct = 0;
  for (let j = 0; j < rows; j++) if (predicted[j] === classes[j]) correct++;
  return correct / rows;
}

export interface SelectionSummary {
  /** Multiset size |S| (= n). */
  size: number;
  /** Number of distinct neurons in S. */
  distinct: number;
  /** [neuron index, times picked], by increasing index. */
  multiplicities: Array<[number, number]>;
}

/** The measured size of a selection: multiset size, distinct neurons, multiplicities. */
export function selectionSummary(selection: readonly number[]): SelectionSummary {
  if (!Array.isArray(selection)) throw new Error('selectionSummary: selection must be an array of neuron indices');
  selection.forEach((r, i) => {
    if (!Number.isInteger(r) || r < 0)
      throw new Error(`selectionSummary: selection[${i}] = ${r} is not a non-negative integer`);
  });
  const counts = multiplicities(selection);
  return { size: selection.length, distinct: counts.length, multiplicities: counts };
}
