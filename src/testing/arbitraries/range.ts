/** Integer ranges of the public arbitraries, validated with errors that name the arbitrary and the field. */

export interface IntRange {
  min: number;
  max: number;
}

/** `range` completed from `defaults`, checked to be integers with lowest ≤ min ≤ max. */
export function resolveRange(
  op: string,
  field: string,
  range: Partial<IntRange> | undefined,
  defaults: IntRange,
  lowest: number,
): IntRange {
  const min = range?.min ?? defaults.min;
  const max = range?.max ?? defaults.max;
  if (!Number.isInteger(min) || min < lowest)
    throw new RangeError(`${op}: ${field}.min must be an integer ≥ ${lowest}, got ${String(min)}`);
  if (!Number.isInteger(max) || max < min)
    throw new RangeError(`${op}: ${field}.max must be an integer ≥ ${field}.min = ${min}, got ${String(max)}`);
  return { min, max };
}

/** An unmapper that accepts `value` only when `check` holds, so stored examples shrink (fast-check `map`). */
export function unmapWhen<T>(op: string, check: (value: unknown) => value is T): (value: unknown) => T {
  return (value) => {
    if (!check(value)) throw new Error(`${op}: not a value this arbitrary produces: ${JSON.stringify(value)}`);
    return value;
  };
}

export function isIntegerIn(value: unknown, range: IntRange): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max;
}
