/**
 * The registry's checks (src/checks) as fast-check properties over generated pre-trained cases. A case is
 * pre-trained and measured by the same pipeline as `verify` (src/pipeline), then the check itself decides:
 * PASS → the case passes, FAIL → a counterexample to shrink, anything else (VACUOUS, UNDECIDED, NOT
 * APPLICABLE) → the case asserts nothing and is counted apart, never as a pass.
 */
import { formatNumber as fmt, resolveTheory } from '../../theory';
import {
  CLAIM_B1,
  CLAIM_B3_HULL,
  CLAIM_B3_LOSS,
  INV_B2,
  INV_B2_PRIME,
  INV_B4,
  INV_FW_RATE,
  CLAIM_FW_EXPONENT,
  INV_GREEDY_IDENTITY,
  INV_SIZE,
} from '../checks';
import type { CheckDefinition, CheckResult } from '../checks';
import { measureRun, type MeasuredRun } from '../pipeline/measured-run';
import type { HypothesisResult } from '../pipeline/types';
import {
  parsePruningCase,
  pruningCase,
  type PruningCase,
  type PruningCaseConstraints,
} from '../testing/arbitraries/pruning-case';
import { THEOREM_REGIME } from '../testing/arbitraries/theorem-case';
import { hullTolerance, withPretrainedCase, type PretrainOptions } from '../testing/pretrain';
import type { CaseOutcome, HypothesisStatus, PropertyContext, PropertyDefinition } from '../testing/property';
import { caseRegimes } from '../testing/regimes';

/** Iteration cap of the hull solver on generated cases (m ≤ 40): it stops once membership is certified. */
const HULL_MAX_ITERATIONS = 5000;

function statusOf(result: CheckResult): CaseOutcome['status'] {
  if (result.verdict === 'PASS') return 'pass';
  if (result.verdict === 'FAIL') return 'fail';
  return 'not-applicable';
}

/** Short category of a case that asserted nothing, counted in the report. */
function reasonOf(result: CheckResult): string {
  if (result.verdict === 'VACUOUS') return 'vacuous (could not fail)';
  if (result.verdict === 'UNDECIDED') return 'undecided (below precision or hull uncertified)';
  return result.detail.split(':')[0].slice(0, 80);
}

function hypothesisStatus(h: HypothesisResult): HypothesisStatus {
  return { id: h.id, holds: h.holds, detail: h.detail, factor: h.factor };
}

function outcomeOf(c: PruningCase, run: MeasuredRun, result: CheckResult): CaseOutcome {
  const status = statusOf(result);
  return {
    status,
    detail: result.detail,
    ...(status === 'not-applicable' ? { reason: reasonOf(result) } : {}),
    regimes: caseRegimes(c, run.lambda0),
    hypotheses: run.hypotheses.map(hypothesisStatus),
    measured: {
      lambda0: run.lambda0,
      etaEffective: run.etaEffective,
      R0: run.initialResidual,
      checked: result.checked,
      vacuous: result.vacuous,
      tightness: result.tightness,
    },
  };
}

export interface CheckPropertyOptions {
  arbitrary?: PruningCaseConstraints;
  pretrain: PretrainOptions;
  runs: { quick: number; full: number };
  /** The claim's stated scope: a reason when the case lies outside it (counted as not applicable), else null. */
  scope?: (run: MeasuredRun) => string | null;
  /** Subnetwork sizes measured on a case (default: the case's n alone). */
  sizes?: (c: PruningCase) => number[];
}

/** A registry check as a property: the same id, statement and evaluation as in `verify`. */
export function checkProperty(check: CheckDefinition, options: CheckPropertyOptions): PropertyDefinition<PruningCase> {
  return {
    id: check.id,
    kind: check.kind,
    source: check.provenance,
    statement: check.statement,
    arbitrary: pruningCase(options.arbitrary),
    parseCase: (v) => parsePruningCase(v, check.id),
    runs: options.runs,
    usesPruner: check.usesPruner,
    evaluate: (c: PruningCase, ctx: PropertyContext) =>
      withPretrainedCase(c, options.pretrain, async (p) => {
        const run = await measureRun(p, {
          pruners: [ctx.pruner],
          subjects: [ctx.pruner.name],
          subnetworkSizes: options.sizes?.(c) ?? [c.n],
          hullTolerance: hullTolerance(p.data.m),
          hullMaxIterations: HULL_MAX_ITERATIONS,
          maxKernelM: 0,
          ballSupport: check.id === INV_B4.id,
        });
        const outOfScope = options.scope?.(run) ?? null;
        const theory = ctx.theory ?? resolveTheory();
        const result = outOfScope === null ? check.evaluate(run, theory) : notApplicable(check, outOfScope);
        return outcomeOf(c, run, result);
      }),
  };
}

function notApplicable(check: CheckDefinition, why: string): CheckResult {
  return {
    id: check.id,
    kind: check.kind,
    provenance: check.provenance,
    statement: check.statement,
    verdict: 'NOT APPLICABLE',
    detail: why,
    checked: 0,
    vacuous: 0,
    undecided: 0,
    failures: [],
    tightness: null,
    violatedHypotheses: [],
  };
}

/**
 * B1's stated scope on generated cases: widths within this factor of H4's c_N m⁶/(λ0⁴δ³). Every generated case
 * violates H4 (by 10⁴ at m = 2 up to 10²⁸); 10¹⁰ keeps the cases where the hypothesis is least violated and
 * counts the rest as not applicable.
 */
export const MAX_H4_VIOLATION = 1e10;

function h4Scope(run: MeasuredRun): string | null {
  const h4 = run.hypotheses.find((h) => h.id === 'H4');
  if (!h4 || h4.holds === null) return 'H4 not evaluable (λ0 unknown)';
  const factor = h4.holds ? 1 : (h4.factor ?? Infinity);
  return factor > MAX_H4_VIOLATION ? `H4 violated by more than ${fmt(MAX_H4_VIOLATION)} (by ${fmt(factor)})` : null;
}

/**
 * The n grid of the rate checks on generated cases: 5 sizes over 16×, all ≤ the narrowest theorem-regime width (80),
 * so pruners that pick distinct neurons can run it too.
 */
const RATE_SIZES = [4, 8, 16, 32, 64];

/** Generated cases where B4 has content: small m, larger N, long runs. */
const BALL_REGIME: PruningCaseConstraints = {
  dataset: { m: { min: 2, max: 8 } },
  width: { min: 10, max: 120 },
  iterations: { min: 50, max: 300 },
  stepPercent: { min: 30, max: 90 },
};

export const INVARIANT_PROPERTIES = [
  checkProperty(INV_B2, {
    arbitrary: { iterations: { min: 0, max: 200 } },
    pretrain: { checkpointCount: 4 },
    runs: { quick: 30, full: 100 },
  }),
  checkProperty(INV_B2_PRIME, {
    arbitrary: { iterations: { min: 0, max: 200 } },
    pretrain: { checkpointCount: 3 },
    runs: { quick: 30, full: 100 },
  }),
  checkProperty(INV_B4, { arbitrary: BALL_REGIME, pretrain: { checkpointCount: 4 }, runs: { quick: 30, full: 100 } }),
  checkProperty(INV_GREEDY_IDENTITY, { pretrain: { checkpointCount: 3 }, runs: { quick: 30, full: 100 } }),
  checkProperty(INV_SIZE, { pretrain: { checkpointCount: 2 }, runs: { quick: 30, full: 100 } }),
  checkProperty(INV_FW_RATE, {
    arbitrary: THEOREM_REGIME,
    pretrain: { checkpointCount: 8 },
    runs: { quick: 30, full: 100 },
    sizes: () => RATE_SIZES,
  }),
] as const;

export const CLAIM_PROPERTIES = [
  checkProperty(CLAIM_B1, {
    arbitrary: { iterations: { min: 20, max: 300 } },
    pretrain: { checkpointCount: 2 },
    runs: { quick: 40, full: 200 },
    scope: h4Scope,
  }),
  checkProperty(CLAIM_B3_HULL, {
    arbitrary: THEOREM_REGIME,
    pretrain: { checkpointCount: 8 },
    runs: { quick: 40, full: 200 },
  }),
  checkProperty(CLAIM_B3_LOSS, {
    arbitrary: THEOREM_REGIME,
    pretrain: { checkpointCount: 8 },
    runs: { quick: 40, full: 200 },
  }),
  checkProperty(CLAIM_FW_EXPONENT, {
    arbitrary: THEOREM_REGIME,
    pretrain: { checkpointCount: 8 },
    runs: { quick: 40, full: 200 },
    sizes: () => RATE_SIZES,
  }),
] as const;
