/**
 * Invariants of THEORY.md §6.1 as properties over generated pre-trained cases. Each holds for greedy
 * forward selection (with replacement) on every case — a failure is a bug in pruneproof. With any other
 * pruner in place of greedy (check-pruner) B2 and B2′ are claims: they are proved for greedy only.
 */
import { harmonic } from '../../theory';
import type { FeatureGeometry } from '../kernel/geometry';
import type { Checkpoint } from '../model/train';
import type { NeuronFeatures } from '../pruning/types';
import { Rng } from '../rng';
import { parsePruningCase, pruningCase, type PruningCase } from '../testing/arbitraries/pruning-case';
import {
  measureGeometry,
  measureHull,
  pruneAndMeasure,
  pruneInput,
  withFeatures,
  withPretrainedCase,
  type PretrainedCase,
} from '../testing/pretrain';
import { fmt, outcome, sumSquares, within } from './facts';
import type { CaseOutcome, PropertyContext, PropertyDefinition } from './types';

const { sqrt, max } = Math;

interface CheckpointVerdict {
  t: number;
  /** Null: the check does not apply at this checkpoint. */
  failure: string | null;
  applicable: boolean;
  /** measured / bound of the checked inequality (≤ 1 when it holds). */
  ratio: number | null;
}

/** Evaluates `check` at every checkpoint reached (before divergence, if GD diverged) and folds the verdicts. */
async function overCheckpoints(
  p: PretrainedCase,
  check: (cp: Checkpoint, features: NeuronFeatures) => Promise<CheckpointVerdict>,
): Promise<CheckpointVerdict[]> {
  const verdicts: CheckpointVerdict[] = [];
  for (const cp of p.checkpoints) verdicts.push(await withFeatures(p, cp.weights, (features) => check(cp, features)));
  return verdicts;
}

function fold(p: PretrainedCase, verdicts: CheckpointVerdict[], what: string, naReason: string): CaseOutcome {
  const failed = verdicts.find((v) => v.failure !== null);
  const applicable = verdicts.filter((v) => v.applicable);
  const ratios = applicable.map((v) => v.ratio).filter((r): r is number => r !== null);
  const measured = { checkpoints: verdicts.length, applicableCheckpoints: applicable.length, tightestRatio: ratios.length ? max(...ratios) : null };
  if (failed) return outcome('fail', p, { detail: `t = ${failed.t}: ${failed.failure}`, measured });
  if (applicable.length === 0) return outcome('not-applicable', p, { detail: naReason, reason: naReason, measured });
  return outcome('pass', p, { detail: `${what} at ${applicable.length} checkpoint(s); largest measured/bound ${fmt(measured.tightestRatio ?? 0)}`, measured });
}

// ---------------------------------------------------------------------------------------------------
// INV-B2: ‖f_{S_n} − y‖² ≤ R(t) + D_t² H_n / n.

async function evaluateB2(c: PruningCase, ctx: PropertyContext): Promise<CaseOutcome> {
  return withPretrainedCase(c, { checkpointCount: 4 }, async (p) => {
    const yNormSq = sumSquares(p.data.y);
    const verdicts = await overCheckpoints(p, async (cp, features) => {
      const g = measureGeometry(features, p);
      const s = await pruneAndMeasure(ctx.pruner, pruneInput(p, features, cp.weights));
      const bound = g.denseResidual + (g.diameter ** 2 * harmonic(c.n)) / c.n;
      const ok = within(s.residual, bound, yNormSq);
      const failure = ok ? null : `‖f_S − y‖² = ${fmt(s.residual)} > R(t) + D_t²H_n/n = ${fmt(g.denseResidual)} + ${fmt(g.diameter ** 2)}·${fmt(harmonic(c.n))}/${c.n} = ${fmt(bound)}`;
      return { t: cp.t, failure, applicable: true, ratio: bound > 0 ? s.residual / bound : null };
    });
    return fold(p, verdicts, 'B2 holds', 'no checkpoint reached');
  });
}

// ---------------------------------------------------------------------------------------------------
// INV-B2′: ‖f_{S_n} − y‖² ≤ D_y²/n + ((n−1)/n)·D_y·dist(y, hull).
// B2′ extended outside the hull: with y′ the nearest hull point and δ = ‖y − y′‖, averaging greedy's step
// over r ~ p (y′ = Σ p_r Φ_r) gives (k+1)²‖e_{k+1}‖² ≤ k²‖e_k‖² + 2k‖e_k‖δ + D_y² and ‖e_k‖ ≤ D_y, hence
// n²‖e_n‖² ≤ n D_y² + n(n−1) D_y δ. The solver's distanceSq is an upper bound on δ², so the check is sound.

async function evaluateB2Prime(c: PruningCase, ctx: PropertyContext): Promise<CaseOutcome> {
  return withPretrainedCase(c, { checkpointCount: 3 }, async (p) => {
    const yNormSq = sumSquares(p.data.y);
    const verdicts = await overCheckpoints(p, async (cp, features) => {
      const g = measureGeometry(features, p);
      const hull = measureHull(features, p, 2000);
      const s = await pruneAndMeasure(ctx.pruner, pruneInput(p, features, cp.weights));
      const dy = g.diameterToTarget;
      const slack = ((c.n - 1) / c.n) * dy * sqrt(hull.distanceSq);
      const bound = (dy * dy) / c.n + slack;
      const ok = within(s.residual, bound, yNormSq);
      const failure = ok ? null : `‖f_S − y‖² = ${fmt(s.residual)} > D_y²/n + ((n−1)/n)·D_y·dist = ${fmt((dy * dy) / c.n)} + ${fmt(slack)} = ${fmt(bound)}`;
      return { t: cp.t, failure, applicable: true, ratio: bound > 0 ? s.residual / bound : null };
    });
    return fold(p, verdicts, 'B2′ (with the hull-distance slack) holds', 'no checkpoint reached');
  });
}

// ---------------------------------------------------------------------------------------------------
// INV-B4: the ball B(u(t), ρ_t) lies in conv{Φ_r(t)}. Checked through the support function: for unit v,
// max_r ⟨Φ_r − u, v⟩ ≥ ρ_t (on seeded random directions and on ±(y − u)/‖y − u‖); and, when R(t) < ρ_t²,
// the certified lower bound on dist(y, hull)² is within the hull tolerance.

const B4_DIRECTIONS = 16;
/** ρ_t and the support values are float64 computations on the same float32 features: relative 1e-6 is rounding with a wide margin. */
const B4_RELATIVE_TOLERANCE = 1e-6;

/** Host float64 copies: Φ_r[j·C + c] = A[j, r]·V[r, c]. */
function hostFeatures(features: NeuronFeatures): { A: Float64Array; V: Float64Array } {
  return { A: Float64Array.from(features.activations.dataSync()), V: Float64Array.from(features.outWeights.dataSync()) };
}

/** max_r ⟨Φ_r − u, v⟩ for a unit vector v ∈ R^{mC}. */
function supportAboveCentroid(features: NeuronFeatures, host: { A: Float64Array; V: Float64Array }, v: Float64Array): number {
  const { m, width: N, outputs: C } = features;
  const { A, V } = host;
  const values = new Float64Array(N);
  for (let r = 0; r < N; r++) {
    let s = 0;
    for (let j = 0; j < m; j++) {
      const a = A[j * N + r];
      if (a === 0) continue;
      for (let k = 0; k < C; k++) s += a * V[r * C + k] * v[j * C + k];
    }
    values[r] = s;
  }
  let mean = 0;
  for (let r = 0; r < N; r++) mean += values[r];
  mean /= N;
  let best = -Infinity;
  for (let r = 0; r < N; r++) best = max(best, values[r] - mean);
  return best;
}

function unit(v: Float64Array): Float64Array | null {
  const norm = sqrt(sumSquares(v));
  return norm > 0 ? v.map((x) => x / norm) : null;
}

function b4Directions(p: PretrainedCase, features: NeuronFeatures, host: { A: Float64Array; V: Float64Array }, t: number): Float64Array[] {
  const dim = features.m * features.outputs;
  const rng = new Rng(p.case.dataset.seed).fork(`b4-directions-${t}`);
  const directions: Float64Array[] = [];
  for (let k = 0; k < B4_DIRECTIONS; k++) {
    const v = unit(Float64Array.from(rng.normalArray(dim)));
    if (v) directions.push(v);
  }
  // ±(y − u): the direction B4's consequence "R(t) < ρ² ⇒ y ∈ hull" rests on.
  const { m, width: N, outputs: C } = features;
  const y = p.data.y;
  const toY = new Float64Array(dim);
  for (let j = 0; j < m; j++) {
    for (let k = 0; k < C; k++) {
      let u = 0;
      for (let r = 0; r < N; r++) u += host.A[j * N + r] * host.V[r * C + k];
      toY[j * C + k] = y[j * C + k] - u / N;
    }
  }
  const v = unit(toY);
  if (v) directions.push(v, v.map((x) => -x));
  return directions;
}

function ballCheck(p: PretrainedCase, features: NeuronFeatures, g: FeatureGeometry, t: number): string | null {
  const host = hostFeatures(features);
  const tolerance = B4_RELATIVE_TOLERANCE * max(g.maxCentredNorm, 1e-300);
  for (const [k, v] of b4Directions(p, features, host, t).entries()) {
    const support = supportAboveCentroid(features, host, v);
    if (support < g.rho - tolerance) {
      const which = k < B4_DIRECTIONS ? `random direction #${k}` : 'direction ±(y − u)';
      return `ball not inside the hull: along ${which}, max_r ⟨Φ_r − u, v⟩ = ${fmt(support)} < ρ_t = ${fmt(g.rho)}`;
    }
  }
  return null;
}

async function evaluateB4(c: PruningCase): Promise<CaseOutcome> {
  return withPretrainedCase(c, { checkpointCount: 4 }, async (p) => {
    const verdicts = await overCheckpoints(p, async (cp, features) => {
      const g = measureGeometry(features, p);
      if (g.ballVoid || !(g.rho > 0)) return { t: cp.t, failure: null, applicable: false, ratio: null };
      const ball = ballCheck(p, features, g, cp.t);
      if (ball) return { t: cp.t, failure: ball, applicable: true, ratio: null };
      if (!(g.denseResidual < g.rho ** 2)) return { t: cp.t, failure: null, applicable: true, ratio: null };
      const hull = measureHull(features, p);
      const failure = hull.lowerBound > hull.tolerance
        ? `R(t) = ${fmt(g.denseResidual)} < ρ_t² = ${fmt(g.rho ** 2)} but dist(y, hull)² ≥ ${fmt(hull.lowerBound)} > tolerance ${fmt(hull.tolerance)}`
        : null;
      return { t: cp.t, failure, applicable: true, ratio: sqrt(g.denseResidual) / g.rho };
    });
    return fold(p, verdicts, 'ball inside the hull (support function ≥ ρ_t; y inside whenever R(t) < ρ_t²)', 'B4 void at every checkpoint (N ≤ m or λ_min(Σ_t) = 0)');
  });
}

// ---------------------------------------------------------------------------------------------------

export const INV_B2: PropertyDefinition<PruningCase> = {
  id: 'INV-B2',
  kind: 'invariant',
  source: '[FW]',
  statement: 'greedy forward selection after any t: ‖f_{S_n} − y‖² ≤ R(t) + D_t² H_n / n',
  arbitrary: pruningCase({ iterations: { min: 0, max: 200 } }),
  parseCase: (v) => parsePruningCase(v, 'INV-B2'),
  evaluate: evaluateB2,
  runs: { quick: 12, full: 60 },
  usesPruner: true,
};

export const INV_B2_PRIME: PropertyDefinition<PruningCase> = {
  id: 'INV-B2-prime',
  kind: 'invariant',
  source: '[FW]',
  statement: 'greedy: ‖f_{S_n} − y‖² ≤ D_y²/n + ((n−1)/n)·D_y·dist(y, conv{Φ_r(t)}) (B2′; exactly B2′ when y is in the hull)',
  arbitrary: pruningCase({ iterations: { min: 0, max: 200 } }),
  parseCase: (v) => parsePruningCase(v, 'INV-B2-prime'),
  evaluate: evaluateB2Prime,
  runs: { quick: 10, full: 50 },
  usesPruner: true,
};

/**
 * B4 has content only where the hull is full-dimensional (N > m) and, for its consequence, where training
 * brings R(t) below ρ_t²: small m, larger N and long runs. Its generator is narrowed to that regime.
 */
export const INV_B4: PropertyDefinition<PruningCase> = {
  id: 'INV-B4',
  kind: 'invariant',
  source: '[FW]',
  statement: 'the ball of radius ρ_t = λ_min(Σ_t)/(2 max_r‖Φ_r − u‖) around u(t) lies in conv{Φ_r(t)}; hence R(t) < ρ_t² ⇒ y ∈ hull',
  arbitrary: pruningCase({ dataset: { m: { min: 2, max: 8 } }, width: { min: 10, max: 120 }, iterations: { min: 50, max: 300 }, stepPercent: { min: 30, max: 90 } }),
  parseCase: (v) => parsePruningCase(v, 'INV-B4'),
  evaluate: (c) => evaluateB4(c),
  runs: { quick: 10, full: 50 },
  usesPruner: false,
};

export const INVARIANTS = [INV_B2, INV_B2_PRIME, INV_B4] as const;
