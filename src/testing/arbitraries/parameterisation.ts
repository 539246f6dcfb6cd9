/** `parameterisation()`: 'ntk' or 'meanfield' (THEORY.md §1), shrinking toward 'ntk', the default of the theory. */
import fc from 'fast-check';
import { PARAMETERISATIONS, type Parameterisation } from '../../model/types';

/**
 * 'ntk' or 'meanfield' (THEORY.md §1.2), shrinking toward 'ntk', the default of the theory.
 *
 * @param allowed - the parameterisations to draw from (default both).
 * @returns the arbitrary.
 */
export function parameterisation(
  allowed: readonly Parameterisation[] = PARAMETERISATIONS,
): fc.Arbitrary<Parameterisation> {
  if (allowed.length === 0 || allowed.some((p) => !(PARAMETERISATIONS as readonly string[]).includes(p))) {
    throw new RangeError(
      `parameterisation: allowed must be a non-empty list of ${PARAMETERISATIONS.join(', ')}, got [${allowed.join(', ')}]`,
    );
  }
  return fc.constantFrom(...allowed);
}
