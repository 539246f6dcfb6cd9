/** `width()`: dense widths N, shrinking toward the smallest allowed width. */
import fc from 'fast-check';
import { resolveRange, type IntRange } from './range';

export const WIDTH_DEFAULTS: IntRange = { min: 1, max: 200 };

/**
 * Network widths N, shrinking toward 1.
 *
 * @param range - the range (default 1–200).
 * @returns the arbitrary.
 */
export function width(range: Partial<IntRange> = {}): fc.Arbitrary<number> {
  return fc.integer(resolveRange('width', 'width', range, WIDTH_DEFAULTS, 1));
}
