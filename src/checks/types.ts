/**
 * The check registry's shapes (THEORY.md §6). A check is one record — id, kind, provenance, statement and an
 * `evaluate` over a measured run and the resolved theory — used unchanged by `verify`, `claims` and
 * `check-pruner`, so the same id means the same computation everywhere.
 */
import type { ResolvedTheory, SourceLabel } from '../../theory';
import type { MeasuredRun } from '../pipeline/measured-run';

export type CheckKind = 'invariant' | 'claim';

/**
 * PASS and FAIL are decisions the data could have gone either way on. VACUOUS: the check held but could not
 * have failed (e.g. a bound no selection can exceed). UNDECIDED: every comparison fell below the arithmetic's
 * precision floor or the hull solver could not certify membership. NOT APPLICABLE: the check asserts nothing
 * on this run (e.g. T* beyond the run).
 */
export type Verdict = 'PASS' | 'FAIL' | 'VACUOUS' | 'UNDECIDED' | 'NOT APPLICABLE';

export const VERDICTS: readonly Verdict[] = ['PASS', 'FAIL', 'VACUOUS', 'UNDECIDED', 'NOT APPLICABLE'];

/** One failed comparison, with its numbers. */
export interface CheckFailure {
  t: number;
  n?: number;
  detail: string;
}

/** What one check found on one run. */
export interface CheckResult {
  id: string;
  kind: CheckKind;
  provenance: SourceLabel;
  statement: string;
  verdict: Verdict;
  /** The numbers behind the verdict, in words. */
  detail: string;
  /** Comparisons that were decided and could have failed. */
  checked: number;
  /** Comparisons that could not have failed (counted apart, never as passes). */
  vacuous: number;
  /** Comparisons below the precision floor or with hull membership uncertified. */
  undecided: number;
  failures: CheckFailure[];
  /** Largest measured ÷ bound over the decided comparisons (≤ 1 when the check holds): how much room it left. */
  tightness: number | null;
  /** Hypotheses or premises the run violates, listed beside a claim's verdict. */
  violatedHypotheses: string[];
}

export interface CheckDefinition {
  /** Stable id, the same in verify, claims, check-pruner, reports and JSON, e.g. "INV-B2-prime". */
  id: string;
  kind: CheckKind;
  provenance: SourceLabel;
  /** The mathematical statement, in THEORY.md notation. */
  statement: string;
  /** True when the verdict depends on the pruner (check-pruner re-runs such checks with the user's pruner). */
  usesPruner: boolean;
  /**
   * An invariant proved for greedy with replacement only (THEORY.md §4, §7.6): with any other subject it is
   * evaluated and reported as a claim, since its failure is then a finding, not a bug.
   */
  provedForGreedyOnly?: boolean;
  evaluate(run: MeasuredRun, theory: ResolvedTheory): CheckResult;
}
