/**
 * Properties of THEORY.md §6 as data: what a property states, how its cases are generated, and what one
 * case's evaluation found. Invariants (§6.1) must hold on every case; claims (§6.2) may fail outside their
 * hypotheses (a failure is a finding); contracts are the obligations of every pruner (src/pruning/types.ts).
 */
import type fc from 'fast-check';
import type { Pruner } from '../pruning/types';
import type { ResolvedTheory } from '../../theory';

export type PropertyKind = 'invariant' | 'claim' | 'contract';

/** Provenance of the statement, as in THEORY.md: [Du19] cited, [FW] proved in THEORY.md, [R] reconstructed, [contract] pruner interface. */
export type PropertySource = '[Du19]' | '[FW]' | '[R]' | '[contract]';

export type CaseStatus = 'pass' | 'fail' | 'not-applicable';

/** One hypothesis of B1 (H1–H5) on a case, from theory's `checkHypotheses`. */
export interface HypothesisStatus {
  id: string;
  holds: boolean | null;
  /** e.g. "H4 fails: N = 35 < 1.5e13 (factor 4.3e11)". */
  detail: string;
  /** How far a failing hypothesis is from holding (rhs/lhs), when known. */
  factor: number | null;
}

/** What evaluating a property on one case found. */
export interface CaseOutcome {
  status: CaseStatus;
  /** For 'fail': the violated inequality with its numbers; for 'not-applicable': why; for 'pass': a short confirmation. */
  detail: string;
  /** Short category of a 'not-applicable' outcome (counted in reports), e.g. "T* beyond the run". */
  reason?: string;
  /** Regime labels of the case (src/testing/regimes.ts). */
  regimes: string[];
  /** H1–H5 on the case (empty when the property does not evaluate them). */
  hypotheses: HypothesisStatus[];
  /** The numbers behind the verdict (λ0, η_eff, T*, …); null where not computed. */
  measured: Record<string, number | null>;
}

export interface PropertyContext {
  /** The pruner under test (greedy for the theory's own properties). */
  pruner: Pruner;
  /** The theory with the session's overrides applied (default: the theory as stated). */
  theory?: ResolvedTheory;
}

export interface PropertyDefinition<C = unknown> {
  /** Stable identifier, also the counterexample file name, e.g. "CLAIM-B1". */
  id: string;
  kind: PropertyKind;
  source: PropertySource;
  /** The mathematical statement, in THEORY.md notation. */
  statement: string;
  /** Cases the property is checked on. */
  arbitrary: fc.Arbitrary<C>;
  /** Reads a stored case back (throws a RangeError naming the field on anything else). */
  parseCase(value: unknown): C;
  evaluate(c: C, ctx: PropertyContext): Promise<CaseOutcome>;
  /** Runs in a quick and a full session. */
  runs: { quick: number; full: number };
  /** True when the outcome depends on the pruner (check-pruner re-runs such properties with the user's pruner). */
  usesPruner: boolean;
}

/** A property definition with its case type erased, for registries. */
export type AnyPropertyDefinition = PropertyDefinition<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
