/**
 * Shape and value checks shared by the model functions. Every error names the operation and the
 * field, so a bad call is diagnosed from the message alone.
 */
import { PARAMETERISATIONS, type TwoLayerWeights } from './types';

export function requirePositiveInteger(value: number, field: string, op: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${op}: ${field} must be a positive integer, got ${value}`);
  }
}

export function requireNonNegativeInteger(value: number, field: string, op: string): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${op}: ${field} must be a non-negative integer, got ${value}`);
  }
}

export function requirePositiveFinite(value: number, field: string, op: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${op}: ${field} must be a finite number > 0, got ${value}`);
  }
}

/** Checks a network's declared parameterisation and sizes (width, inputDim, outputs ≥ 1). */
export function requireNetworkShape(
  shape: Pick<TwoLayerWeights, 'parameterisation' | 'width' | 'inputDim' | 'outputs'>,
  op: string,
): void {
  if (!(PARAMETERISATIONS as readonly string[]).includes(shape.parameterisation)) {
    throw new RangeError(
      `${op}: parameterisation must be one of ${PARAMETERISATIONS.join(', ')}, got '${shape.parameterisation}'`,
    );
  }
  requirePositiveInteger(shape.width, 'width', op);
  requirePositiveInteger(shape.inputDim, 'inputDim', op);
  requirePositiveInteger(shape.outputs, 'outputs', op);
}

/** Checks that the arrays of a `TwoLayerWeights` match its declared sizes and hold finite numbers. */
export function requireConsistentWeights(weights: TwoLayerWeights, op: string): void {
  requireNetworkShape(weights, op);
  requireLength(weights.w, weights.width * weights.inputDim, 'w', 'width·inputDim', op);
  requireLength(weights.v, weights.width * weights.outputs, 'v', 'width·outputs', op);
  requireFinite(weights.w, 'w', op);
  requireFinite(weights.v, 'v', op);
}

function requireLength(values: Float32Array, expected: number, field: string, formula: string, op: string): void {
  if (!(values instanceof Float32Array) || values.length !== expected) {
    const got = values instanceof Float32Array ? `${values.length} entries` : typeof values;
    throw new RangeError(`${op}: ${field} must be a Float32Array of ${formula} = ${expected} entries, got ${got}`);
  }
}

function requireFinite(values: Float32Array, field: string, op: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new RangeError(`${op}: ${field}[${i}] is not finite (${values[i]})`);
  }
}

/** Checks that a data matrix has the columns the network expects. */
export function requireColumns(shape: number[], expected: number, what: string, op: string): void {
  if (shape.length !== 2 || shape[1] !== expected) {
    throw new RangeError(`${op}: ${what} has shape [${shape.join(', ')}], expected [m, ${expected}]`);
  }
}

/** Checks x (m×d), xT (d×m) and, when given, y (m×C) against the network's d and C. */
export function requireDataShapes(
  data: { x: { shape: number[] }; xT: { shape: number[] }; y?: { shape: number[] } },
  weights: Pick<TwoLayerWeights, 'inputDim' | 'outputs'>,
  op: string,
): void {
  requireColumns(data.x.shape, weights.inputDim, 'data.x', op);
  const m = data.x.shape[0];
  const [rows, cols] = data.xT.shape;
  if (data.xT.shape.length !== 2 || rows !== weights.inputDim || cols !== m) {
    throw new RangeError(
      `${op}: data.xT has shape [${data.xT.shape.join(', ')}], expected [${weights.inputDim}, ${m}]`,
    );
  }
  if (data.y) {
    requireColumns(data.y.shape, weights.outputs, 'data.y', op);
    if (data.y.shape[0] !== m) {
      throw new RangeError(`${op}: data.y has ${data.y.shape[0]} rows but data.x has ${m}`);
    }
  }
}
