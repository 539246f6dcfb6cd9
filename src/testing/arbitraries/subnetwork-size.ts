/** `subnetworkSize()`: subnetwork sizes n (selection steps), shrinking toward n = 1. */
import fc from 'fast-check';
import { resolveRange, type IntRange } from './range';

export const SUBNETWORK_SIZE_DEFAULTS: IntRange = { min: 1, max: 64 };

/**
 * Subnetwork sizes n, shrinking toward 1.
 *
 * @param range - the range (default 1–64).
 * @returns the arbitrary.
 */
export function subnetworkSize(range: Partial<IntRange> = {}): fc.Arbitrary<number> {
  return fc.integer(resolveRange('subnetworkSize', 'n', range, SUBNETWORK_SIZE_DEFAULTS, 1));
}
