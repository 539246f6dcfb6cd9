/**
 * The four laws t(m). Each is linear in its coefficients given at most one exponent, which lets a fit
 * profile the coefficients out by least squares and search the exponent alone for its starting point.
 * Exponent ranges keep the families distinct: a + c·m^α with α ∈ ℝ would contain the saturating law
 * (α < 0) and, as α → 0, the log law, so offset power takes α ≥ 0.1 and saturating β ≥ 0.1: below that,
 * over the ≤ 3 decades of m one can afford, the curve differs from a + b·ln m by less than its noise, and a fit
 * that ends at the bound is read as the log law (decide.ts, reducesToLog).
 */
import type { LawClass, ScalingModel } from './types';
// Module-level aliases: a hot loop reads them from the module scope, not the global object (whose
// lookups are far slower inside vm contexts such as jest's).
const { exp, log } = Math;

/** A law's shape; M is one of the four laws, or 'log-quadratic' (the one-sided test's alternative). */
export interface ModelSpec<M extends string = ScalingModel> {
  model: M;
  law: LawClass;
  formula: string;
  /** Names of the linear coefficients, in basis order. */
  linear: string[];
  /** The exponent, if any, and its admissible range. */
  exponent: { name: string; min: number; max: number } | null;
  /** Basis functions at m for the exponent value (ignored when the model has none). */
  basis(m: number, exponent: number): number[];
  /** t at ln m for the parameter vector [coefficients…, exponent?] (the likelihood's hot path, no arrays). */
  mean(v: readonly number[], lnM: number): number;
}

export const MODEL_SPECS: readonly ModelSpec[] = [
  {
    model: 'log',
    law: 'log',
    formula: 't = a + b·ln m',
    linear: ['a', 'b'],
    exponent: null,
    basis: (m) => [1, log(m)],
    mean: (v, lnM) => v[0] + v[1] * lnM,
  },
  {
    model: 'power',
    law: 'power',
    formula: 't = c·m^α',
    linear: ['c'],
    exponent: { name: 'alpha', min: -3, max: 3 },
    basis: (m, alpha) => [m ** alpha],
    mean: (v, lnM) => v[0] * exp(v[1] * lnM),
  },
  {
    model: 'offset-power',
    law: 'power',
    formula: 't = a + c·m^α',
    linear: ['a', 'c'],
    exponent: { name: 'alpha', min: 0.1, max: 3 },
    basis: (m, alpha) => [1, m ** alpha],
    mean: (v, lnM) => v[0] + v[1] * exp(v[2] * lnM),
  },
  {
    model: 'saturating',
    law: 'saturating',
    formula: 't = a − c·m^−β',
    linear: ['a', 'c'],
    exponent: { name: 'beta', min: 0.1, max: 3 },
    basis: (m, beta) => [1, -(m ** -beta)],
    mean: (v, lnM) => v[0] - v[1] * exp(-v[2] * lnM),
  },
];

/**
 * t = a + b·(ln m − c) + γ·(ln m − c)², the log law with a curvature term: the alternative of the one-sided test
 * on the bound (log-bound.ts). Centring at c (the data's mean ln m) keeps the basis well conditioned; γ does not
 * depend on it.
 */
export function logQuadraticSpec(center: number): ModelSpec<'log-quadratic'> {
  return {
    model: 'log-quadratic',
    law: 'power',
    formula: 't = a + b·(ln m − c) + γ·(ln m − c)²',
    linear: ['a', 'b', 'gamma'],
    exponent: null,
    basis: (m) => {
      const x = log(m) - center;
      return [1, x, x * x];
    },
    mean: (v, lnM) => {
      const x = lnM - center;
      return v[0] + v[1] * x + v[2] * x * x;
    },
  };
}

export function modelSpec(model: ScalingModel): ModelSpec {
  const spec = MODEL_SPECS.find((s) => s.model === model);
  if (!spec) throw new RangeError(`unknown scaling model '${model}'`);
  return spec;
}

/** Number of mean parameters (coefficients and exponent). */
export function meanParameterCount(spec: ModelSpec<string>): number {
  return spec.linear.length + (spec.exponent ? 1 : 0);
}

/** Named parameters from the vector [coefficients…, exponent?]. */
export function namedParams(spec: ModelSpec<string>, vector: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  spec.linear.forEach((name, i) => (out[name] = vector[i]));
  if (spec.exponent) out[spec.exponent.name] = vector[spec.linear.length];
  return out;
}

/** t(m) for named parameters. */
export function predict(spec: ModelSpec<string>, params: Record<string, number>, m: number): number {
  const exponent = spec.exponent ? params[spec.exponent.name] : 0;
  const basis = spec.basis(m, exponent);
  return spec.linear.reduce((sum, name, i) => sum + params[name] * basis[i], 0);
}

export const LAW_VERDICT = {
  log: 'consistent with logarithmic scaling',
  power: 'better explained by a power law',
  saturating: 'better explained by a saturating law',
} as const;
