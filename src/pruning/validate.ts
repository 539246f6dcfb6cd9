/**
 * Input and output contracts of pruners, in one place: every pruner (built-in or user-supplied) receives a
 * `PruneInput` that passed `validatePruneInput`; the experiment checks every `PruneResult` with
 * `checkPruneResult` before using it; the contract properties of src/testing/contracts.ts find their faults
 * with the same `unpackPruneResult` and `pruneResultFault`.
 */
import { tf, type Tensor } from '../backend/tf';
import type { NeuronFeatures, PruneInput, PruneResult } from './types';

/** A value as an error message names it: arrays and typed arrays by length, objects by their keys. */
function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value))
    return `a ${value.constructor.name} of length ${(value as unknown as ArrayLike<number>).length}`;
  if (typeof value === 'string') return `'${value}'`;
  if (value !== null && typeof value === 'object') return `an object with keys [${Object.keys(value).join(', ')}]`;
  return String(value);
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

function requireShape(op: string, field: string, tensor: Tensor | undefined, expected: number[]): void {
  if (!tensor || !Array.isArray(tensor.shape))
    throw new Error(`${op}: ${field} must be a tensor, got ${describe(tensor)}`);
  if (tensor.isDisposed) throw new Error(`${op}: ${field} has been disposed`);
  const actual = tensor.shape;
  if (actual.length !== expected.length || actual.some((size, i) => size !== expected[i])) {
    throw new Error(`${op}: ${field} must have shape [${expected.join(', ')}], got [${actual.join(', ')}]`);
  }
}

/** One pass (a sum) on the common path; the elementwise check runs only to explain a non-finite sum. */
function requireAllFinite(op: string, field: string, tensor: Tensor): void {
  const total = tf.tidy(() => tf.sum(tensor).dataSync()[0]);
  if (Number.isFinite(total)) return;
  const hasNonFinite = tf.tidy(() => tf.any(tf.logicalNot(tf.isFinite(tensor))).dataSync()[0]);
  if (hasNonFinite) throw new Error(`${op}: ${field} contains NaN or infinite values`);
  throw new Error(`${op}: ${field} has values so large that their float32 sum overflows`);
}

/** Shapes of the factored features agree with their declared m, N, C (no value checks). */
export function validateFeatureShapes(features: NeuronFeatures, op: string): void {
  if (!features || typeof features !== 'object')
    throw new Error(`${op}: features must be a NeuronFeatures object, got ${describe(features)}`);
  const { m, width, outputs } = features;
  if (!isPositiveInteger(m)) throw new Error(`${op}: features.m must be a positive integer, got ${describe(m)}`);
  if (!isPositiveInteger(width))
    throw new Error(`${op}: features.width must be a positive integer, got ${describe(width)}`);
  if (!isPositiveInteger(outputs))
    throw new Error(`${op}: features.outputs must be a positive integer, got ${describe(outputs)}`);
  requireShape(op, 'features.activations', features.activations, [m, width]);
  requireShape(op, 'features.activationsT', features.activationsT, [width, m]);
  requireShape(op, 'features.outWeights', features.outWeights, [width, outputs]);
}

/** Targets y are m×C for the given features. */
export function validateTargetShape(features: NeuronFeatures, targets: Tensor, op: string): void {
  requireShape(op, 'targets', targets, [features.m, features.outputs]);
}

/**
 * Why `selection` is not a multiset of neuron indices (non-empty, every entry an integer in [0, width)).
 *
 * @param selection - the picked indices.
 * @param width - the network's width N.
 * @returns the first fault, or null when there is none.
 */
export function selectionFault(selection: readonly unknown[], width: number): string | null {
  if (selection.length === 0) return 'selection must be non-empty';
  const bad = selection.findIndex((r) => typeof r !== 'number' || !Number.isInteger(r) || r < 0 || r >= width);
  return bad < 0
    ? null
    : `selection[${bad}] = ${describe(selection[bad])} is not an integer neuron index in [0, ${width})`;
}

/** A multiset of neuron indices: non-empty, every entry an integer in [0, width). */
export function validateSelection(selection: readonly number[], width: number, op: string): void {
  if (!Array.isArray(selection))
    throw new Error(`${op}: selection must be an array of neuron indices, got ${describe(selection)}`);
  const fault = selectionFault(selection, width);
  if (fault) throw new Error(`${op}: ${fault}`);
}

/**
 * Checks a `PruneInput` before pruning: n a positive integer, seed an integer, tensor shapes
 * consistent with m, N, C, the weights the same width and output count, and all feature and
 * target values finite. Errors name the field and the operation (`op`, default 'prune').
 */
export function validatePruneInput(input: PruneInput, op = 'prune'): void {
  if (!input || typeof input !== 'object')
    throw new Error(`${op}: input must be a PruneInput object, got ${describe(input)}`);
  if (!isPositiveInteger(input.n)) throw new Error(`${op}: n must be a positive integer, got ${describe(input.n)}`);
  if (typeof input.seed !== 'number' || !Number.isInteger(input.seed)) {
    throw new Error(`${op}: seed must be an integer, got ${describe(input.seed)}`);
  }
  const { features, targets, weights } = input;
  validateFeatureShapes(features, op);
  validateTargetShape(features, targets, op);
  if (!weights || typeof weights !== 'object')
    throw new Error(`${op}: weights must be a TwoLayerWeights object, got ${describe(weights)}`);
  if (weights.width !== features.width) {
    throw new Error(`${op}: weights.width = ${weights.width} does not match features.width = ${features.width}`);
  }
  if (weights.outputs !== features.outputs) {
    throw new Error(
      `${op}: weights.outputs = ${weights.outputs} does not match features.outputs = ${features.outputs}`,
    );
  }
  if (weights.w?.length !== weights.width * weights.inputDim) {
    throw new Error(
      `${op}: weights.w must hold width·inputDim = ${weights.width * weights.inputDim} values, got ${weights.w?.length}`,
    );
  }
  if (weights.v?.length !== weights.width * weights.outputs) {
    throw new Error(
      `${op}: weights.v must hold width·outputs = ${weights.width * weights.outputs} values, got ${weights.v?.length}`,
    );
  }
  requireAllFinite(op, 'features.activations', features.activations);
  requireAllFinite(op, 'features.outWeights', features.outWeights);
  requireAllFinite(op, 'targets', targets);
}

/** Pruners that select distinct neurons cannot pick more than N of them. */
export function requireAtMostWidth(n: number, width: number, op: string): void {
  if (n > width) {
    throw new Error(
      `${op}: n = ${n} exceeds the width N = ${width}; this pruner selects distinct neurons, so n ≤ N is required`,
    );
  }
}

/** A pruner's result as plain arrays (typed arrays copied). */
export interface PruneLists {
  selection: number[];
  lossPerStep: number[];
  pickScores?: number[];
}

function asNumberList(value: unknown): number[] | null {
  if (Array.isArray(value)) return [...(value as number[])];
  if (ArrayBuffer.isView(value) && !(value instanceof DataView))
    return Array.from(value as unknown as ArrayLike<number>);
  return null;
}

/**
 * A pruner's raw result as plain arrays, or why it is not `{ selection, lossPerStep }` of number lists.
 *
 * @param result - what `prune` returned (awaited).
 * @returns copies of the lists, or the fault as a sentence.
 */
export function unpackPruneResult(result: unknown): PruneLists | string {
  if (!result || typeof result !== 'object')
    return `prune returned ${describe(result)}, expected { selection, lossPerStep }`;
  const raw = result as Record<string, unknown>;
  const selection = asNumberList(raw.selection);
  if (!selection) return `selection is ${describe(raw.selection)}, expected an array of neuron indices`;
  const lossPerStep = asNumberList(raw.lossPerStep);
  if (!lossPerStep) return `lossPerStep is ${describe(raw.lossPerStep)}, expected an array of numbers`;
  if (raw.pickScores === undefined) return { selection, lossPerStep };
  const pickScores = asNumberList(raw.pickScores);
  if (!pickScores) return `pickScores is ${describe(raw.pickScores)}, expected an array of numbers`;
  return { selection, lossPerStep, pickScores };
}

/**
 * Why a result is not a valid multiset with its losses: indices in [0, width), every loss finite and ≥ 0, one
 * loss per pick (the requested size n is a separate contract).
 *
 * @param lists - the unpacked result.
 * @param width - the network's width N.
 * @returns the first fault, or null when there is none.
 */
export function pruneResultFault(lists: PruneLists, width: number): string | null {
  const fault = selectionFault(lists.selection, width);
  if (fault) return fault;
  const bad = lists.lossPerStep.findIndex((l) => typeof l !== 'number' || !Number.isFinite(l) || l < 0);
  if (bad >= 0) return `lossPerStep[${bad}] = ${describe(lists.lossPerStep[bad])} is not a finite number ≥ 0`;
  if (lists.lossPerStep.length !== lists.selection.length)
    return `lossPerStep has ${lists.lossPerStep.length} entries for ${lists.selection.length} picks (one loss per pick is required)`;
  if (lists.pickScores && lists.pickScores.length !== lists.selection.length)
    return `pickScores has ${lists.pickScores.length} entries for ${lists.selection.length} picks`;
  return null;
}

/**
 * Checks a pruner's output contract against its input: `selection` has length n and holds integer indices in
 * [0, N); `lossPerStep` has length n and holds finite, non-negative numbers. Only the shape of the contract is
 * checked: the experiment recomputes losses with `lossCurve` rather than trust a user pruner's figures.
 *
 * @param result - what the pruner returned.
 * @param input - the input it was given.
 * @param prunerName - named in the error.
 * @returns a plain-array copy of the result.
 * @throws Error naming the pruner and the first fault.
 */
export function checkPruneResult(result: unknown, input: PruneInput, prunerName = 'pruner'): PruneResult {
  const who = `checkPruneResult: pruner '${prunerName}'`;
  const lists = unpackPruneResult(result);
  if (typeof lists === 'string') throw new Error(`${who}: ${lists}`);
  const { n } = input;
  if (lists.selection.length !== n)
    throw new Error(`${who} returned a selection of length ${lists.selection.length}, expected n = ${n}`);
  if (lists.lossPerStep.length !== n)
    throw new Error(`${who} returned lossPerStep of length ${lists.lossPerStep.length}, expected n = ${n}`);
  const fault = pruneResultFault(lists, input.features.width);
  if (fault) throw new Error(`${who}: ${fault}`);
  return lists;
}
