/**
 * The theorem's hypotheses, bounds and thresholds as mathjs expression strings (THEORY.md §4).
 *
 * Each entry carries its provenance label: [Du19] a cited published result (Du et al. 2019, Thm 4.1),
 * [FW] proved in THEORY.md (Frank–Wolfe / herding arguments), [R] the reconstruction of the paper's main
 * theorem. Any entry can be replaced from a config file (theory/config.ts), so the paper's exact statement
 * can be dropped in without touching code; the symbol lists below are those of the default strings.
 *
 * Kinds:
 *  - 'hypothesis' / 'condition': a relation `lhs op rhs` (op one of <, <=, >, >=, ==) or a conjunction of
 *    relations joined by `and`; evaluated part by part so reports can say which side fails and by how much.
 *  - 'value': a number. `domain` says how a value is read: 'iterations' (a count of GD steps, clamped at 0),
 *    'size' (a subnetwork size, rounded up, at least 1) or 'real'.
 */
import type { TheorySymbol } from './symbols';

export { harmonic } from './harmonic';

export type SourceLabel = '[Du19]' | '[FW]' | '[R]';

export const HYPOTHESIS_IDS = ['H1', 'H2', 'H3', 'H4', 'H5'] as const;

export const EXPRESSION_IDS = [
  ...HYPOTHESIS_IDS,
  'B1',
  'R0bound',
  'B1rate',
  'B1rateEmp',
  'B2',
  'B2prime',
  'B4rho',
  'B4fullDim',
  'B4inside',
  'FWrate',
  'FWexponent',
  'B3',
  'B3upper',
  'epsFull',
  'epsT',
  'epsN',
  'epsTMin',
  'epsNMin',
  'epsTMinAtN',
  'epsNLimit',
  'epsNMinLimit',
] as const;

export type HypothesisId = (typeof HYPOTHESIS_IDS)[number];
export type ExpressionId = (typeof EXPRESSION_IDS)[number];

export type ExpressionKind = 'hypothesis' | 'condition' | 'value';
export type ValueDomain = 'iterations' | 'size' | 'real';

export interface ExpressionDef {
  id: ExpressionId;
  label: SourceLabel;
  kind: ExpressionKind;
  /** How a 'value' is read; 'real' for relations. */
  domain: ValueDomain;
  /** One line, in the notation of THEORY.md. */
  statement: string;
  /** The default mathjs expression. */
  expr: string;
  /** Symbols the default expression uses (checked against the parse in the tests). */
  symbols: readonly TheorySymbol[];
}

/** Contraction factor of B1, shared by several strings below. */
const FACTOR = '(1 - eta*lambda0/2)';

function def(
  id: ExpressionId,
  label: SourceLabel,
  kind: ExpressionKind,
  domain: ValueDomain,
  statement: string,
  expr: string,
  symbols: readonly TheorySymbol[],
): ExpressionDef {
  return { id, label, kind, domain, statement, expr, symbols };
}

const DEFINITIONS: readonly ExpressionDef[] = [
  // Hypotheses of B1 [Du19].
  def(
    'H1',
    '[Du19]',
    'hypothesis',
    'real',
    '‖x_j‖₂ = 1 for every input (max_j |‖x_j‖₂ − 1| within tolerance)',
    'normMax <= normTol',
    ['normMax', 'normTol'],
  ),
  def('H2', '[Du19]', 'hypothesis', 'real', '|y_j| ≤ C for every label', 'yMax <= C', ['yMax', 'C']),
  def('H3', '[Du19]', 'hypothesis', 'real', 'λ0 = λ_min(H∞) > 0', 'lambda0 > 0', ['lambda0']),
  def(
    'H4',
    '[Du19]',
    'hypothesis',
    'real',
    'κ = 1 and N ≥ c_N m⁶ / (λ0⁴ δ³)',
    'kappa == 1 and N >= c_N * m^6 / (lambda0^4 * delta^3)',
    ['kappa', 'N', 'c_N', 'm', 'lambda0', 'delta'],
  ),
  def('H5', '[Du19]', 'hypothesis', 'real', 'η ≤ c_η λ0 / m²', 'eta <= c_eta * lambda0 / m^2', [
    'eta',
    'c_eta',
    'lambda0',
    'm',
  ]),

  // B1: dense contraction [Du19].
  def(
    'B1',
    '[Du19]',
    'value',
    'real',
    'R(t) ≤ (1 − ηλ0/2)^t R(0) for all t, w.p. ≥ 1 − δ under H1–H5',
    `R0 * ${FACTOR}^t`,
    ['R0', 'eta', 'lambda0', 't'],
  ),
  def(
    'R0bound',
    '[Du19]',
    'value',
    'real',
    'R(0) ≤ m·C_out (C² + κ²/2) / δ w.p. ≥ 1 − δ (Markov over the m·C_out entries, E u_j(0)² = κ²/2)',
    'm*outputs*(C^2 + kappa^2/2)/delta',
    ['m', 'outputs', 'C', 'kappa', 'delta'],
  ),
  def('B1rate', '[Du19]', 'value', 'real', 'per-step contraction rate guaranteed by B1: ηλ0/2', 'eta*lambda0/2', [
    'eta',
    'lambda0',
  ]),
  def(
    'B1rateEmp',
    '[Du19]',
    'value',
    'real',
    'empirical contraction rate −ln(R(t)/R(0))/t, compared with ηλ0/2',
    '-log(Rt/R0)/t',
    ['Rt', 'R0', 't'],
  ),

  // B2, B2′, B4: greedy selection and the hull [FW].
  def('B2', '[FW]', 'value', 'real', '‖f_{S_n} − y‖² ≤ R(t) + D_t² H_n / n (greedy, any t)', 'Rt + D^2 * Hn / n', [
    'Rt',
    'D',
    'Hn',
    'n',
  ]),
  def('B2prime', '[FW]', 'value', 'real', '‖f_{S_n} − y‖² ≤ D_y² / n when y ∈ conv{Φ_r(t)} (herding)', 'Dy^2 / n', [
    'Dy',
    'n',
  ]),
  def(
    'B4rho',
    '[FW]',
    'value',
    'real',
    'ρ_t = λ_min(Σ_t) / (2 max_r ‖Φ_r − u‖): the ball B(u(t), ρ_t) lies in the hull',
    'lambdaSigma / (2 * devMax)',
    ['lambdaSigma', 'devMax'],
  ),
  def(
    'B4fullDim',
    '[FW]',
    'condition',
    'real',
    'ρ_t > 0 needs N > m·outputs (otherwise the hull is flat and B4 is void)',
    'N > m * outputs',
    ['N', 'm', 'outputs'],
  ),
  def('B4inside', '[FW]', 'condition', 'real', 'R(t) < ρ_t² implies y ∈ conv{Φ_r(t)}, so B2′ applies', 'Rt < rho^2', [
    'Rt',
    'rho',
  ]),

  // The fast rate inside the hull [FW] (THEORY.md §4.9).
  def(
    'FWrate',
    '[FW]',
    'value',
    'real',
    '‖f_{S_n} − y‖² ≤ max(D_y², D_y⁴/(4r²)) / n² when B(y, r) ⊆ hull, r = ρ_t − √R(t) > 0 (greedy with replacement)',
    'max(Dy^2, Dy^4 / (4 * max(rho - sqrt(Rt), 0)^2)) / n^2',
    ['Dy', 'rho', 'Rt', 'n'],
  ),
  def(
    'FWexponent',
    '[FW]',
    'value',
    'real',
    'n-exponent the rate claim requires: halfway between the sampling rate 1 (B2′) and the fast rate 2 (FWrate)',
    '(1 + 2) / 2',
    [],
  ),

  // B3: the pre-training threshold [R].
  def(
    'B3',
    '[R]',
    'value',
    'iterations',
    'T*(m) = ln(R(0)/ρ²) / (−ln(1 − ηλ0/2)): iterations until R(t) < ρ² by B1',
    `log(R0 / rho^2) / (-log${FACTOR})`,
    ['R0', 'rho', 'eta', 'lambda0'],
  ),
  def(
    'B3upper',
    '[R]',
    'value',
    'iterations',
    'T*(m) ≤ (2/(ηλ0)) ln(m·C_out (C² + κ²/2) / (δ ρ²)): logarithmic in m at fixed η, λ0, ρ',
    '(2/(eta*lambda0)) * log(m*outputs*(C^2 + kappa^2/2)/(delta*rho^2))',
    ['eta', 'lambda0', 'm', 'outputs', 'C', 'kappa', 'delta', 'rho'],
  ),

  // Target loss ε: the sufficient condition from B1 + B2 and its split [R].
  def(
    'epsFull',
    '[R]',
    'condition',
    'real',
    '(1 − ηλ0/2)^t R(0) + D_t² H_n / n ≤ 2mε (subnetwork loss ≤ ε)',
    `${FACTOR}^t * R0 + D^2*Hn/n <= 2*m*epsilon`,
    ['eta', 'lambda0', 't', 'R0', 'D', 'Hn', 'n', 'm', 'epsilon'],
  ),
  def(
    'epsT',
    '[R]',
    'condition',
    'real',
    'pre-training half: (1 − ηλ0/2)^t R(0) ≤ mε',
    `${FACTOR}^t * R0 <= m*epsilon`,
    ['eta', 'lambda0', 't', 'R0', 'm', 'epsilon'],
  ),
  def('epsN', '[R]', 'condition', 'real', 'size half: D_t² H_n / n ≤ mε', 'D^2*Hn/n <= m*epsilon', [
    'D',
    'Hn',
    'n',
    'm',
    'epsilon',
  ]),
  def(
    'epsTMin',
    '[R]',
    'value',
    'iterations',
    'pre-training half holds iff t ≥ ln(R(0)/(mε)) / (−ln(1 − ηλ0/2))',
    `log(R0/(m*epsilon)) / (-log${FACTOR})`,
    ['R0', 'm', 'epsilon', 'eta', 'lambda0'],
  ),
  def(
    'epsNMin',
    '[R]',
    'value',
    'size',
    'size half holds if n ≥ (2D²/(mε))(1 + ln(D²/(mε))) (from H_n ≤ 1 + ln n; n = 1 when D² ≤ mε)',
    '(2*D^2/(m*epsilon)) * (1 + log(D^2/(m*epsilon)))',
    ['D', 'm', 'epsilon'],
  ),
  def(
    'epsTMinAtN',
    '[R]',
    'value',
    'iterations',
    'minimum t at this n: t ≥ ln(R(0) / (2mε − D_t² H_n/n)) / (−ln(1 − ηλ0/2)), none if D_t² H_n/n ≥ 2mε',
    `log(R0/(2*m*epsilon - D^2*Hn/n)) / (-log${FACTOR})`,
    ['R0', 'm', 'epsilon', 'D', 'Hn', 'n', 'eta', 'lambda0'],
  ),
  def(
    'epsNLimit',
    '[R]',
    'condition',
    'real',
    'size condition as t → ∞: D_t² H_n / n ≤ 2mε',
    'D^2*Hn/n <= 2*m*epsilon',
    ['D', 'Hn', 'n', 'm', 'epsilon'],
  ),
  def(
    'epsNMinLimit',
    '[R]',
    'value',
    'size',
    'as t → ∞, n ≥ (D²/(mε))(1 + ln(D²/(2mε))) suffices (from H_n ≤ 1 + ln n; n = 1 when D² ≤ 2mε)',
    '(D^2/(m*epsilon)) * (1 + log(D^2/(2*m*epsilon)))',
    ['D', 'm', 'epsilon'],
  ),
];

export const EXPRESSIONS: Readonly<Record<ExpressionId, ExpressionDef>> = Object.freeze(
  Object.fromEntries(DEFINITIONS.map((d) => [d.id, Object.freeze(d)])) as Record<ExpressionId, ExpressionDef>,
);

export function isExpressionId(id: string): id is ExpressionId {
  return (EXPRESSION_IDS as readonly string[]).includes(id);
}
