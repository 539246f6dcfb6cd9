/**
 * Cases aimed at the region where the theorem's threshold claim B3 is decided: full-dimensional hulls (N ≫ mC),
 * mean-field scale (y starts outside the hull, so t_in > 0), steps near the stability limit and runs long enough
 * for T*(m) to fall inside them. Found by measurement: with the default generator about 90 % of B3 cases were
 * not applicable (T* beyond the run or B4 void); with T = 200–400 at 60–95 % of the limit, 9 of 10 still had T*
 * beyond the run (T* = 207…4,900) or diverged. At T = 1,000–4,000 and 50–85 % of the limit, T* falls inside 9 of 12
 * sampled cases (fast-check seed 42; 3 of them have y in the hull at t = 0, where B3 is vacuous), at ≈ 3 s a case.
 */
import type fc from 'fast-check';
import { pruningCase, type PruningCase, type PruningCaseConstraints } from './pruning-case';

export const THEOREM_REGIME: PruningCaseConstraints = {
  dataset: { m: { min: 3, max: 8 }, d: { min: 3, max: 8 } },
  parameterisations: ['meanfield'],
  width: { min: 80, max: 200 },
  n: { min: 2, max: 12 },
  stepPercent: { min: 50, max: 85 },
  iterations: { min: 1000, max: 4000 },
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
