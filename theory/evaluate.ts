/**
 * Evaluates the theorem on a concrete configuration: which hypotheses hold (and by how much the others
 * fail), and the numbers every bound gives. Everything goes through the compiled mathjs expressions, so
 * user overrides take effect everywhere.
 */
import { resolveTheory, type ResolvedTheory, type TheoryOverrides } from './config';
import {
  checkMeasured,
  checkOverridesBeforeRuns,
  evaluateCondition,
  evaluateValue,
  rhoZeroReason,
  unavailableValue,
  type BoundValue,
  type ConditionCheck,
} from './evaluators';
import { HYPOTHESIS_IDS, type ExpressionId, type HypothesisId } from './expressions';
import { formatNumber as fmt } from './format';
import { harmonic } from './harmonic';
import { buildScope, partialScope, type Scope, type TheoryInputs } from './inputs';

export type HypothesisCheck = ConditionCheck & { id: HypothesisId };

/**
 * The hypotheses H1–H5 of B1 (THEORY.md §4.1) on a configuration.
 *
 * @param inputs - the measured and configured numbers the hypotheses use.
 * @param overrides - constants or expressions replacing the stated ones.
 * @returns one check per hypothesis: holds, and by what factor it is missed.
 */
export function checkHypotheses(inputs: TheoryInputs, overrides?: TheoryOverrides): HypothesisCheck[] {
  const theory = resolveTheory(overrides);
  const scope = buildScope(inputs, theory.constants, 'checkHypotheses');
  return HYPOTHESIS_IDS.map((id) => evaluateCondition(theory, id, scope) as HypothesisCheck);
}

/**
 * Refuses, before any run, an expression override that is NaN on what the configuration alone fixes (e.g.
 * "0/0"): such an override is NaN whatever the runs measure. Overrides that read measured numbers are checked
 * at each run.
 *
 * @param configurations - per point of the design, the inputs known before computing (e.g. m, N, n); measured
 *   ones are left out.
 * @param overrides - constants or expressions replacing the stated ones.
 * @throws TheoryConfigError naming the override, its text and the inputs where it is NaN.
 */
export function checkOverridesOnConfiguration(
  configurations: readonly Partial<TheoryInputs>[],
  overrides?: TheoryOverrides,
): void {
  if (!overrides?.expressions) return;
  const theory = resolveTheory(overrides);
  checkOverridesBeforeRuns(
    theory,
    configurations.map((inputs) => partialScope(inputs, theory.constants)),
  );
}

export interface B1Point {
  t: number;
  bound: number | null;
}

export interface TStarPair {
  /** The step size used (η as configured, or η at its H5 value c_η λ0 / m²). */
  eta: number | null;
  exact: BoundValue;
  upper: BoundValue;
}

/** The smallest n meeting a size condition, by search over n (exact), and its closed form (sufficient). */
export interface SizeThreshold {
  exact: number | null;
  closedForm: BoundValue;
  reason?: string;
}

export interface EpsilonSplit {
  /** 2mε: the residual budget for a normalised subnetwork loss ε. */
  budget: number | null;
  /** (1 − ηλ0/2)^t R(0) + D²H_n/n ≤ 2mε at the given t and n. */
  full: ConditionCheck;
  /** Half the budget each: (1 − ηλ0/2)^t R(0) ≤ mε and D²H_n/n ≤ mε; together they imply `full`. */
  tHalf: ConditionCheck;
  nHalf: ConditionCheck;
  /** t ≥ this ⇔ tHalf holds (closed form). */
  tMinHalf: BoundValue;
  /** Smallest n meeting nHalf. */
  nMinHalf: SizeThreshold;
  /** Minimum t at the given n with the whole budget (∞ when the n-term alone exceeds 2mε). */
  tMinAtN: BoundValue;
  /** As t → ∞: D²H_n/n ≤ 2mε at the given n, and the smallest such n. */
  nLimit: ConditionCheck;
  nMinLimit: SizeThreshold;
}

export interface BoundsEvaluation {
  b1: {
    /** ηλ0/2, the rate B1 guarantees. */
    rate: BoundValue;
    /** −ln(R(t)/R(0))/t measured. */
    empiricalRate: BoundValue;
    /** (1 − ηλ0/2)^t R(0) at the given t, and the measured R(t) against it. */
    atT: BoundValue;
    rtCheck: ConditionCheck;
    line: B1Point[];
    /** Markov bound m(C² + κ²/2)/δ, and the measured R(0) against it. */
    r0Bound: BoundValue;
    r0Check: ConditionCheck;
  };
  b2: BoundValue;
  b2prime: BoundValue;
  b4: {
    /** ρ_t: the measured input when given, else λ_min(Σ_t)/(2 max_r‖Φ_r − u‖); 0 when B4 is void. */
    rho: BoundValue & { source: 'input' | 'B4rho' };
    fullDim: ConditionCheck;
    /** R(t) < ρ_t²: y is in the hull, B2′ applies. */
    inside: ConditionCheck;
  };
  tStar: { etaConfigured: TStarPair; etaH5: TStarPair };
  epsilon: EpsilonSplit;
}

export interface EvaluateBoundsOptions {
  /** Iterations at which to evaluate the B1 line (default: 11 points from 0 to inputs.t). */
  tGrid?: readonly number[];
}

function defaultGrid(t: number | undefined): number[] {
  if (t === undefined) return [];
  return [...new Set(Array.from({ length: 11 }, (_, k) => Math.round((k * t) / 10)))];
}

function b1Section(
  theory: ResolvedTheory,
  scope: Scope,
  inputs: TheoryInputs,
  grid: readonly number[],
): BoundsEvaluation['b1'] {
  const line = grid.map((t) => {
    if (!Number.isFinite(t) || t < 0)
      throw new RangeError(`evaluateBounds: options.tGrid must hold finite numbers >= 0, got ${t}`);
    return { t, bound: evaluateValue(theory, 'B1', { ...scope, t }).value };
  });
  const atT = evaluateValue(theory, 'B1', scope);
  const r0Bound = evaluateValue(theory, 'R0bound', scope);
  return {
    rate: evaluateValue(theory, 'B1rate', scope),
    empiricalRate: evaluateValue(theory, 'B1rateEmp', scope),
    atT,
    rtCheck: checkMeasured(atT, 'R(t)', inputs.Rt),
    line,
    r0Bound,
    r0Check: checkMeasured(r0Bound, 'R(0)', inputs.R0),
  };
}

/** ρ_t used by B3/B4: forced to 0 when the hull is flat (N ≤ m·outputs) or the measured λ_min is ≤ 0. */
function resolveRho(theory: ResolvedTheory, scope: Scope, fullDim: ConditionCheck): BoundsEvaluation['b4']['rho'] {
  const computed = evaluateValue(theory, 'B4rho', scope);
  const source = scope.rho !== undefined ? 'input' : 'B4rho';
  const value = scope.rho ?? computed.value;
  const shown = value === null ? 'unknown' : fmt(value);
  if (fullDim.holds === false) {
    return { ...computed, source, value: 0, reason: `${rhoZeroReason(scope)} (value from ${source} was ${shown})` };
  }
  if (value === null && scope.devMax === 0) {
    return { ...computed, source, value: 0, reason: 'all Φ_r(t) equal u(t): the hull is a point, ρ_t = 0' };
  }
  if (value !== null && value < 0) {
    return { ...computed, source, value: 0, reason: `λ_min(Σ_t) gives ρ_t = ${shown} < 0 (rounding): ρ_t = 0` };
  }
  return { ...computed, source, value, reason: value === null ? computed.reason : undefined };
}

/** η at its H5 value: the right side of H5's `eta <= …` relation. */
function etaAtH5(theory: ResolvedTheory, scope: Scope): { eta: number | null; reason?: string } {
  const relation = theory.expressions.H5.relations?.find(
    (r) => r.lhsSymbol === 'eta' && (r.op === '<=' || r.op === '<'),
  );
  if (!relation) return { eta: null, reason: `H5 "${theory.expressions.H5.def.expr}" has no 'eta <= …' part` };
  const missing = relation.rhsSymbols.filter((s) => scope[s] === undefined);
  if (missing.length > 0) return { eta: null, reason: `η at its H5 value needs ${missing.join(', ')}, not provided` };
  const eta: unknown = relation.rhs.evaluate({ ...scope });
  if (typeof eta !== 'number' || !Number.isFinite(eta) || eta <= 0) {
    return { eta: null, reason: `H5's bound "${relation.rhsText}" gives η = ${String(eta)}, not a positive number` };
  }
  return { eta };
}

function tStarPair(theory: ResolvedTheory, scope: Scope, eta: number | null, reason = 'η unavailable'): TStarPair {
  if (eta === null) {
    return { eta, exact: unavailableValue(theory, 'B3', reason), upper: unavailableValue(theory, 'B3upper', reason) };
  }
  const at = { ...scope, eta };
  return { eta, exact: evaluateValue(theory, 'B3', at), upper: evaluateValue(theory, 'B3upper', at) };
}

/** Largest n tried when searching for a subnetwork size. */
const N_SEARCH_LIMIT = 2 ** 50;

/**
 * Smallest n ≥ 1 for which the size condition holds, with H_n recomputed for each candidate. Doubling then
 * bisection: valid because D²H_n/n decreases in n (H_n/n = mean of 1, 1/2, …, 1/n).
 */
function minimumSize(theory: ResolvedTheory, id: ExpressionId, scope: Scope, closedForm: BoundValue): SizeThreshold {
  const holdsAt = (n: number) => evaluateCondition(theory, id, { ...scope, n, Hn: harmonic(n) });
  const first = holdsAt(1);
  if (first.holds === null) return { exact: null, closedForm, reason: first.reason };
  if (first.holds) return { exact: 1, closedForm };
  let lo = 1;
  let hi = 2;
  while (!holdsAt(hi).holds) {
    lo = hi;
    hi *= 2;
    if (hi > N_SEARCH_LIMIT)
      return { exact: Infinity, closedForm, reason: `no n ≤ ${fmt(N_SEARCH_LIMIT)} meets ${id}` };
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (holdsAt(mid).holds) hi = mid;
    else lo = mid;
  }
  return { exact: hi, closedForm };
}

function epsilonSection(theory: ResolvedTheory, scope: Scope): EpsilonSplit {
  const { m, epsilon } = scope;
  const condition = (id: ExpressionId) => evaluateCondition(theory, id, scope);
  const value = (id: ExpressionId) => evaluateValue(theory, id, scope);
  return {
    budget: m !== undefined && epsilon !== undefined ? 2 * m * epsilon : null,
    full: condition('epsFull'),
    tHalf: condition('epsT'),
    nHalf: condition('epsN'),
    tMinHalf: value('epsTMin'),
    nMinHalf: minimumSize(theory, 'epsN', scope, value('epsNMin')),
    tMinAtN: value('epsTMinAtN'),
    nLimit: condition('epsNLimit'),
    nMinLimit: minimumSize(theory, 'epsNLimit', scope, value('epsNMinLimit')),
  };
}

/**
 * Every bound of THEORY.md §4 (B1–B4, T*, the ε split) evaluated on a configuration.
 *
 * @param inputs - the measured and configured numbers.
 * @param overrides - constants or expressions replacing the stated ones.
 * @param options - which points to evaluate B1 at.
 * @returns the bounds.
 */
export function evaluateBounds(
  inputs: TheoryInputs,
  overrides?: TheoryOverrides,
  options: EvaluateBoundsOptions = {},
): BoundsEvaluation {
  const theory = resolveTheory(overrides);
  const measured = buildScope(inputs, theory.constants, 'evaluateBounds');
  const fullDim = evaluateCondition(theory, 'B4fullDim', measured);
  const rho = resolveRho(theory, measured, fullDim);
  const scope: Scope = { ...measured, rho: rho.value ?? undefined };
  const h5 = etaAtH5(theory, scope);
  return {
    b1: b1Section(theory, scope, inputs, options.tGrid ?? defaultGrid(scope.t)),
    b2: evaluateValue(theory, 'B2', scope),
    b2prime: evaluateValue(theory, 'B2prime', scope),
    b4: { rho, fullDim, inside: evaluateCondition(theory, 'B4inside', scope) },
    tStar: {
      etaConfigured: tStarPair(theory, scope, inputs.eta),
      etaH5: tStarPair(theory, scope, h5.eta, h5.reason),
    },
    epsilon: epsilonSection(theory, scope),
  };
}

export interface TStarParams {
  eta: number;
  lambda0: number;
  /** Radius of the ball inside the hull (B4); 0 gives T* = ∞. */
  rho: number;
  /** Measured R(0); needed by the exact form. */
  R0?: number;
  /** Number of samples; needed by the upper form. */
  m?: number;
  /** Network outputs C (default 1): the Markov bound on R(0) counts m·C entries. */
  outputs?: number;
}

export interface TStarOptions {
  /** 'exact' (default): ln(R(0)/ρ²)/(−ln(1 − ηλ0/2)); 'upper': (2/(ηλ0)) ln(m(C² + κ²/2)/(δρ²)). */
  form?: 'exact' | 'upper';
  overrides?: TheoryOverrides;
}

function requirePositive(name: string, value: number | undefined, why: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`tStar: ${name} must be a finite number > 0${why}, got ${String(value)}`);
  }
}

/**
 * T*(m) (THEORY.md §4.7): the GD iterations after which B1 puts the dense residual inside B4's ball (clamped at
 * 0; Infinity when ρ = 0). C, κ and δ come from the constants and overrides.
 *
 * @param params - η, λ0, ρ and R(0).
 * @param options - overrides.
 * @returns T*.
 */
export function tStar(params: TStarParams, options: TStarOptions = {}): number {
  const form = options.form ?? 'exact';
  requirePositive('eta', params.eta, '');
  requirePositive('lambda0', params.lambda0, ' (H3)');
  if ((params.eta * params.lambda0) / 2 >= 1) {
    throw new RangeError(
      `tStar: eta*lambda0/2 must be < 1 for B1's factor to lie in (0, 1), got ${(params.eta * params.lambda0) / 2}`,
    );
  }
  if (typeof params.rho !== 'number' || !Number.isFinite(params.rho) || params.rho < 0) {
    throw new RangeError(`tStar: rho must be a finite number >= 0, got ${String(params.rho)}`);
  }
  if (form === 'exact') requirePositive('R0', params.R0, ' for the exact form');
  if (form === 'upper' && !(Number.isInteger(params.m) && (params.m as number) > 0)) {
    throw new RangeError(`tStar: m must be a positive integer for the upper form, got ${String(params.m)}`);
  }
  const theory = resolveTheory(options.overrides);
  const { eta, lambda0, rho, R0, m } = params;
  const scope: Scope = { ...theory.constants, eta, lambda0, rho, R0, m, outputs: params.outputs ?? 1 };
  const result = evaluateValue(theory, form === 'exact' ? 'B3' : 'B3upper', scope);
  if (result.value === null) throw new RangeError(`tStar: ${result.reason ?? 'not evaluable'}`);
  return result.value;
}

/**
 * One expression of the resolved theory (overrides applied) on these inputs: the single way a check obtains
 * a bound, a rate or a threshold, so that an override reaches every decision that uses it.
 */
export function evaluateExpression(theory: ResolvedTheory, id: ExpressionId, inputs: TheoryInputs): BoundValue {
  return evaluateValue(theory, id, buildScope(inputs, theory.constants, `theory '${id}'`));
}

/** One hypothesis or condition of the resolved theory on these inputs (the relation counterpart of evaluateExpression). */
export function evaluateRelation(theory: ResolvedTheory, id: ExpressionId, inputs: TheoryInputs): ConditionCheck {
  return evaluateCondition(theory, id, buildScope(inputs, theory.constants, `theory '${id}'`));
}
