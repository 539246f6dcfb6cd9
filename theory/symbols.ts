/**
 * The symbols a theory expression may use. Names follow docs/THEORY.md; every symbol is
 * either a named constant (theory/constants.ts) or a number the experiment measured or configured
 * (`TheoryInputs`). Expressions that use any other name are rejected (theory/config.ts), because
 * mathjs would otherwise silently read e.g. `m` as the unit "metre".
 */

export const CONSTANT_SYMBOLS = ['c_N', 'c_eta', 'C', 'kappa', 'delta', 'normTol'] as const;

export const INPUT_SYMBOLS = [
  'm',
  'N',
  'd',
  'n',
  't',
  'outputs',
  'eta',
  'lambda0',
  'R0',
  'Rt',
  'rho',
  'lambdaSigma',
  'devMax',
  'D',
  'Dy',
  'Hn',
  'epsilon',
  'normMax',
  'yMax',
] as const;

export type ConstantSymbol = (typeof CONSTANT_SYMBOLS)[number];
export type InputSymbol = (typeof INPUT_SYMBOLS)[number];
export type TheorySymbol = ConstantSymbol | InputSymbol;

export const THEORY_SYMBOLS: readonly TheorySymbol[] = [...CONSTANT_SYMBOLS, ...INPUT_SYMBOLS];

/** What each symbol means (used in "needs …, not provided" messages). */
export const SYMBOL_MEANING: Record<TheorySymbol, string> = {
  c_N: 'absolute constant of the width condition H4',
  c_eta: 'absolute constant of the step-size condition H5',
  C: 'label bound |y_j| ≤ C',
  kappa: 'initial weight scale, w_r(0) ~ N(0, κ² I)',
  delta: 'failure probability δ of B1',
  normTol: 'tolerance on |‖x_j‖₂ − 1| for H1',
  m: 'number of training samples',
  N: 'dense width',
  d: 'input dimension',
  n: 'subnetwork size (selection steps)',
  t: 'pre-training iterations',
  outputs: 'number of network outputs (1 for scalar labels)',
  eta: 'GD step size η',
  lambda0: 'λ0 = λ_min(H∞)',
  R0: 'measured residual R(0) = ‖u(0) − y‖²',
  Rt: 'measured residual R(t) = ‖u(t) − y‖²',
  rho: 'radius ρ_t of the ball inside the hull (B4)',
  lambdaSigma: 'λ_min(Σ_t) of the feature covariance',
  devMax: 'max_r ‖Φ_r(t) − u(t)‖',
  D: 'D_t = max_{r,s} ‖Φ_r(t) − Φ_s(t)‖',
  Dy: 'D_y = max_r ‖Φ_r(t) − y‖',
  Hn: 'harmonic number H_n',
  epsilon: 'target normalised subnetwork loss ε',
  normMax: 'max_j |‖x_j‖₂ − 1|',
  yMax: 'max_j |y_j|',
};

/** LaTeX for each symbol; braces keep mathjs' operator concatenation valid (`\geq{N}`). */
export const SYMBOL_TEX: Record<TheorySymbol, string> = {
  c_N: 'c_N',
  c_eta: 'c_\\eta',
  C: 'C',
  kappa: '\\kappa',
  delta: '\\delta',
  normTol: '\\tau_x',
  m: 'm',
  N: 'N',
  d: 'd',
  n: 'n',
  t: 't',
  outputs: 'C_{\\mathrm{out}}',
  eta: '\\eta',
  lambda0: '\\lambda_0',
  R0: 'R(0)',
  Rt: 'R(t)',
  rho: '\\rho_t',
  lambdaSigma: '\\lambda_{\\min}(\\Sigma_t)',
  devMax: '\\max_r\\lVert\\Phi_r-u\\rVert',
  D: 'D_t',
  Dy: 'D_y',
  Hn: 'H_n',
  epsilon: '\\varepsilon',
  normMax: '\\max_j\\left|\\lVert x_j\\rVert-1\\right|',
  yMax: '\\max_j|y_j|',
};

/** mathjs functions an expression may call; anything else (import, createUnit, …) is refused. */
export const ALLOWED_FUNCTIONS = [
  'log',
  'log1p',
  'log2',
  'log10',
  'exp',
  'expm1',
  'sqrt',
  'cbrt',
  'abs',
  'min',
  'max',
  'pow',
  'square',
  'ceil',
  'floor',
  'harmonic',
] as const;

/** Named numeric constants of mathjs an expression may use. */
export const ALLOWED_CONSTANTS = ['e', 'pi', 'Infinity'] as const;

export function isTheorySymbol(name: string): name is TheorySymbol {
  return (THEORY_SYMBOLS as readonly string[]).includes(name);
}
