import type { TwoLayerWeights } from '../model/types';
import type { EngineData } from './types';

/** Host data against the network: x is m×d, y is m×C, with the network's d and C. */
export function requireEngineData(data: EngineData, weights: TwoLayerWeights, op: string): void {
  const { m, d, outputs } = data;
  for (const [field, value] of [
    ['m', m],
    ['d', d],
    ['outputs', outputs],
  ] as const) {
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`${op}: data.${field} must be a positive integer, got ${value}`);
  }
  if (d !== weights.inputDim)
    throw new RangeError(`${op}: data.d = ${d} but the network's inputDim is ${weights.inputDim}`);
  if (outputs !== weights.outputs) {
    throw new RangeError(`${op}: data.outputs = ${outputs} but the network has ${weights.outputs} outputs`);
  }
  if (!(data.x instanceof Float32Array) || data.x.length !== m * d) {
    throw new RangeError(`${op}: data.x must be a Float32Array of m·d = ${m * d} entries, got ${data.x?.length}`);
  }
  if (!(data.y instanceof Float32Array) || data.y.length !== m * outputs) {
    throw new RangeError(
      `${op}: data.y must be a Float32Array of m·outputs = ${m * outputs} entries, got ${data.y?.length}`,
    );
  }
}
