/**
 * The fast rate inside the hull (THEORY.md §4.6a): the invariant FWrate wherever its premises hold, and the claim
 * on the exponent of the loss in n after the threshold. Both read only numbers report.json stores for every run
 * (`RateEvidence`), so a re-analysis of stored runs applies them exactly as `verify` did.
 */
import {
  evaluateExpression,
  evaluateRelation,
  formatNumber as fmt,
  type ResolvedTheory,
  type TheoryInputs,
} from '../../theory';
import type { MeasuredRun } from '../pipeline/measured-run';
import type { CheckpointMeasurement } from '../pipeline/types';
import { thresholdScheduleOf, type ThresholdPoint } from './claim-checks';
import { defineCheck, resultOf, Tally } from './tally';
import type { CheckDefinition, CheckResult } from './types';

const { log, sqrt, max, min } = Math;

/** What the rate checks read: stored in report.json for every run. */
export interface RateEvidence {
  m: number;
  /** The run-wide theory inputs: m, N, the NTK-equivalent η, λ0 (when > 0) and R(0) at least. */
  theoryInputs: TheoryInputs;
  /** The pruners the checks speak about (the subject). */
  subjects: readonly string[];
  records: readonly CheckpointMeasurement[];
  /** t_in, the first checkpoint from which y stays in the hull (null: never or unknown): the control's scope. */
  tIn: number | null;
}

/** The evidence of a freshly measured run. */
export function rateEvidence(run: MeasuredRun): RateEvidence {
  const records = run.checkpoints.map((cp) => cp.record);
  return rateEvidenceOf(run.m, run.theoryInputs, run.subjects, records);
}

/** Evidence from stored numbers; t_in is read off the checkpoints (certified inside from then on), as in verify. */
export function rateEvidenceOf(
  m: number,
  theoryInputs: TheoryInputs,
  subjects: readonly string[],
  records: readonly CheckpointMeasurement[],
): RateEvidence {
  return { m, theoryInputs, subjects, records, tIn: insideFrom(records) };
}

/** The first checkpoint from which y is certified inside the hull at every later checkpoint, or null. */
function insideFrom(records: readonly CheckpointMeasurement[]): number | null {
  let from: number | null = null;
  for (const r of records) {
    if (!r.hull.inside) from = null;
    else from ??= r.t;
  }
  return from;
}

// ---------------------------------------------------------------------------------------------------
// INV-FW-rate

/** r_t = ρ_t − √R(t): the radius of a ball around y inside the hull, when R(t) < ρ_t² (B4). */
function depthOf(theory: ResolvedTheory, inputs: TheoryInputs, record: CheckpointMeasurement): number | null {
  if (record.ballVoid || !(record.rho > 0)) return null;
  const inside = evaluateRelation(theory, 'B4inside', { ...inputs, Rt: record.residual, rho: record.rho });
  return inside.holds === true ? record.rho - sqrt(record.residual) : null;
}

/** Compares every subject subnetwork at every checkpoint where B(y, r_t) ⊆ hull with FWrate. */
export function evaluateRateInvariant(def: CheckDefinition, e: RateEvidence, theory: ResolvedTheory): CheckResult {
  const tally = new Tally();
  let inPremise = 0;
  for (const record of e.records) {
    const r = depthOf(theory, e.theoryInputs, record);
    if (r === null) continue;
    inPremise++;
    const largest = record.diameterToTarget ** 2;
    for (const p of record.pruners.filter((x) => e.subjects.includes(x.pruner))) {
      for (const s of p.subnetworks) {
        const inputs = { ...e.theoryInputs, Rt: record.residual, rho: record.rho, Dy: record.diameterToTarget, n: s.n };
        const b = evaluateExpression(theory, 'FWrate', inputs).value;
        if (b === null || !Number.isFinite(b)) continue;
        const squared = s.loss * 2 * e.m;
        tally.compare({
          t: record.t,
          n: s.n,
          measured: squared,
          bound: b,
          scale: 0,
          couldFail: b < largest,
          describe: () =>
            `${p.pruner}: ‖f_S − y‖² = ${fmt(squared)} > FWrate = ${fmt(b)} (D_y = ${fmt(record.diameterToTarget)}, r_t = ρ_t − √R(t) = ${fmt(r)})`,
        });
      }
    }
  }
  return resultOf(def, tally, {
    notApplicable:
      inPremise === 0
        ? 'R(t) < ρ_t² at no checkpoint (B4 gives no ball around y)'
        : 'no subject subnetwork measured where R(t) < ρ_t²',
    passed: 'the subject loss is within max(D_y², D_y⁴/(4r_t²))/n² wherever R(t) < ρ_t²',
    vacuous: `every bound is at least D_y², the largest loss a multiset can have: the fast rate binds only for n > D_y/(2r_t), and B4's r_t is small (${inPremise} checkpoint(s) with R(t) < ρ_t²)`,
  });
}

// ---------------------------------------------------------------------------------------------------
// CLAIM-FW-exponent

/** Least-squares exponent α̂ of L ∝ n^(−α) with its standard error and 95 % interval. */
export interface ExponentFit {
  alpha: number;
  /** Standard error from the residuals (null with 2 points: no residual degrees of freedom). */
  se: number | null;
  interval: [number, number] | null;
  /** Sizes used (above the precision floor). */
  sizes: number[];
}

/** Two-sided 97.5 % quantiles of Student's t for 1…10 degrees of freedom; 1.96 beyond 30, linear between. */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228];

function tQuantile(dof: number): number {
  if (dof <= T975.length) return T975[dof - 1];
  return dof >= 30 ? 1.96 : 2.228 + ((1.96 - 2.228) * (dof - 10)) / 20;
}

/** Fits ln L = a − α ln n; null with fewer than 2 distinct sizes. */
export function fitExponent(points: readonly { n: number; loss: number }[]): ExponentFit | null {
  const usable = points.filter((p) => p.loss > 0 && p.n > 0);
  const xs = usable.map((p) => log(p.n));
  const ys = usable.map((p) => log(p.loss));
  const k = xs.length;
  if (k < 2) return null;
  const mx = xs.reduce((a, b) => a + b, 0) / k;
  const my = ys.reduce((a, b) => a + b, 0) / k;
  const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  if (!(sxx > 0)) return null;
  const slope = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0) / sxx;
  const ssr = xs.reduce((a, x, i) => a + (ys[i] - my - slope * (x - mx)) ** 2, 0);
  const se = k > 2 ? sqrt(ssr / (k - 2) / sxx) : null;
  const alpha = -slope;
  const half = se === null ? null : tQuantile(k - 2) * se;
  return {
    alpha,
    se,
    interval: half === null ? null : [alpha - half, alpha + half],
    sizes: usable.map((p) => p.n),
  };
}

/** Relative precision of a measured distance: float32 features carry about 1e-7 per entry; 1e-5 keeps a margin. */
const DISTANCE_PRECISION = 1e-5;

/** Fewest sizes and smallest span of the n grid for an exponent to be read off. */
export const RATE_MIN_SIZES = 3;
export const RATE_MIN_SPAN = 4;

/** A pruner's losses at one checkpoint above the precision floor (10⁻⁵·D_y)², as normalised losses. */
function lossesAbovePrecision(record: CheckpointMeasurement, pruner: string, m: number): { n: number; loss: number }[] {
  const floor = (DISTANCE_PRECISION * record.diameterToTarget) ** 2 / (2 * m);
  const subnetworks = record.pruners.find((p) => p.pruner === pruner)?.subnetworks ?? [];
  return subnetworks.filter((s) => s.loss > floor).map((s) => ({ n: s.n, loss: s.loss }));
}

function readable(fit: ExponentFit | null): fit is ExponentFit {
  return fit !== null && fit.sizes.length >= RATE_MIN_SIZES && max(...fit.sizes) >= RATE_MIN_SPAN * min(...fit.sizes);
}

function fitText(fit: ExponentFit): string {
  const se = fit.se === null ? '' : ` ± ${fmt(fit.se)}`;
  const ci = fit.interval === null ? '' : ` (95 % [${fmt(fit.interval[0])}, ${fmt(fit.interval[1])}])`;
  return `${fmt(fit.alpha)}${se}${ci}`;
}

/** The exponents of every pruner at one checkpoint, for the comparison line. */
function comparison(record: CheckpointMeasurement, e: RateEvidence): string {
  const others = record.pruners.filter((p) => !e.subjects.includes(p.pruner));
  const parts = others.map((p) => {
    const fit = fitExponent(lossesAbovePrecision(record, p.pruner, e.m));
    return `${p.pruner} ${readable(fit) ? fmt(fit.alpha) : 'n/a'}`;
  });
  return parts.length > 0 ? `; comparison at t = ${record.t}: ${parts.join(', ')}` : '';
}

/** The control: the subject's exponent at checkpoints with y outside the hull (t < t_in). */
function controlNote(e: RateEvidence): string | null {
  const outside = e.records.filter((r) => e.tIn === null || r.t < e.tIn);
  const alphas = outside.flatMap((r) =>
    e.subjects.map((s) => fitExponent(lossesAbovePrecision(r, s, e.m))).filter(readable),
  );
  if (alphas.length === 0) return null;
  const values = alphas.map((f) => f.alpha);
  return `Control (t < t_in, y outside the hull): exponent ${fmt(min(...values))}–${fmt(max(...values))} over ${values.length} checkpoint(s).`;
}

/** The exponent of the subject's loss in n at every checkpoint after the threshold, against FWexponent. */
export function evaluateRateClaim(def: CheckDefinition, e: RateEvidence, theory: ResolvedTheory): CheckResult {
  const tally = new Tally();
  const threshold = evaluateExpression(theory, 'FWexponent', e.theoryInputs).value;
  if (threshold === null || !Number.isFinite(threshold))
    return resultOf(def, tally, { notApplicable: 'FWexponent is not a finite number' });
  const sizes = [...new Set(e.records.flatMap((r) => r.pruners.flatMap((p) => p.subnetworks.map((s) => s.n))))];
  if (sizes.length < RATE_MIN_SIZES || max(...sizes) < RATE_MIN_SPAN * min(...sizes))
    return resultOf(def, tally, {
      notApplicable: `the n grid {${sizes.join(', ')}} has fewer than ${RATE_MIN_SIZES} sizes or spans less than ${RATE_MIN_SPAN}×: no exponent to fit`,
    });
  const schedule = thresholdScheduleOf(e.theoryInputs, e.records, theory);
  const inScope = e.records.filter((_, i) => schedule[i].inScope);
  if (inScope.length === 0) return resultOf(def, tally, { notApplicable: outOfScope(schedule) });
  const fits: { t: number; fit: ExponentFit; record: CheckpointMeasurement }[] = [];
  for (const record of inScope) {
    for (const subject of e.subjects) {
      const fit = fitExponent(lossesAbovePrecision(record, subject, e.m));
      if (!readable(fit)) {
        tally.undecided++;
        continue;
      }
      fits.push({ t: record.t, fit, record });
      tally.ratio(threshold / max(fit.alpha, Number.MIN_VALUE));
      const straddles = fit.interval !== null && fit.interval[0] < threshold && threshold <= fit.interval[1];
      const caveat = straddles ? ' (its 95 % interval contains the threshold)' : '';
      if (fit.alpha >= threshold) tally.checked++;
      else
        tally.fail(
          record.t,
          `${subject}: the loss falls like n^(−${fmt(fit.alpha)}) over n ∈ {${fit.sizes.join(', ')}}, exponent ${fitText(fit)} < ${fmt(threshold)}${caveat}`,
        );
    }
  }
  const last = fits[fits.length - 1];
  if (last) tally.notes.push(`Exponent at t = ${last.t}: ${fitText(last.fit)}${comparison(last.record, e)}.`);
  const control = controlNote(e);
  if (control) tally.notes.push(control);
  return resultOf(def, tally, {
    passed: `the subject's loss falls at least like n^(−${fmt(threshold)}) at every checkpoint with t ≥ T*(ρ_min(t))`,
    undecided: `fewer than ${RATE_MIN_SIZES} sizes above the precision floor (10⁻⁵·D_y)² at every checkpoint in scope`,
  });
}

function outOfScope(schedule: ThresholdPoint[]): string {
  const last = schedule[schedule.length - 1];
  if (!last) return 'no checkpoint';
  if (last.tStar === null) return 'λ0 not computed or H∞ singular: T* undefined';
  if (last.rhoMin === 0) return 'ρ = 0 at a checkpoint (B4 void): T* = ∞';
  return `T*(m) = ${fmt(last.tStar)} (with ρ_min = ${fmt(last.rhoMin)}) is beyond the run's last checkpoint t = ${last.t}`;
}

export const INV_FW_RATE = defineCheck(
  {
    id: 'INV-FW-rate',
    kind: 'invariant',
    provenance: '[FW]',
    statement:
      'greedy (with replacement), wherever R(t) < ρ_t²: ‖f_{S_n} − y‖² ≤ FWrate = max(D_y², D_y⁴/(4r_t²))/n², r_t = ρ_t − √R(t)',
    usesPruner: true,
    provedForGreedyOnly: true,
  },
  (def, run, theory) => evaluateRateInvariant(def, rateEvidence(run), theory),
);

export const CLAIM_FW_EXPONENT = defineCheck(
  {
    id: 'CLAIM-FW-exponent',
    kind: 'claim',
    provenance: '[FW]',
    statement:
      "at every checkpoint t ≥ T*(m) (ρ_min(t)), the least-squares exponent α̂ of the subject's loss in n over the n grid is ≥ FWexponent = 3/2 (fast rate 2, sampling rate 1)",
    usesPruner: true,
  },
  (def, run, theory) => evaluateRateClaim(def, rateEvidence(run), theory),
);

/** Both rate checks on stored evidence (a re-analysis of report.json runs), in registry order. */
export function evaluateRateChecks(e: RateEvidence, theory: ResolvedTheory): CheckResult[] {
  return [evaluateRateInvariant(INV_FW_RATE, e, theory), evaluateRateClaim(CLAIM_FW_EXPONENT, e, theory)];
}
