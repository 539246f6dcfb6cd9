/**
 * User overrides of the theory (constants and expression strings) and their compilation.
 *
 * A config file can replace any bound with the paper's exact statement, e.g.
 *   { "constants": { "c_N": 64 }, "expressions": { "H4": "kappa == 1 and N >= c_N * m^4 / lambda0^4" } }
 * Overrides are validated up front: the string must parse, use only known symbols and allowed functions,
 * and have the right shape (a relation for hypotheses and conditions, a number for values). Errors name the
 * expression id and the offending symbol or parse error.
 */
import { DEFAULT_CONSTANTS, validateConstant, type TheoryConstants } from './constants';
import { EXPRESSION_IDS, EXPRESSIONS, isExpressionId, type ExpressionDef, type ExpressionId } from './expressions';
import { collectNames, math, splitRelations, type EvalFunction, type MathNode, type RelationOp } from './math';
import {
  ALLOWED_CONSTANTS,
  ALLOWED_FUNCTIONS,
  CONSTANT_SYMBOLS,
  isTheorySymbol,
  THEORY_SYMBOLS,
  type ConstantSymbol,
  type TheorySymbol,
} from './symbols';

export interface TheoryOverrides {
  constants?: Partial<TheoryConstants>;
  expressions?: Partial<Record<ExpressionId, string>>;
}

/** A bad override. `expressionId` names the expression (null for constants and file-shape errors). */
export class TheoryConfigError extends Error {
  constructor(
    readonly expressionId: ExpressionId | null,
    message: string,
  ) {
    super(message);
    this.name = 'TheoryConfigError';
  }
}

export interface CompiledRelation {
  op: RelationOp;
  lhsText: string;
  rhsText: string;
  /** The symbol name when the side is a bare symbol (used for "N = 512" style messages). */
  lhsSymbol: TheorySymbol | null;
  /** Symbols of the right side (to check they are all given before evaluating it alone). */
  rhsSymbols: TheorySymbol[];
  lhs: EvalFunction;
  rhs: EvalFunction;
}

export interface CompiledExpression {
  /** The definition with `expr` replaced by the override when there is one. */
  def: ExpressionDef;
  overridden: boolean;
  node: MathNode;
  /** Symbols the effective expression uses. */
  symbols: TheorySymbol[];
  /** For hypotheses and conditions: the relations that must all hold. */
  relations: CompiledRelation[] | null;
  /** For values: the compiled expression. */
  value: EvalFunction | null;
}

export interface ResolvedTheory {
  constants: TheoryConstants;
  expressions: Record<ExpressionId, CompiledExpression>;
}

const ALLOWED_NAMES: readonly string[] = [...ALLOWED_CONSTANTS];
const ALLOWED_FUNCTION_NAMES: readonly string[] = ALLOWED_FUNCTIONS;

function fail(id: ExpressionId, overridden: boolean, message: string): never {
  throw new TheoryConfigError(id, `theory ${overridden ? 'override' : 'expression'} '${id}': ${message}`);
}

function parseExpression(id: ExpressionId, text: string, overridden: boolean): MathNode {
  if (typeof text !== 'string' || text.trim() === '') {
    fail(id, overridden, `must be a non-empty mathjs expression string, got ${JSON.stringify(text)}`);
  }
  try {
    return math.parse(text);
  } catch (err) {
    return fail(id, overridden, `parse error in "${text}": ${(err as Error).message}`);
  }
}

function checkNames(id: ExpressionId, text: string, node: MathNode, overridden: boolean): TheorySymbol[] {
  const { symbols, functions, badNodeTypes } = collectNames(node);
  if (badNodeTypes.length > 0) {
    fail(
      id,
      overridden,
      `"${text}" contains ${badNodeTypes.join(', ')}; only arithmetic, relations and function calls are allowed`,
    );
  }
  for (const fn of functions) {
    if (!ALLOWED_FUNCTION_NAMES.includes(fn)) {
      fail(id, overridden, `function '${fn}' in "${text}" is not allowed (allowed: ${ALLOWED_FUNCTIONS.join(', ')})`);
    }
  }
  for (const name of symbols) {
    if (!isTheorySymbol(name) && !ALLOWED_NAMES.includes(name)) {
      fail(id, overridden, `unknown symbol '${name}' in "${text}" (known symbols: ${THEORY_SYMBOLS.join(', ')})`);
    }
  }
  return symbols.filter(isTheorySymbol);
}

function compileRelations(id: ExpressionId, text: string, node: MathNode, overridden: boolean): CompiledRelation[] {
  const parts = splitRelations(node);
  if (parts === null) {
    fail(id, overridden, `must be a relation (lhs <= rhs, <, >, >=, ==; several joined by 'and'), got "${text}"`);
  }
  return parts.map(({ op, lhs, rhs }) => ({
    op,
    lhsText: lhs.toString(),
    rhsText: rhs.toString(),
    lhsSymbol: lhs.type === 'SymbolNode' && isTheorySymbol(String(lhs)) ? (String(lhs) as TheorySymbol) : null,
    rhsSymbols: collectNames(rhs).symbols.filter(isTheorySymbol),
    lhs: lhs.compile(),
    rhs: rhs.compile(),
  }));
}

function compileExpression(base: ExpressionDef, override: string | undefined): CompiledExpression {
  const overridden = override !== undefined;
  const text = overridden ? override : base.expr;
  const node = parseExpression(base.id, text, overridden);
  const symbols = checkNames(base.id, text, node, overridden);
  const isRelation = base.kind !== 'value';
  if (!isRelation && splitRelations(node) !== null) {
    fail(base.id, overridden, `must be a numeric expression, not a relation, got "${text}"`);
  }
  return {
    def: { ...base, expr: text },
    overridden,
    node,
    symbols,
    relations: isRelation ? compileRelations(base.id, text, node, overridden) : null,
    value: isRelation ? null : node.compile(),
  };
}

function resolveConstants(overrides: Partial<TheoryConstants> | undefined): TheoryConstants {
  const constants: TheoryConstants = { ...DEFAULT_CONSTANTS };
  for (const [name, value] of Object.entries(overrides ?? {})) {
    if (!(CONSTANT_SYMBOLS as readonly string[]).includes(name)) {
      throw new TheoryConfigError(
        null,
        `theory override: unknown constant '${name}' (known constants: ${CONSTANT_SYMBOLS.join(', ')})`,
      );
    }
    if (value === undefined) continue;
    try {
      constants[name as ConstantSymbol] = validateConstant(name as ConstantSymbol, value, 'theory override');
    } catch (err) {
      throw new TheoryConfigError(null, (err as Error).message);
    }
  }
  return constants;
}

function compileAll(overrides: TheoryOverrides | undefined): Record<ExpressionId, CompiledExpression> {
  const given = overrides?.expressions ?? {};
  for (const id of Object.keys(given)) {
    if (!isExpressionId(id)) {
      throw new TheoryConfigError(
        null,
        `theory override: unknown expression id '${id}' (known ids: ${EXPRESSION_IDS.join(', ')})`,
      );
    }
  }
  const compiled = {} as Record<ExpressionId, CompiledExpression>;
  for (const id of EXPRESSION_IDS) compiled[id] = compileExpression(EXPRESSIONS[id], given[id]);
  return compiled;
}

let defaultTheory: ResolvedTheory | null = null;

/** Validates and compiles the overrides (the defaults are compiled once and reused). */
export function resolveTheory(overrides?: TheoryOverrides): ResolvedTheory {
  const isDefault = !overrides || (!overrides.constants && !overrides.expressions);
  if (isDefault && defaultTheory) return defaultTheory;
  const theory = { constants: resolveConstants(overrides?.constants), expressions: compileAll(overrides) };
  if (isDefault) defaultTheory = theory;
  return theory;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks the shape of a `theory` section read from a config file (unknown JSON) and validates it fully
 * (every expression compiled), so a bad file fails at load time, not mid-experiment.
 */
export function parseTheoryOverrides(raw: unknown): TheoryOverrides {
  if (raw === undefined) return {};
  if (!isPlainObject(raw))
    throw new TheoryConfigError(null, 'theory override: expected an object with "constants" and/or "expressions"');
  for (const key of Object.keys(raw)) {
    if (key !== 'constants' && key !== 'expressions') {
      throw new TheoryConfigError(
        null,
        `theory override: unknown key '${key}' (expected "constants" and/or "expressions")`,
      );
    }
  }
  const { constants, expressions } = raw;
  if (constants !== undefined && !isPlainObject(constants)) {
    throw new TheoryConfigError(null, 'theory override: "constants" must be an object of numbers');
  }
  if (expressions !== undefined && !isPlainObject(expressions)) {
    throw new TheoryConfigError(null, 'theory override: "expressions" must be an object of mathjs strings');
  }
  for (const [id, text] of Object.entries(expressions ?? {})) {
    if (typeof text !== 'string') {
      const named = isExpressionId(id) ? id : null;
      throw new TheoryConfigError(
        named,
        `theory override '${id}': expected a mathjs expression string, got ${JSON.stringify(text)}`,
      );
    }
  }
  const overrides: TheoryOverrides = {
    constants: constants as Partial<TheoryConstants> | undefined,
    expressions: expressions as Partial<Record<ExpressionId, string>> | undefined,
  };
  resolveTheory(overrides);
  return overrides;
}
