/**
 * `stepFraction()`: GD step sizes inside the stability limit, as the fraction η / η_max of the limit
 * η_max = 2/λ_max(K(0)) of the case's own initial network (src/model/stability.ts). The limit is known only
 * once the network exists, so the fraction is what gets generated; `pretrainCase` turns it into η.
 * Fractions are whole percentages (printable, exactly replayable) and shrink toward the smallest allowed.
 */
import fc from 'fast-check';
import { isIntegerIn, resolveRange, unmapWhen, type IntRange } from './range';

/** Percent of the stability limit; default 10 %–90 %: below 100 % the linearised GD map contracts. */
export const STEP_PERCENT_DEFAULTS: IntRange = { min: 10, max: 90 };

/**
 * A GD step size as a fraction of the stability limit 2/λ_max (THEORY.md §3.3), drawn as whole percents.
 *
 * @param percent - the range in percent (default 10–90: below 100 % the linearised GD map contracts).
 * @returns the arbitrary of fractions in (0, 1).
 */
export function stepFraction(percent: Partial<IntRange> = {}): fc.Arbitrary<number> {
  const range = resolveRange('stepFraction', 'percent', percent, STEP_PERCENT_DEFAULTS, 1);
  if (range.max >= 100)
    throw new RangeError(`stepFraction: percent.max must be < 100 (inside the stability limit), got ${range.max}`);
  const isPercent = (v: unknown): v is number =>
    typeof v === 'number' && isIntegerIn(Math.round(v * 100), range) && Math.abs(v * 100 - Math.round(v * 100)) < 1e-9;
  return fc.integer(range).map(
    (p) => p / 100,
    (v) => Math.round(unmapWhen('stepFraction', isPercent)(v) * 100),
  );
}
