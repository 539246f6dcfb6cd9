/**
 * The numbers an experiment hands to the theory module (measured or configured), their validation, and
 * the evaluation scope built from them and the constants.
 */
import type { TheoryConstants } from './constants';
import { harmonic } from './harmonic';
import { INPUT_SYMBOLS, type InputSymbol, type TheorySymbol } from './symbols';

/** Everything is optional except m, N and η; a check that needs a missing number reports it as not evaluable. */
export interface TheoryInputs {
  /** Number of training samples. */
  m: number;
  /** Dense width. */
  N: number;
  /** GD step size η, as configured. */
  eta: number;
  /** λ0 = λ_min(H∞) of the training inputs (may be ≤ 0 numerically: H3 then fails; absent when not computed). */
  lambda0?: number;
  /** Input dimension. */
  d?: number;
  /** Subnetwork size. */
  n?: number;
  /** Pre-training iterations at this checkpoint. */
  t?: number;
  /** Network outputs (1 for scalar labels; 10 for one-hot MNIST). Defaults to 1. */
  outputs?: number;
  /** Measured R(0) = ‖u(0) − y‖². */
  R0?: number;
  /** Measured R(t) = ‖u(t) − y‖². */
  Rt?: number;
  /** Measured ρ_t; when absent it is computed from lambdaSigma and devMax (B4). */
  rho?: number;
  /** λ_min(Σ_t). */
  lambdaSigma?: number;
  /** max_r ‖Φ_r(t) − u(t)‖. */
  devMax?: number;
  /** D_t = max_{r,s} ‖Φ_r(t) − Φ_s(t)‖. */
  D?: number;
  /** D_y = max_r ‖Φ_r(t) − y‖. */
  Dy?: number;
  /** H_n; computed from n when absent. */
  Hn?: number;
  /** Target normalised subnetwork loss ε. */
  epsilon?: number;
  /** max_j |‖x_j‖₂ − 1|. */
  normMax?: number;
  /** max_j |y_j|. */
  yMax?: number;
}

// Compile-time guarantee that TheoryInputs and INPUT_SYMBOLS name the same fields.
type SameKeys<A, B> = [Exclude<keyof A, B>, Exclude<B, keyof A>] extends [never, never] ? true : never;
const inputsMatchSymbols: SameKeys<TheoryInputs, InputSymbol> = true;
void inputsMatchSymbols;

export type Scope = Partial<Record<TheorySymbol, number>>;

type Rule = { ok: (v: number) => boolean; rule: string };
const POSITIVE_INT: Rule = { ok: (v) => Number.isInteger(v) && v > 0, rule: 'a positive integer' };
const POSITIVE: Rule = { ok: (v) => v > 0, rule: 'a finite number > 0' };
const NON_NEGATIVE: Rule = { ok: (v) => v >= 0, rule: 'a finite number >= 0' };
const ANY: Rule = { ok: () => true, rule: 'a finite number' };

const INPUT_RULES: Record<InputSymbol, Rule> = {
  m: POSITIVE_INT,
  N: POSITIVE_INT,
  d: POSITIVE_INT,
  n: POSITIVE_INT,
  outputs: POSITIVE_INT,
  t: NON_NEGATIVE,
  eta: POSITIVE,
  lambda0: ANY,
  R0: NON_NEGATIVE,
  Rt: NON_NEGATIVE,
  rho: NON_NEGATIVE,
  lambdaSigma: ANY,
  devMax: NON_NEGATIVE,
  D: NON_NEGATIVE,
  Dy: NON_NEGATIVE,
  Hn: POSITIVE,
  epsilon: POSITIVE,
  normMax: NON_NEGATIVE,
  yMax: NON_NEGATIVE,
};

const REQUIRED_INPUTS: readonly InputSymbol[] = ['m', 'N', 'eta'];

/** Throws a RangeError naming the operation and the field for any missing, unknown or invalid input. */
export function validateInputs(inputs: TheoryInputs, operation: string): void {
  if (typeof inputs !== 'object' || inputs === null) {
    throw new TypeError(`${operation}: inputs must be an object, got ${String(inputs)}`);
  }
  for (const key of Object.keys(inputs)) {
    if (!(INPUT_SYMBOLS as readonly string[]).includes(key)) {
      throw new RangeError(`${operation}: unknown input '${key}' (known inputs: ${INPUT_SYMBOLS.join(', ')})`);
    }
  }
  for (const key of INPUT_SYMBOLS) {
    const value: unknown = inputs[key];
    if (value === undefined) {
      if (REQUIRED_INPUTS.includes(key)) throw new RangeError(`${operation}: inputs.${key} is required`);
      continue;
    }
    const { ok, rule } = INPUT_RULES[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
      throw new RangeError(`${operation}: inputs.${key} must be ${rule}, got ${String(value)}`);
    }
  }
}

/** Constants, then the given inputs; H_n from n and outputs = 1 when not given. */
export function buildScope(inputs: TheoryInputs, constants: TheoryConstants, operation: string): Scope {
  validateInputs(inputs, operation);
  const scope = partialScope(inputs, constants);
  scope.outputs ??= 1;
  return scope;
}

/**
 * Constants, then only the inputs given (none required, none defaulted but H_n from n): the scope of what a
 * configuration fixes before any run, where a symbol left out means "measured later".
 */
export function partialScope(inputs: Partial<TheoryInputs>, constants: TheoryConstants): Scope {
  const scope: Scope = { ...constants };
  for (const key of INPUT_SYMBOLS) {
    if (inputs[key] !== undefined) scope[key] = inputs[key];
  }
  if (scope.Hn === undefined && scope.n !== undefined) scope.Hn = harmonic(scope.n);
  return scope;
}
