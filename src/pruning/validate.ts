/**
 * Input and output contracts of pruners. Every pruner (built-in or user-supplied) receives a
 * `PruneInput` that passed `validatePruneInput`, and the experiment checks every `PruneResult`
 * with `checkPruneResult` before using it.
 */
import { tf, type Tensor } from '../backend/tf';
import type { NeuronFeatures, PruneInput, PruneResult } from './types';

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'string') return `'${value}'`;
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

/** A multiset of neuron indices: non-empty, every entry an integer in [0, width). */
export function validateSelection(selection: readonly number[], width: number, op: string): void {
  if (!Array.isArray(selection))
    throw new Error(`${op}: selection must be an array of neuron indices, got ${describe(selection)}`);
  if (selection.length === 0) throw new Error(`${op}: selection must be non-empty`);
  selection.forEach((r, i) => {
    if (!Number.isInteger(r) || r < 0 || r >= width) {
      throw new Error(`${op}: selection[${i}] = ${describe(r)} is not an integer neuron index in [0, ${width})`);
    }
  });
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

function toNumberArray(value: unknown, field: string, prunerName: string): number[] {
  if (Array.isArray(value)) return value as number[];
  if (ArrayBuffer.isView(value) && !(value instanceof DataView))
    return Array.from(value as unknown as ArrayLike<number>);
  throw new Error(
    `checkPruneResult: pruner '${prunerName}' returned ${field} = ${describe(value)}, expected an array of numbers`,
  );
}

/**
 * Checks a pruner's output contract against its input: `selection` has length n and holds
 * integer indices in [0, N); `lossPerStep` has length n and holds finite, non-negative numbers.
 * Returns a plain-array copy of the result. Only the shape of the contract is checked: the
 * experiment should recompute losses with `lossCurve` rather than trust a user pruner's figures.
 */
export function checkPruneResult(result: unknown, input: PruneInput, prunerName = 'pruner'): PruneResult {
  const who = `checkPruneResult: pruner '${prunerName}'`;
  if (!result || typeof result !== 'object')
    throw new Error(`${who} returned ${describe(result)}, expected { selection, lossPerStep }`);
  const raw = result as Record<string, unknown>;
  const selection = toNumberArray(raw.selection, 'selection', prunerName);
  const lossPerStep = toNumberArray(raw.lossPerStep, 'lossPerStep', prunerName);
  const { n } = input;
  const width = input.features.width;
  if (selection.length !== n)
    throw new Error(`${who} returned a selection of length ${selection.length}, expected n = ${n}`);
  selection.forEach((r, i) => {
    if (typeof r !== 'number' || !Number.isInteger(r) || r < 0 || r >= width) {
      throw new Error(`${who} returned selection[${i}] = ${describe(r)}, not an integer neuron index in [0, ${width})`);
    }
  });
  if (lossPerStep.length !== n)
    throw new Error(`${who} returned lossPerStep of length ${lossPerStep.length}, expected n = ${n}`);
  lossPerStep.forEach((loss, i) => {
    if (typeof loss !== 'number' || !Number.isFinite(loss) || loss < 0) {
      throw new Error(`${who} returned lossPerStep[${i}] = ${describe(loss)}, expected a finite non-negative number`);
    }
  });
  const pickScores = raw.pickScores === undefined ? undefined : toNumberArray(raw.pickScores, 'pickScores', prunerName);
  if (pickScores && pickScores.length !== n) {
    throw new Error(`${who} returned pickScores of length ${pickScores.length}, expected n = ${n}`);
  }
  return {
    selection: [...selection],
    lossPerStep: [...lossPerStep],
    ...(pickScores ? { pickScores: [...pickScores] } : {}),
  };
}
