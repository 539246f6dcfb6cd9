/**
 * Cases aimed at the region where the theorem's threshold claim B3 is decided: full-dimensional hulls (N ≫ mC),
 * mean-field scale (y starts outside the hull, so t_in > 0), steps near the stability limit and runs long enough
 * for T*(m) to fall inside them. Found by measurement: with the default generator about 90 % of B3 cases were
 * not applicable (T* beyond the run or B4 void); here most are decided.
 */
import type fc from 'fast-check';
import { pruningCase, type PruningCase, type PruningCaseConstraints } from './pruning-case';

export const THEOREM_REGIME: PruningCaseConstraints = {
  dataset: { m: { min: 3, max: 8 }, d: { min: 3, max: 8 } },
  parameterisations: ['meanfield'],
  width: { min: 80, max: 200 },
  n: { min: 2, max: 12 },
  stepPercent: { min: 60, max: 95 },
  iterations: { min: 200, max: 400 },
};

/**
 * Pruning cases inside the theorem's regime (wide, stable step, long enough pre-training), where the claims
 * are expected to hold.
 *
 * @returns the arbitrary.
 */
export function theoremCase(): fc.Arbitrary<PruningCase> {
  return pruningCase(THEOREM_REGIME);
}
