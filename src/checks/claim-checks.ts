/**
 * Claims (THEORY.md §6.2): statements proved under hypotheses that practical widths violate, so a failure is a
 * finding, reported with the violated hypotheses and premises. Each claim knows when it could not have failed
 * (VACUOUS) and when the arithmetic cannot decide it (UNDECIDED), and never reports those as PASS.
 */
import type { ResolvedTheory, TheoryInputs } from '../../theory';
import type { CheckpointMeasurement } from '../pipeline/types';
import type { CheckpointOutcome } from '../pipeline/measure';
import type { MeasuredRun } from '../pipeline/measured-run';
import { b2PrimeBound, bound, compareSubnetwork, runInputs, subjectSubnetworks } from './inputs';
import { formatNumber as fmt } from '../../theory';
import { defineCheck, resultOf, Tally, violated } from './tally';
import type { CheckDefinition, CheckResult } from './types';

const { log, sqrt } = Math;

/** Premises of [Du19] beyond H1–H5 that a run can violate. */
function violatedPremises(run: MeasuredRun): string[] {
  const premises = violated(run.hypotheses);
  if (run.parameterisation === 'meanfield') premises.push('outside [Du19]: both layers trained');
  return premises;
}

// ---------------------------------------------------------------------------------------------------
// CLAIM-B1

/**
 * A B1 comparison is informative only where the bound demands at least this contraction of R(0): above it, the
 * bound is met by any run that merely shrinks its residual a little, so the comparison is counted as one that
 * could not fail. Fixed a priori (a halving), not tuned to any run.
 */
export const B1_INFORMATIVE_CONTRACTION = 0.5;

/**
 * The level below which R(t) of a GD run cannot be resolved. Each residual entry carries a rounding error of a few
 * u·|y| per step (u the unit roundoff); GD contracts it at about the guaranteed rate ηλ0/2 per step, so rounding and
 * contraction balance at an error of order u·|y|/(ηλ0/2) per entry. The floor 10·u²·max(mC, ‖y‖², R(0)) / rate²
 * reproduces the float32 stall levels measured in the NTK theorem regime (5e-13 to 6e-12 at m ≤ 200) and the float64
 * ones (violations of a few % at R ≈ 1e-27 that vanish with more precision). A violation under it is "below
 * precision", not a FAIL; a run that keeps violating B1 well above it (R ≈ 1e-9 against 1e-13) is a finding.
 */
export function residualFloor(run: MeasuredRun, rate: number): number {
  const representation =
    10 * run.unitRoundoff ** 2 * Math.max(run.m * run.outputs, run.targetNormSq, run.initialResidual);
  return representation / Math.max(rate, run.unitRoundoff) ** 2;
}

/** (t, R(t)) pairs B1 is compared at: every iteration when the curve was kept, else the checkpoints. */
function residualSeries(run: MeasuredRun): { t: number; R: number }[] {
  if (run.residuals) return Array.from(run.residuals, (R, t) => ({ t, R })).filter((p) => p.t > 0);
  return run.checkpoints.filter((cp) => cp.record.t > 0).map((cp) => ({ t: cp.record.t, R: cp.record.residual }));
}

function evaluateB1(def: CheckDefinition, run: MeasuredRun, theory: ResolvedTheory): CheckResult {
  const tally = new Tally();
  const premises = violatedPremises(run);
  if (run.lambda0 === null || !(run.lambda0 > 0))
    return resultOf(def, tally, { notApplicable: 'λ0 not computed or H∞ singular (H3): B1 gives no contraction' });
  if (run.divergence) {
    tally.fail(
      run.divergence.step,
      `GD diverged: R = ${fmt(run.divergence.residual)} from R(0) = ${fmt(run.initialResidual)}`,
    );
    return resultOf(def, tally, { violatedHypotheses: premises });
  }
  const inputs = runInputs(run);
  const R0 = run.initialResidual;
  const rate = bound(theory, 'B1rate', inputs).value;
  const floor = residualFloor(run, rate ?? 0);
  let belowPrecision = 0;
  let lastT = 0;
  for (const { t, R } of residualSeries(run)) {
    const b = bound(theory, 'B1', { ...inputs, t }).value;
    if (b === null) continue;
    lastT = t;
    if (R > b && R <= floor) {
      tally.undecided++;
      belowPrecision++;
      continue;
    }
    tally.compare({
      t,
      measured: R,
      bound: b,
      scale: 0,
      couldFail: b <= B1_INFORMATIVE_CONTRACTION * R0,
      describe: () => `R(t) = ${fmt(R)} > B1 = ${fmt(b)}`,
    });
  }
  const RT = run.residuals?.[lastT] ?? run.checkpoints[run.checkpoints.length - 1]?.record.residual ?? NaN;
  const measuredRate = lastT > 0 && RT > 0 ? -log(RT / R0) / lastT : null;
  const measuredText =
    measuredRate !== null ? fmt(measuredRate) : RT === 0 ? '∞ (R reached 0 in this arithmetic)' : 'n/a';
  const last = bound(theory, 'B1', { ...inputs, t: lastT }).value;
  tally.notes.push(
    `Guaranteed rate ηλ0/2 = ${fmt(rate ?? NaN)}, measured −ln(R(T)/R(0))/T = ${measuredText}${rate && measuredRate ? ` (${fmt(measuredRate / rate)}×)` : ''}.`,
  );
  if (belowPrecision > 0)
    tally.notes.push(`${belowPrecision} comparison(s) below precision: R(t) under the floor ${fmt(floor)}.`);
  return resultOf(def, tally, {
    violatedHypotheses: premises,
    passed: 'R(t) ≤ B1 at every t',
    vacuous: `the bound never demands more than a ${B1_INFORMATIVE_CONTRACTION}× contraction of R(0) (B1 at t = ${lastT} is ${fmt((last ?? NaN) / R0)}·R(0)); a run that barely trains passes`,
    undecided: `below precision: every violation lies under the residual floor ${fmt(floor)}`,
  });
}

// ---------------------------------------------------------------------------------------------------
// CLAIM-B3: the threshold with the radius at the time it speaks about.

export interface ThresholdPoint {
  t: number;
  /** ρ_min(t) = min over checkpoints s ≤ t of ρ_s (0 when B4 is void at any of them). */
  rhoMin: number;
  /** T* computed with ρ_min(t); Infinity when ρ_min(t) = 0, null when not computable. */
  tStar: number | null;
  /** The claim speaks about this checkpoint: t ≥ T*(ρ_min(t)). */
  inScope: boolean;
}

/**
 * B1 gives R(t) ≤ q^t R(0) < ρ_min(t)² ≤ ρ_t² once t ≥ T*(ρ_min(t)), and then B4 puts y in the hull. ρ_t is not
 * monotone, so T* computed with ρ_0 is not enough (THEORY.md §7.1).
 */
export function thresholdSchedule(run: MeasuredRun, theory: ResolvedTheory): ThresholdPoint[] {
  return thresholdScheduleOf(
    runInputs(run),
    run.checkpoints.map((cp) => cp.record),
    theory,
  );
}

/**
 * The same schedule from stored numbers alone (the run-wide theory inputs with λ0, R(0) and η, and the checkpoint
 * records of report.json), so a re-analysis of stored runs decides scope exactly as `verify` did.
 */
export function thresholdScheduleOf(
  inputs: TheoryInputs,
  records: readonly Pick<CheckpointMeasurement, 't' | 'rho' | 'ballVoid'>[],
  theory: ResolvedTheory,
): ThresholdPoint[] {
  let rhoMin = Infinity;
  const contracts = inputs.lambda0 !== undefined && inputs.lambda0 > 0;
  return records.map((record) => {
    rhoMin = Math.min(rhoMin, record.ballVoid ? 0 : record.rho);
    const tStar = contracts ? bound(theory, 'B3', { ...inputs, rho: rhoMin }).value : null;
    return { t: record.t, rhoMin, tStar, inScope: tStar !== null && Number.isFinite(tStar) && record.t >= tStar };
  });
}

/** T* with ρ_0 (for comparison with the reconstruction's first reading). */
export function tStarAtRho0(run: MeasuredRun, theory: ResolvedTheory): number | null {
  const first = run.checkpoints[0]?.record;
  if (!first || run.lambda0 === null || !(run.lambda0 > 0)) return null;
  return bound(theory, 'B3', { ...runInputs(run), rho: first.ballVoid ? 0 : first.rho }).value;
}

function outOfScopeReason(run: MeasuredRun, schedule: ThresholdPoint[]): string {
  if (run.lambda0 === null || !(run.lambda0 > 0)) return 'λ0 not computed or H∞ singular: T* undefined';
  const last = schedule[schedule.length - 1];
  if (!last) return 'no checkpoint';
  if (last.rhoMin === 0) return 'ρ = 0 at a checkpoint (B4 void, N ≤ mC, or λ_min(Σ_t) = 0): T* = ∞';
  return `T*(m) = ${fmt(last.tStar ?? NaN)} (with ρ_min = ${fmt(last.rhoMin)}) is beyond the run's last checkpoint t = ${last.t}`;
}

/** y certified in the hull before any training: the claim then says nothing about pre-training. */
function insideAtStart(run: MeasuredRun): boolean {
  const first = run.checkpoints[0]?.record;
  return first !== undefined && first.t === 0 && first.hull.inside;
}

function driftNote(run: MeasuredRun, theory: ResolvedTheory, schedule: ThresholdPoint[], tally: Tally): void {
  const t0 = tStarAtRho0(run, theory);
  if (t0 === null || !Number.isFinite(t0)) return;
  const drifted = schedule.filter((p) => p.t >= t0 && !p.inScope).length;
  if (drifted > 0)
    tally.notes.push(
      `${drifted} checkpoint(s) with t ≥ T*(ρ_0) = ${fmt(t0)} are out of scope because ρ fell to ρ_min(t) (ρ drift).`,
    );
}

/** Why y is outside at t although t ≥ T*: which premise of B4's consequence failed. */
function explainOutside(run: MeasuredRun, theory: ResolvedTheory, record: CheckpointOutcome['record']): string {
  const promised = bound(theory, 'B1', { ...runInputs(run), t: record.t }).value;
  const rho2 = record.rho ** 2;
  if (record.residual >= rho2) {
    return `R(t) = ${fmt(record.residual)} ≥ ρ_t² = ${fmt(rho2)}: B1's contraction fell short (it promised R(t) ≤ ${fmt(promised ?? NaN)})`;
  }
  return `R(t) = ${fmt(record.residual)} < ρ_t² = ${fmt(rho2)} and yet y is outside: B4 itself fails here`;
}

function evaluateB3Hull(def: CheckDefinition, run: MeasuredRun, theory: ResolvedTheory): CheckResult {
  const tally = new Tally();
  const schedule = thresholdSchedule(run, theory);
  const premises = violatedPremises(run);
  const inScope = run.checkpoints.filter((_, i) => schedule[i].inScope);
  if (inScope.length === 0) return resultOf(def, tally, { notApplicable: outOfScopeReason(run, schedule) });
  if (insideAtStart(run)) {
    tally.vacuous = inScope.length;
    return resultOf(def, tally, {
      vacuous: 'y is already in the hull at t = 0, before any pre-training (t_in = 0)',
      violatedHypotheses: premises,
    });
  }
  driftNote(run, theory, schedule, tally);
  for (const { record } of inScope) {
    const tStar = schedule.find((p) => p.t === record.t)!.tStar!;
    if (record.hull.inside) tally.checked++;
    else if (record.hull.lowerBound > run.hullTolerance) {
      tally.fail(
        record.t,
        `t = ${record.t} ≥ T* = ${fmt(tStar)}: y is outside the hull, dist² ≥ ${fmt(record.hull.lowerBound)} > tolerance ${fmt(run.hullTolerance)}; ${explainOutside(run, theory, record)}`,
      );
    } else tally.undecided++;
    if (record.rho > 0) tally.ratio(sqrt(record.residual) / record.rho);
  }
  return resultOf(def, tally, {
    violatedHypotheses: premises,
    passed: 'y lies in the hull at every checkpoint with t ≥ T*(ρ_min(t))',
    undecided: 'the hull solver could not certify y inside or outside at any checkpoint in scope',
  });
}

function evaluateB3Loss(def: CheckDefinition, run: MeasuredRun, theory: ResolvedTheory): CheckResult {
  const tally = new Tally();
  const schedule = thresholdSchedule(run, theory);
  const premises = violatedPremises(run);
  const inScope = run.checkpoints.filter((_, i) => schedule[i].inScope);
  if (inScope.length === 0) return resultOf(def, tally, { notApplicable: outOfScopeReason(run, schedule) });
  const subnetworks = inScope.flatMap((cp) => subjectSubnetworks(run, cp).map((x) => ({ cp, ...x })));
  if (subnetworks.length === 0) return resultOf(def, tally, { notApplicable: 'no greedy subnetwork measured' });
  if (insideAtStart(run)) {
    tally.vacuous = subnetworks.length;
    return resultOf(def, tally, {
      vacuous: 'y is already in the hull at t = 0, before any pre-training (t_in = 0)',
      violatedHypotheses: premises,
    });
  }
  driftNote(run, theory, schedule, tally);
  for (const { cp, pruner, s } of subnetworks) {
    const b = b2PrimeBound(theory, run, cp, s.n);
    if (b === null) continue;
    compareSubnetwork(
      tally,
      run,
      cp,
      s,
      b,
      (sq) => `${pruner}, t = ${cp.record.t} ≥ T*: ‖f_S − y‖² = ${fmt(sq)} > B2′ = ${fmt(b)}`,
    );
  }
  return resultOf(def, tally, {
    violatedHypotheses: premises,
    passed: 'the greedy loss is within B2′ at every checkpoint with t ≥ T*(ρ_min(t)) and every n',
    vacuous: 'every bound in scope is at least D_y², which no subnetwork can exceed (n = 1)',
  });
}

function claim(
  id: string,
  provenance: CheckDefinition['provenance'],
  statement: string,
  usesPruner: boolean,
  evaluate: (def: CheckDefinition, run: MeasuredRun, theory: ResolvedTheory) => CheckResult,
): CheckDefinition {
  return defineCheck({ id, kind: 'claim', provenance, statement, usesPruner }, evaluate);
}

export const CLAIM_B1 = claim(
  'CLAIM-B1',
  '[Du19]',
  'B1 at this width: R(t) ≤ B1 = (1 − ηλ0/2)^t R(0) at every t (η: the NTK-equivalent step)',
  false,
  evaluateB1,
);
export const CLAIM_B3_HULL = claim(
  'CLAIM-B3-hull',
  '[R]',
  'B3: at every checkpoint t ≥ T*(m) computed with ρ_min(t) = min_{s ≤ t} ρ_s, y lies inside conv{Φ_r(t)}',
  false,
  evaluateB3Hull,
);
export const CLAIM_B3_LOSS = claim(
  'CLAIM-B3-loss',
  '[R]',
  'B3 + B2′: at every checkpoint t ≥ T*(m) (with ρ_min(t)) and every n, the greedy loss ‖f_{S_n} − y‖² ≤ B2′ = D_y²/n',
  true,
  evaluateB3Loss,
);

export const CLAIMS: readonly CheckDefinition[] = [CLAIM_B1, CLAIM_B3_HULL, CLAIM_B3_LOSS];
