/**
 * Invariants (THEORY.md §6.1: must hold on every run; a failure is a pruneproof bug) and claims (§6.2:
 * may fail outside the theorem's hypotheses; a failure is a finding), evaluated on one run's measurements.
 */
import type { CheckpointOutcome } from './measure';
import type { CheckpointMeasurement, ClaimResult, HypothesisResult, InvariantResult, Verdict } from './types';

/**
 * Float32 slack for bound comparisons: the losses and bounds are sums of m·C float32 products, whose
 * relative rounding error is far below 1e-4; the absolute part covers bounds that are themselves ≈ 0.
 */
const RELATIVE_SLACK = 1e-4;
const fmt = (v: number): string => (v === 0 ? '0' : Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3 ? v.toExponential(3) : v.toPrecision(4));

function within(measured: number, bound: number, scale: number): boolean {
  return measured <= bound + RELATIVE_SLACK * Math.max(bound, scale);
}

const isGreedy = (name: string): boolean => name === 'greedy' || name === 'greedy-norep';

export interface RunFacts {
  m: number;
  outputs: number;
  /** ‖y‖², the natural scale of every squared distance here. */
  targetNormSq: number;
  eta: number;
  lambda0: number | null;
  initialResidual: number;
  subnetworkSizes: number[];
  epsilon: number;
  hullTolerance: number;
  tStar: number | null;
}

/** Every invariant of §6.1 that real data can exercise. */
export function checkInvariants(outcomes: CheckpointOutcome[], facts: RunFacts): InvariantResult[] {
  const b2: InvariantResult = { id: 'INV-B2', statement: 'greedy: ‖f_{S_n} − y‖² ≤ R(t) + D_t² H_n / n [FW]', checked: 0, failures: [] };
  const b2p: InvariantResult = {
    id: 'INV-B2′',
    statement: 'greedy: ‖f_{S_n} − y‖² ≤ D_y²/n + ((n−1)/n)·D_y·dist(y, hull) (B2′ with the hull distance as slack) [FW]',
    checked: 0,
    failures: [],
  };
  const b4: InvariantResult = { id: 'INV-B4', statement: 'R(t) < ρ_t² ⇒ y lies in the hull (certified lower bound ≤ tolerance) [FW]', checked: 0, failures: [] };
  const identity: InvariantResult = {
    id: 'INV-greedy-identity',
    statement: "greedy's incremental loss (scoring identity) equals the directly measured subnetwork loss",
    checked: 0,
    failures: [],
  };
  const size: InvariantResult = { id: 'INV-size', statement: 'every pruner returns a multiset of exactly n neurons', checked: 0, failures: [] };
  for (const { record, reportedLosses } of outcomes) {
    checkBallInsideHull(record, facts, b4);
    for (const p of record.pruners) {
      for (const s of p.subnetworks) {
        size.checked++;
        if (s.size !== s.n) size.failures.push({ t: record.t, n: s.n, detail: `${p.pruner} returned ${s.size} neurons for n = ${s.n}` });
      }
      if (!isGreedy(p.pruner)) continue;
      for (const s of p.subnetworks) checkGreedyBounds(record, s.n, s.loss, facts, b2, b2p);
      checkIdentity(record, p.pruner, p.subnetworks, reportedLosses[p.pruner] ?? [], facts, identity);
    }
  }
  return [b2, b2p, b4, identity, size];
}

function checkBallInsideHull(record: CheckpointMeasurement, facts: RunFacts, inv: InvariantResult): void {
  if (record.ballVoid || !(record.residual < record.rho ** 2)) return;
  inv.checked++;
  if (record.hull.lowerBound > facts.hullTolerance) {
    inv.failures.push({
      t: record.t,
      detail: `R(t) = ${fmt(record.residual)} < ρ_t² = ${fmt(record.rho ** 2)} but dist² ≥ ${fmt(record.hull.lowerBound)} > tolerance ${fmt(facts.hullTolerance)}`,
    });
  }
}

function checkGreedyBounds(record: CheckpointMeasurement, n: number, loss: number, facts: RunFacts, b2: InvariantResult, b2p: InvariantResult): void {
  const sq = loss * 2 * facts.m;
  const boundB2 = record.boundB2.find((b) => b.n === n)!.value;
  b2.checked++;
  if (!within(sq, boundB2, facts.targetNormSq)) {
    b2.failures.push({ t: record.t, n, detail: `‖f_S − y‖² = ${fmt(sq)} > R(t) + D²H_n/n = ${fmt(boundB2)}` });
  }
  const dy = record.diameterToTarget;
  const slack = ((n - 1) / n) * dy * Math.sqrt(record.hull.distanceSq);
  const boundB2p = (dy * dy) / n + slack;
  b2p.checked++;
  if (!within(sq, boundB2p, facts.targetNormSq)) {
    b2p.failures.push({ t: record.t, n, detail: `‖f_S − y‖² = ${fmt(sq)} > D_y²/n + slack = ${fmt(boundB2p)}` });
  }
}

function checkIdentity(
  record: CheckpointMeasurement,
  pruner: string,
  subnetworks: { n: number; loss: number }[],
  reported: number[],
  facts: RunFacts,
  inv: InvariantResult,
): void {
  for (const s of subnetworks) {
    const claimed = reported[s.n - 1];
    if (claimed === undefined) continue;
    inv.checked++;
    const scale = facts.targetNormSq / (2 * facts.m);
    if (Math.abs(claimed - s.loss) > 1e-3 * Math.max(s.loss, 1e-3 * scale)) {
      inv.failures.push({ t: record.t, n: s.n, detail: `${pruner} reported loss ${fmt(claimed)}, measured ${fmt(s.loss)}` });
    }
  }
}

function violated(hypotheses: HypothesisResult[]): string[] {
  return hypotheses.filter((h) => h.holds === false).map((h) => h.id);
}

function claim(id: string, statement: string, verdict: Verdict, detail: string, hypotheses: HypothesisResult[]): ClaimResult {
  return { id, statement, verdict, detail, violatedHypotheses: verdict === 'NOT APPLICABLE' ? [] : violated(hypotheses) };
}

/** The claims of §6.2 on one run. */
export function checkClaims(records: CheckpointMeasurement[], facts: RunFacts, hypotheses: HypothesisResult[]): ClaimResult[] {
  return [contractionClaim(records, facts, hypotheses), hullClaim(records, facts, hypotheses), lossClaim(records, facts, hypotheses)];
}

function contractionClaim(records: CheckpointMeasurement[], facts: RunFacts, hyps: HypothesisResult[]): ClaimResult {
  const id = 'CLAIM-B1';
  const statement = 'B1 at this width: R(t) ≤ (1 − ηλ0/2)^t R(0) at every checkpoint [Du19]';
  if (facts.lambda0 === null) return claim(id, statement, 'NOT APPLICABLE', 'λ0 not computed (m above maxKernelM)', hyps);
  const rate = 1 - (facts.eta * facts.lambda0) / 2;
  const bad = records.filter((r) => r.t > 0 && !within(r.residual, rate ** r.t * facts.initialResidual, 0));
  if (bad.length === 0) return claim(id, statement, 'PASS', `holds at all ${records.length} checkpoints (ηλ0/2 = ${fmt(facts.eta * facts.lambda0 / 2)})`, hyps);
  const first = bad[0];
  return claim(
    id,
    statement,
    'FAIL',
    `first at t = ${first.t}: R(t) = ${fmt(first.residual)} > ${fmt(rate ** first.t * facts.initialResidual)}; empirical rate ${fmt(first.contractionRate ?? NaN)} < ηλ0/2 = ${fmt((facts.eta * facts.lambda0) / 2)}`,
    hyps,
  );
}

function afterTStar(records: CheckpointMeasurement[], tStar: number | null): { applicable: CheckpointMeasurement[]; why: string | null } {
  if (tStar === null || !Number.isFinite(tStar)) return { applicable: [], why: `T*(m) is ${tStar === null ? 'undefined' : 'infinite'}` };
  const applicable = records.filter((r) => r.t >= tStar);
  const last = records[records.length - 1]?.t ?? 0;
  return applicable.length === 0 ? { applicable, why: `T*(m) = ${fmt(tStar)} is beyond the run's last checkpoint t = ${last}` } : { applicable, why: null };
}

function hullClaim(records: CheckpointMeasurement[], facts: RunFacts, hyps: HypothesisResult[]): ClaimResult {
  const id = 'CLAIM-B3-hull';
  const statement = 'B3: for every checkpoint t ≥ T*(m), y lies inside conv{Φ_r(t)} [R]';
  const { applicable, why } = afterTStar(records, facts.tStar);
  if (why) return claim(id, statement, 'NOT APPLICABLE', why, hyps);
  const outside = applicable.filter((r) => !r.hull.inside);
  if (outside.length === 0) return claim(id, statement, 'PASS', `inside at all ${applicable.length} checkpoints with t ≥ T* = ${fmt(facts.tStar!)}`, hyps);
  const r = outside[0];
  return claim(id, statement, 'FAIL', `t = ${r.t} ≥ T* = ${fmt(facts.tStar!)}: dist(y, hull)² ≥ ${fmt(r.hull.lowerBound)} (tolerance ${fmt(facts.hullTolerance)})`, hyps);
}

function lossClaim(records: CheckpointMeasurement[], facts: RunFacts, hyps: HypothesisResult[]): ClaimResult {
  const id = 'CLAIM-B3-loss';
  const statement = 'B3 + B2′: for every checkpoint t ≥ T*(m) and every n, the greedy loss ‖f_{S_n} − y‖² ≤ D_y²/n [R]';
  const { applicable, why } = afterTStar(records, facts.tStar);
  if (why) return claim(id, statement, 'NOT APPLICABLE', why, hyps);
  for (const r of applicable) {
    const greedy = r.pruners.find((p) => isGreedy(p.pruner));
    if (!greedy) return claim(id, statement, 'NOT APPLICABLE', 'no greedy pruner in this run', hyps);
    for (const s of greedy.subnetworks) {
      const bound = r.boundB2prime.find((b) => b.n === s.n)!.value;
      const sq = s.loss * 2 * facts.m;
      if (!within(sq, bound, facts.targetNormSq)) {
        return claim(id, statement, 'FAIL', `t = ${r.t}, n = ${s.n}: ‖f_S − y‖² = ${fmt(sq)} > D_y²/n = ${fmt(bound)}`, hyps);
      }
    }
  }
  return claim(id, statement, 'PASS', `holds at all ${applicable.length} checkpoints with t ≥ T* = ${fmt(facts.tStar!)}`, hyps);
}
