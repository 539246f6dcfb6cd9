/**
 * Invariants (THEORY.md §6.1): proved statements that must hold on every run; a failure is a bug in pruneproof
 * or in the pruner under test. Each compares a measurement with a bound from the resolved theory.
 */
import { evaluateRelation, type ResolvedTheory } from '../../theory';
import type { MeasuredRun } from '../pipeline/measured-run';
import { b2Bound, b2PrimeBound, compareSubnetwork, runInputs, subjectSubnetworks } from './inputs';
import { formatNumber as fmt } from '../../theory';
import { defineCheck, resultOf, Tally } from './tally';
import type { CheckDefinition, CheckResult } from './types';

const { sqrt, abs, max } = Math;

function evaluateB2(def: CheckDefinition, run: MeasuredRun, theory: ResolvedTheory): CheckResult {
  const tally = new Tally();
  for (const cp of run.checkpoints) {
    for (const { pruner, s } of subjectSubnetworks(run, cp)) {
      const b = b2Bound(theory, run, cp, s.n);
      if (b === null) continue;
      compareSubnetwork(tally, run, cp, s, b, (sq) => {
        const detail = `R(t) = ${fmt(cp.record.residual)}, D_t = ${fmt(cp.record.diameter)}`;
        return `${pruner}: ‖f_S − y‖² = ${fmt(sq)} > B2 = ${fmt(b)} (${detail})`;
      });
    }
  }
  return resultOf(def, tally, {
    notApplicable: 'no greedy subnetwork measured',
    passed: 'B2 holds at every checkpoint and n',
  });
}

/**
 * B2′ extended outside the hull (THEORY.md §6.1): with y′ the nearest hull point and δ = ‖y − y′‖, averaging
 * greedy's step over r ~ p (y′ = Σ p_r Φ_r) gives n²‖e_n‖² ≤ n D_y² + n(n−1) D_y δ. The solver's distanceSq is an
 * upper bound on δ², so the slack ((n−1)/n)·D_y·δ is sound; it vanishes when y is in the hull.
 */
function evaluateB2Prime(def: CheckDefinition, run: MeasuredRun, theory: ResolvedTheory): CheckResult {
  const tally = new Tally();
  for (const cp of run.checkpoints) {
    const dy = cp.record.diameterToTarget;
    const delta = sqrt(cp.record.hull.distanceSq);
    for (const { pruner, s } of subjectSubnetworks(run, cp)) {
      const herding = b2PrimeBound(theory, run, cp, s.n);
      if (herding === null) continue;
      const slack = ((s.n - 1) / s.n) * dy * delta;
      const b = herding + slack;
      compareSubnetwork(
        tally,
        run,
        cp,
        s,
        b,
        (sq) => `${pruner}: ‖f_S − y‖² = ${fmt(sq)} > B2′ + slack = ${fmt(herding)} + ${fmt(slack)} = ${fmt(b)}`,
      );
    }
  }
  return resultOf(def, tally, {
    notApplicable: 'no greedy subnetwork measured',
    passed: 'B2′ (with the hull-distance slack) holds',
  });
}

function evaluateB4(def: CheckDefinition, run: MeasuredRun, theory: ResolvedTheory): CheckResult {
  const tally = new Tally();
  for (const cp of run.checkpoints) {
    const { record, ballSupport } = cp;
    if (record.ballVoid || !(record.rho > 0)) continue;
    if (ballSupport) {
      if (ballSupport.margin < -ballSupport.tolerance) {
        tally.fail(
          record.t,
          `ball not inside the hull: along ${ballSupport.direction}, max_r ⟨Φ_r − u, v⟩ − ρ_t = ${fmt(ballSupport.margin)} < 0`,
        );
      } else tally.checked++;
    }
    const inside = evaluateRelation(theory, 'B4inside', { ...runInputs(run), Rt: record.residual, rho: record.rho });
    if (inside.holds !== true) continue;
    tally.ratio(sqrt(record.residual) / record.rho);
    if (record.hull.lowerBound > run.hullTolerance) {
      tally.fail(
        record.t,
        `R(t) = ${fmt(record.residual)} < ρ_t² = ${fmt(record.rho ** 2)} but dist(y, hull)² ≥ ${fmt(record.hull.lowerBound)} > tolerance ${fmt(run.hullTolerance)}`,
      );
    } else if (record.hull.inside) tally.checked++;
    else tally.undecided++;
  }
  return resultOf(def, tally, {
    notApplicable: 'B4 void at every checkpoint (N ≤ mC or λ_min(Σ_t) = 0)',
    passed: 'the ball lies in the hull (support function ≥ ρ_t) and y is inside whenever R(t) < ρ_t²',
  });
}

/** Relative agreement of the scoring identity's prediction with the measured loss (float32 features, float64 sums). */
const IDENTITY_RELATIVE_TOLERANCE = 1e-3;

function evaluateIdentity(def: CheckDefinition, run: MeasuredRun): CheckResult {
  const tally = new Tally();
  const scale = run.targetNormSq / (2 * run.m);
  for (const cp of run.checkpoints) {
    for (const trace of cp.pruners.filter((p) => run.subjects.includes(p.pruner) && p.predictedLosses)) {
      const measured = cp.record.pruners.find((p) => p.pruner === trace.pruner)?.subnetworks ?? [];
      for (const s of measured) {
        const predicted = trace.predictedLosses![s.n - 1];
        if (predicted === undefined) continue;
        const allowed = IDENTITY_RELATIVE_TOLERANCE * max(s.loss, 1e-3 * scale);
        if (abs(predicted - s.loss) > allowed) {
          tally.fail(
            cp.record.t,
            `${trace.pruner}: the scoring identity predicts loss ${fmt(predicted)} from the pick scores, measured ${fmt(s.loss)}`,
            s.n,
          );
        } else tally.checked++;
      }
    }
  }
  return resultOf(def, tally, {
    notApplicable: 'no pruner under test reports its pick scores',
    passed: "the loss predicted from greedy's pick scores equals the measured subnetwork loss",
  });
}

function evaluateSize(def: CheckDefinition, run: MeasuredRun): CheckResult {
  const tally = new Tally();
  for (const cp of run.checkpoints) {
    for (const trace of cp.pruners) {
      for (const { n, size } of trace.returnedSizes) {
        if (size !== n) tally.fail(cp.record.t, `${trace.pruner} returned ${size} neurons for n = ${n}`, n);
        else tally.checked++;
      }
    }
  }
  return resultOf(def, tally, { notApplicable: 'no pruner ran', passed: 'every pruner returned exactly n picks' });
}

function invariant(
  id: string,
  statement: string,
  usesPruner: boolean,
  evaluate: (def: CheckDefinition, run: MeasuredRun, theory: ResolvedTheory) => CheckResult,
  provedForGreedyOnly = usesPruner,
): CheckDefinition {
  return defineCheck(
    { id, kind: 'invariant', provenance: '[FW]', statement, usesPruner, provedForGreedyOnly },
    evaluate,
  );
}

export const INV_B2 = invariant('INV-B2', 'greedy: ‖f_{S_n} − y‖² ≤ B2 = R(t) + D_t² H_n / n', true, evaluateB2);
export const INV_B2_PRIME = invariant(
  'INV-B2-prime',
  'greedy: ‖f_{S_n} − y‖² ≤ B2′ + ((n−1)/n)·D_y·dist(y, hull), B2′ = D_y²/n (exactly B2′ when y is in the hull)',
  true,
  evaluateB2Prime,
);
export const INV_B4 = invariant(
  'INV-B4',
  'the ball B(u(t), ρ_t) lies in conv{Φ_r(t)} (support function), hence R(t) < ρ_t² ⇒ y ∈ hull',
  false,
  evaluateB4,
);
export const INV_GREEDY_IDENTITY = invariant(
  'INV-greedy-identity',
  "greedy's scoring identity: the prefix loss predicted from the pick scores ‖Φ_r‖² + 2⟨Φ_r, s_k − (k+1)y⟩ equals the measured loss",
  true,
  (def, run) => evaluateIdentity(def, run),
);
export const INV_SIZE = invariant(
  'INV-size',
  'every pruner returns a multiset of exactly n neurons (counted before validation)',
  true,
  (def, run) => evaluateSize(def, run),
  false,
);

export const INVARIANTS: readonly CheckDefinition[] = [INV_B2, INV_B2_PRIME, INV_B4, INV_GREEDY_IDENTITY, INV_SIZE];
