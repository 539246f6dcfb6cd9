/**
 * The check registry: every invariant and claim of THEORY.md §6 that a measured run can be checked against, in
 * report order. `verify`, `claims` and `check-pruner` all evaluate these records, so an id means one computation.
 */
import type { ResolvedTheory } from '../../theory';
import type { MeasuredRun } from '../pipeline/measured-run';
import { CLAIMS } from './claim-checks';
import { INVARIANTS } from './invariants';
import { CLAIM_FW_EXPONENT, INV_FW_RATE } from './rate';
import type { CheckDefinition, CheckResult } from './types';

export const CHECKS: readonly CheckDefinition[] = [...INVARIANTS, INV_FW_RATE, ...CLAIMS, CLAIM_FW_EXPONENT];

export function getCheck(id: string): CheckDefinition {
  const check = CHECKS.find((c) => c.id === id);
  if (!check) throw new RangeError(`unknown check '${id}' (known: ${CHECKS.map((c) => c.id).join(', ')})`);
  return check;
}

/** Every registered check on one run, with the run's resolved theory (overrides applied). */
export function evaluateChecks(run: MeasuredRun, theory: ResolvedTheory): CheckResult[] {
  return CHECKS.map((check) => asEvaluatedFor(check, run, check.evaluate(run, theory)));
}

/** A greedy-only invariant on a run whose subject the proofs do not cover is a claim (THEORY.md §6.1). */
export function asEvaluatedFor(check: CheckDefinition, run: Pick<MeasuredRun, 'subjectsProved'>, result: CheckResult) {
  return check.provedForGreedyOnly && !run.subjectsProved ? { ...result, kind: 'claim' as const } : result;
}
