/**
 * Evaluation of compiled theory expressions on a scope: values (with a reason whenever the number is not
 * finite or was clamped) and relations (with "holds / fails by a factor" details).
 */
import type { CompiledExpression, CompiledRelation, ResolvedTheory } from './config';
import { resolveTheory, TheoryConfigError } from './config';
import type { ExpressionId, SourceLabel } from './expressions';
import { formatNumber as fmt, OP_TEXT } from './format';
import type { Scope } from './inputs';
import { compare } from './math';
import { SYMBOL_MEANING, type TheorySymbol } from './symbols';

interface ExpressionInfo {
  id: ExpressionId;
  label: SourceLabel;
  statement: string;
  /** The effective mathjs string (the override when there is one). */
  expr: string;
  overridden: boolean;
}

/** A bound, threshold or rate evaluated on a configuration. */
export interface BoundValue extends ExpressionInfo {
  /** null: could not be evaluated; ±Infinity is a legitimate answer (e.g. T* = ∞ when ρ = 0). */
  value: number | null;
  /** Set whenever value is null or non-finite, or the formula's number was clamped (iterations, sizes). */
  reason?: string;
}

/** A hypothesis or condition evaluated on a configuration. */
export interface ConditionCheck extends ExpressionInfo {
  /** null: cannot be evaluated (a number is missing or an expression gives NaN); see `reason`. */
  holds: boolean | null;
  /** Both sides of the deciding relation (the first failing one, else the last). */
  lhs: number | null;
  rhs: number | null;
  /** How far the deciding relation is from holding (rhs/lhs for ≥, lhs/rhs for ≤), when it fails. */
  factor: number | null;
  /** Human summary, e.g. "H5 holds: eta = 0.001 ≤ 0.0025". */
  detail: string;
  reason?: string;
}

function info(compiled: CompiledExpression): ExpressionInfo {
  const { id, label, statement, expr } = compiled.def;
  return { id, label, statement, expr, overridden: compiled.overridden };
}

function missingSymbols(compiled: CompiledExpression, scope: Scope): TheorySymbol[] {
  return compiled.symbols.filter((s) => scope[s] === undefined);
}

function missingReason(missing: TheorySymbol[]): string {
  return `needs ${missing.map((s) => `${s} (${SYMBOL_MEANING[s]})`).join(', ')}, not provided`;
}

/** Evaluates to a plain number; anything else (boolean, matrix, unit, string) is a configuration error. */
function toNumber(id: ExpressionId, text: string, result: unknown): number {
  if (typeof result === 'number') return result;
  throw new TheoryConfigError(
    id,
    `theory expression '${id}': "${text}" evaluates to ${typeof result} ${String(result)}, expected a number`,
  );
}

function scopeText(symbols: TheorySymbol[], scope: Scope): string {
  return symbols.map((s) => `${s} = ${fmt(scope[s] as number)}`).join(', ');
}

/** Why B4's radius is zero. */
export function rhoZeroReason(scope: Scope): string {
  const { N, m, outputs = 1 } = scope;
  if (N !== undefined && m !== undefined && N <= m * outputs) {
    return `B4 void: N = ${fmt(N)} ≤ m·outputs = ${fmt(m * outputs)}, so the hull of the N feature vectors is not full-dimensional and ρ_t = 0`;
  }
  return 'ρ_t = 0 (λ_min(Σ_t) = 0): B4 gives no ball around u(t)';
}

/** A reason B1's contraction is unusable (λ0 ≤ 0, or ηλ0/2 outside (0, 1)), or null. */
function contractionProblem(scope: Scope): { reason: string; never: boolean } | null {
  const { eta, lambda0 } = scope;
  if (eta === undefined || lambda0 === undefined) return null;
  if (lambda0 <= 0) {
    return {
      reason: `λ0 = ${fmt(lambda0)} ≤ 0 (H3 fails): B1 gives no contraction, so the threshold is never reached`,
      never: true,
    };
  }
  const rate = (eta * lambda0) / 2;
  if (rate >= 1) {
    return {
      reason: `ηλ0/2 = ${fmt(rate)} ≥ 1: B1's factor (1 − ηλ0/2) is not in (0, 1), so B1 is meaningless`,
      never: false,
    };
  }
  return null;
}

/** The size part of the ε condition eats the whole budget: no t can make it hold. */
function budgetExhausted(scope: Scope): string | null {
  const { D, Hn, n, m, epsilon } = scope;
  if ([D, Hn, n, m, epsilon].some((v) => v === undefined)) return null;
  const sizeTerm = ((D as number) ** 2 * (Hn as number)) / (n as number);
  const budget = 2 * (m as number) * (epsilon as number);
  if (sizeTerm < budget) return null;
  return `size condition fails at n = ${fmt(n as number)}: D_t²H_n/n = ${fmt(sizeTerm)} ≥ 2mε = ${fmt(budget)}, so no t suffices (increase n)`;
}

/** Explains a non-finite value; `never` means the quantity is genuinely infinite (never reached). */
function diagnose(compiled: CompiledExpression, scope: Scope, raw: number): { reason: string; never: boolean } {
  const uses = (s: TheorySymbol) => compiled.symbols.includes(s);
  if (uses('rho') && scope.rho === 0) return { reason: `${rhoZeroReason(scope)}, hence ∞`, never: true };
  if (uses('D') && uses('epsilon')) {
    const exhausted = budgetExhausted(scope);
    if (exhausted) return { reason: exhausted, never: true };
  }
  return {
    reason: `"${compiled.def.expr}" evaluates to ${fmt(raw)} at ${scopeText(compiled.symbols, scope)}`,
    never: raw === Infinity,
  };
}

function iterationsValue(
  compiled: CompiledExpression,
  scope: Scope,
  raw: number,
): { value: number | null; reason?: string } {
  const problem = contractionProblem(scope);
  const uses = (s: TheorySymbol) => compiled.symbols.includes(s);
  if (problem && uses('eta') && uses('lambda0'))
    return { value: problem.never ? Infinity : null, reason: problem.reason };
  // Checked before the sign of the formula: with R(0) = 0 it reads ln(0/−x) = −∞, yet no t can help.
  const exhausted = uses('D') && uses('epsilon') ? budgetExhausted(scope) : null;
  if (exhausted) return { value: Infinity, reason: exhausted };
  if (raw === -Infinity) return { value: 0, reason: 'formula gives −∞ (a zero residual): met at t = 0' };
  if (!Number.isFinite(raw)) {
    const { reason, never } = diagnose(compiled, scope, raw);
    return { value: never ? Infinity : null, reason };
  }
  if (raw < 0) return { value: 0, reason: `formula gives ${fmt(raw)} < 0: already met at t = 0` };
  return { value: raw };
}

function sizeValue(compiled: CompiledExpression, scope: Scope, raw: number): { value: number | null; reason?: string } {
  // b(1 + ln b) → 0 as b = D²/(mε) → 0; with D² = 0 (or underflowing) the formula reads 0·(−∞).
  if ((Number.isNaN(raw) || raw === -Infinity) && scope.D !== undefined && scope.D ** 2 === 0) {
    return { value: 1, reason: 'D_t² = 0 (all neuron functions equal): n = 1 suffices' };
  }
  if (!Number.isFinite(raw)) {
    const { reason, never } = diagnose(compiled, scope, raw);
    return { value: never ? Infinity : null, reason };
  }
  const size = Math.max(1, Math.ceil(raw));
  return size === raw
    ? { value: size }
    : { value: size, reason: `formula gives ${fmt(raw)}; rounded up to a size ≥ 1` };
}

function realValue(compiled: CompiledExpression, scope: Scope, raw: number): { value: number | null; reason?: string } {
  if (Number.isFinite(raw)) return { value: raw };
  return { value: Number.isNaN(raw) ? null : raw, reason: diagnose(compiled, scope, raw).reason };
}

/** A value that cannot be computed, with the reason (e.g. η at its H5 value is unavailable). */
export function unavailableValue(theory: ResolvedTheory, id: ExpressionId, reason: string): BoundValue {
  return { ...info(theory.expressions[id]), value: null, reason };
}

/** Whether the paper's own formula for `id` gives finite numbers on the scope (every side, for a relation). */
function paperIsFinite(id: ExpressionId, scope: Scope): boolean {
  const paper = resolveTheory().expressions[id];
  if (missingSymbols(paper, scope).length > 0) return false;
  const numbers = paper.value
    ? [paper.value.evaluate({ ...scope }) as unknown]
    : (paper.relations ?? []).flatMap((r) => [r.lhs.evaluate({ ...scope }) as unknown, r.rhs.evaluate({ ...scope })]);
  return numbers.every((n) => typeof n === 'number' && Number.isFinite(n));
}

/**
 * A user's override must give a finite number wherever the paper's own formula does (e.g. "0/0" never can): a
 * NaN or ±∞ there is a bad override, reported with the run's inputs (exit 2), not a bound silently "not measured".
 */
function requireFiniteOverride(compiled: CompiledExpression, text: string, raw: number, scope: Scope): void {
  if (!compiled.overridden || Number.isFinite(raw)) return;
  const id = compiled.def.id;
  if (!paperIsFinite(id, scope)) return;
  throw new TheoryConfigError(
    id,
    `theory override '${id}': "${text}" evaluates to ${raw} at ${scopeText(compiled.symbols, scope) || 'this run'}, where the paper's formula gives a finite number; an override must evaluate to a finite number on the run's inputs`,
  );
}

/**
 * Before any run: each override that reads only what the configuration gives (no measured number) is evaluated on
 * every configuration scope. One that is NaN there (e.g. "0/0") is NaN whatever the runs measure, so it is refused
 * now, naming the scope. An override that reads a measured number is checked at each run (requireFiniteOverride);
 * ±∞ is left to that check too, since it is a legitimate value where the paper's formula is infinite as well.
 *
 * @param theory - the resolved overrides.
 * @param scopes - the configuration's scopes (constants, then m, N, n, η, ε as configured).
 * @throws TheoryConfigError naming the override, its text and the scope.
 */
export function checkOverridesBeforeRuns(theory: ResolvedTheory, scopes: readonly Scope[]): void {
  for (const compiled of Object.values(theory.expressions)) {
    if (!compiled.overridden) continue;
    const { id, expr } = compiled.def;
    for (const scope of scopes) {
      if (missingSymbols(compiled, scope).length > 0) continue;
      const sides = compiled.value
        ? [compiled.value.evaluate({ ...scope }) as unknown]
        : (compiled.relations ?? []).flatMap((r) => [
            r.lhs.evaluate({ ...scope }) as unknown,
            r.rhs.evaluate({ ...scope }),
          ]);
      if (!sides.some((raw) => Number.isNaN(toNumber(id, expr, raw)))) continue;
      const at = scopeText(compiled.symbols, scope);
      throw new TheoryConfigError(
        id,
        `theory override '${id}': "${expr}" evaluates to NaN${at ? ` at ${at}` : ''}, whatever the runs measure; an override must evaluate to a number on the run's inputs`,
      );
    }
  }
}

/** Evaluates a 'value' expression on the scope. */
export function evaluateValue(theory: ResolvedTheory, id: ExpressionId, scope: Scope): BoundValue {
  const compiled = theory.expressions[id];
  if (!compiled.value) throw new Error(`evaluateValue: '${id}' is a relation, not a value`);
  const missing = missingSymbols(compiled, scope);
  if (missing.length > 0) return { ...info(compiled), value: null, reason: missingReason(missing) };
  const raw = toNumber(id, compiled.def.expr, compiled.value.evaluate({ ...scope }));
  requireFiniteOverride(compiled, compiled.def.expr, raw, scope);
  const domain = compiled.def.domain;
  const result =
    domain === 'iterations'
      ? iterationsValue(compiled, scope, raw)
      : domain === 'size'
        ? sizeValue(compiled, scope, raw)
        : realValue(compiled, scope, raw);
  return { ...info(compiled), ...result };
}

interface RelationResult {
  relation: CompiledRelation;
  lhs: number;
  rhs: number;
  holds: boolean;
  factor: number | null;
}

/** How far a failing relation is from holding, when both sides are positive. */
function shortfallFactor(lhs: number, op: CompiledRelation['op'], rhs: number): number | null {
  if (!(lhs > 0 && rhs > 0)) return null;
  if (op === '>=' || op === '>') return rhs / lhs;
  if (op === '<=' || op === '<') return lhs / rhs;
  return null;
}

/** "N = 512, needs N ≥ 3.1e19 (short by a factor 6.1e16)"; a compound left side is not repeated. */
function describeRelation(r: RelationResult): string {
  const { lhsSymbol, lhsText, op: relOp } = r.relation;
  const name = lhsSymbol ?? lhsText;
  const op = OP_TEXT[relOp];
  if (r.holds) return relOp === '==' ? `${name} = ${fmt(r.lhs)}` : `${name} = ${fmt(r.lhs)} ${op} ${fmt(r.rhs)}`;
  const by = r.factor === null ? '' : ` (${relOp.startsWith('>') ? 'short' : 'over'} by a factor ${fmt(r.factor)})`;
  const needs = lhsSymbol === null ? `needs ${op} ${fmt(r.rhs)}` : `needs ${name} ${op} ${fmt(r.rhs)}`;
  return `${name} = ${fmt(r.lhs)}, ${needs}${by}`;
}

function notEvaluated(compiled: CompiledExpression, reason: string): ConditionCheck {
  return {
    ...info(compiled),
    holds: null,
    lhs: null,
    rhs: null,
    factor: null,
    detail: `${compiled.def.id} not evaluated: ${reason}`,
    reason,
  };
}

/** Evaluates a hypothesis or condition on the scope. */
export function evaluateCondition(theory: ResolvedTheory, id: ExpressionId, scope: Scope): ConditionCheck {
  const compiled = theory.expressions[id];
  if (!compiled.relations) throw new Error(`evaluateCondition: '${id}' is a value, not a relation`);
  const missing = missingSymbols(compiled, scope);
  if (missing.length > 0) return notEvaluated(compiled, missingReason(missing));
  const results: RelationResult[] = [];
  for (const relation of compiled.relations) {
    const lhs = toNumber(id, relation.lhsText, relation.lhs.evaluate({ ...scope }));
    const rhs = toNumber(id, relation.rhsText, relation.rhs.evaluate({ ...scope }));
    if (Number.isNaN(lhs) || Number.isNaN(rhs)) {
      const side = Number.isNaN(lhs) ? relation.lhsText : relation.rhsText;
      if (compiled.overridden && paperIsFinite(id, scope))
        throw new TheoryConfigError(
          id,
          `theory override '${id}': "${side}" evaluates to NaN at ${scopeText(compiled.symbols, scope) || 'this run'}, where the paper's relation gives numbers; an override must evaluate to numbers on the run's inputs`,
        );
      const problem = contractionProblem(scope);
      const why = problem ? `; ${problem.reason}` : '';
      return notEvaluated(compiled, `"${side}" evaluates to NaN at ${scopeText(compiled.symbols, scope)}${why}`);
    }
    const holds = compare(lhs, relation.op, rhs);
    results.push({ relation, lhs, rhs, holds, factor: holds ? null : shortfallFactor(lhs, relation.op, rhs) });
  }
  const failing = results.filter((r) => !r.holds);
  const deciding = failing.find((r) => r.factor !== null) ?? failing[0] ?? results[results.length - 1];
  const holds = failing.length === 0;
  const shown = holds ? results : failing;
  return {
    ...info(compiled),
    holds,
    lhs: deciding.lhs,
    rhs: deciding.rhs,
    factor: deciding.factor,
    detail: `${id} ${holds ? 'holds' : 'fails'}: ${shown.map(describeRelation).join('; ')}`,
  };
}

/** A check of a measured number against an evaluated bound (e.g. measured R(0) ≤ Markov bound). */
export function checkMeasured(bound: BoundValue, name: string, measured: number | undefined): ConditionCheck {
  const base = {
    id: bound.id,
    label: bound.label,
    statement: bound.statement,
    expr: bound.expr,
    overridden: bound.overridden,
  };
  const reason =
    measured === undefined
      ? `needs the measured ${name}, not provided`
      : bound.value === null
        ? bound.reason
        : undefined;
  if (measured === undefined || bound.value === null) {
    return {
      ...base,
      holds: null,
      lhs: null,
      rhs: null,
      factor: null,
      detail: `${bound.id} not evaluated: ${reason}`,
      reason,
    };
  }
  const holds = measured <= bound.value;
  const factor = holds ? null : shortfallFactor(measured, '<=', bound.value);
  const detail = holds
    ? `${bound.id} holds: ${name} = ${fmt(measured)} ≤ ${fmt(bound.value)}`
    : `${bound.id} fails: ${name} = ${fmt(measured)}, bound ${fmt(bound.value)}${factor === null ? '' : ` (over by a factor ${fmt(factor)})`}`;
  return { ...base, holds, lhs: measured, rhs: bound.value, factor, detail };
}
