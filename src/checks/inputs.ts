/**
 * The theory's inputs for a measured run and its checkpoints, and the bounds the checks compare against —
 * every one evaluated from the resolved theory, so an override reaches the decision.
 */
import { evaluateExpression, type ExpressionId, type ResolvedTheory, type TheoryInputs } from '../../theory';
import type { CheckpointOutcome } from '../pipeline/measure';
import type { MeasuredRun } from '../pipeline/measured-run';
import type { SubnetworkMeasurement } from '../pipeline/types';
import type { Tally } from './tally';

/** The run-wide inputs (m, N, the NTK-equivalent η, λ0, C, R(0), …), built once by the pipeline. */
export function runInputs(run: MeasuredRun): TheoryInputs {
  return run.theoryInputs;
}

/** The value of expression `id`, or null with the theory's reason. */
export function bound(
  theory: ResolvedTheory,
  id: ExpressionId,
  inputs: TheoryInputs,
): { value: number | null; reason?: string } {
  const v = evaluateExpression(theory, id, inputs);
  return { value: v.value, ...(v.reason ? { reason: v.reason } : {}) };
}

/** B2's bound at a checkpoint for size n: R(t) + D_t² H_n / n by default. */
export function b2Bound(theory: ResolvedTheory, run: MeasuredRun, cp: CheckpointOutcome, n: number): number | null {
  const { record } = cp;
  return bound(theory, 'B2', { ...runInputs(run), t: record.t, Rt: record.residual, D: record.diameter, n }).value;
}

/** B2′'s bound at a checkpoint for size n: D_y² / n by default. */
export function b2PrimeBound(
  theory: ResolvedTheory,
  run: MeasuredRun,
  cp: CheckpointOutcome,
  n: number,
): number | null {
  const { record } = cp;
  return bound(theory, 'B2prime', { ...runInputs(run), t: record.t, Dy: record.diameterToTarget, n }).value;
}

/** The subject pruners' subnetworks at a checkpoint (the pruners the bounds speak about). */
export function subjectSubnetworks(
  run: MeasuredRun,
  cp: CheckpointOutcome,
): { pruner: string; s: SubnetworkMeasurement }[] {
  return cp.record.pruners
    .filter((p) => run.subjects.includes(p.pruner))
    .flatMap((p) => p.subnetworks.map((s) => ({ pruner: p.pruner, s })));
}

/** ‖f_S − y‖², unnormalised like R(t) and the bounds. */
export function squaredError(run: MeasuredRun, s: SubnetworkMeasurement): number {
  return s.loss * 2 * run.m;
}

/**
 * The largest value ‖f_S − y‖² can take for any multiset S: f_S is an average of Φ_r, so ‖f_S − y‖ ≤
 * max_r ‖Φ_r − y‖ = D_y. A bound at or above D_y² cannot fail, whatever the pruner picks.
 */
export function largestSquaredError(cp: CheckpointOutcome): number {
  return cp.record.diameterToTarget ** 2;
}

/** Compares a subject's subnetwork with a bound on ‖f_S − y‖²; it could fail only when the bound is below D_y². */
export function compareSubnetwork(
  tally: Tally,
  run: MeasuredRun,
  cp: CheckpointOutcome,
  s: SubnetworkMeasurement,
  bound: number,
  describe: (squared: number) => string,
): void {
  const squared = squaredError(run, s);
  tally.compare({
    t: cp.record.t,
    n: s.n,
    measured: squared,
    bound,
    scale: run.targetNormSq,
    couldFail: bound < largestSquaredError(cp),
    describe: () => describe(squared),
  });
}
