/**
 * The mathjs instance of theory/ and small helpers on its expression trees.
 *
 * `predictable: true` makes log(−1) and (−2)^0.5 return NaN instead of complex numbers, so every
 * evaluation yields a plain number that the evaluators can diagnose.
 */
import type * as MathJs from 'mathjs' with { 'resolution-mode': 'import' };
import { harmonic } from './harmonic';

// mathjs 15 ships ESM type declarations only ("type": "module"); under module node16 a CommonJS file may
// not `import` it, so mathjs is loaded with require and typed from the ESM declarations.
// The single-file bundle is loaded rather than the CommonJS build: the latter is ~1000 modules and takes
// ~5 s to load under jest (0.3 s for the bundle). The bundle's `create(config)` has its factories bound;
// should a mathjs upgrade change that, the check below falls back to the CommonJS build.
type MathInstance = MathJs.MathJsInstance;
const CONFIG = { predictable: true } as const;

function createInstance(): MathInstance {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bundle = require('mathjs/lib/browser/math.js') as { create(config: typeof CONFIG): MathInstance };
    const instance = bundle.create(CONFIG);
    if (instance.config({}).predictable === true && typeof instance.simplify === 'function') return instance;
  } catch {
    // fall through to the CommonJS build
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mathjs = require('mathjs') as typeof MathJs;
  return mathjs.create(mathjs.all, CONFIG);
}

export type MathNode = MathJs.MathNode;
export type EvalFunction = MathJs.EvalFunction;

export const math = createInstance();
math.import({ harmonic }, { override: false });

export type RelationOp = '<' | '<=' | '>' | '>=' | '==';

/** One relation `lhs op rhs` of a hypothesis or condition. */
export interface RelationNodes {
  op: RelationOp;
  lhs: MathNode;
  rhs: MathNode;
}

const OP_BY_FN: Record<string, RelationOp> = {
  smaller: '<',
  smallerEq: '<=',
  larger: '>',
  largerEq: '>=',
  equal: '==',
};

/** Node types a theory expression may contain: arithmetic, relations, calls and symbols only. */
const ALLOWED_NODE_TYPES = new Set([
  'ConstantNode',
  'SymbolNode',
  'OperatorNode',
  'ParenthesisNode',
  'FunctionNode',
  'RelationalNode',
  'ConditionalNode',
]);

/**
 * Symbol names, called function names and disallowed nodes (assignments, function definitions, matrices,
 * blocks, string or boolean constants, …) of an expression tree. A function name is not counted as a symbol.
 */
export function collectNames(node: MathNode): { symbols: string[]; functions: string[]; badNodeTypes: string[] } {
  const symbols = new Set<string>();
  const functions = new Set<string>();
  const badNodeTypes = new Set<string>();
  node.traverse((child, path, parent) => {
    if (!ALLOWED_NODE_TYPES.has(child.type)) badNodeTypes.add(child.type);
    const constant = (child as unknown as { value?: unknown }).value;
    if (child.type === 'ConstantNode' && typeof constant !== 'number')
      badNodeTypes.add(`non-numeric constant ${JSON.stringify(constant)}`);
    if (child.type !== 'SymbolNode') return;
    const name = (child as unknown as { name: string }).name;
    if (parent?.type === 'FunctionNode' && path === 'fn') functions.add(name);
    else symbols.add(name);
  });
  return { symbols: [...symbols], functions: [...functions], badNodeTypes: [...badNodeTypes] };
}

function unwrapParentheses(node: MathNode): MathNode {
  let current = node;
  while (current.type === 'ParenthesisNode') current = (current as unknown as { content: MathNode }).content;
  return current;
}

/**
 * Splits `a op b and c op d and …` (also chained `a < b <= c`) into relations, or returns null when the
 * tree is not a conjunction of relations.
 */
export function splitRelations(node: MathNode): RelationNodes[] | null {
  const root = unwrapParentheses(node);
  if (root.type === 'OperatorNode') {
    const { fn, args } = root as unknown as { fn: string; args: MathNode[] };
    if (fn === 'and') {
      const parts = args.map(splitRelations);
      return parts.every((p) => p !== null) ? (parts as RelationNodes[][]).flat() : null;
    }
    const op = OP_BY_FN[fn];
    return op && args.length === 2 ? [{ op, lhs: args[0], rhs: args[1] }] : null;
  }
  if (root.type === 'RelationalNode') {
    const { conditionals, params } = root as unknown as { conditionals: string[]; params: MathNode[] };
    const ops = conditionals.map((c) => OP_BY_FN[c]);
    if (ops.some((op) => op === undefined)) return null;
    return ops.map((op, i) => ({ op, lhs: params[i], rhs: params[i + 1] }));
  }
  return null;
}

/** True when `lhs op rhs` holds (plain IEEE comparison; NaN never holds). */
export function compare(lhs: number, op: RelationOp, rhs: number): boolean {
  switch (op) {
    case '<':
      return lhs < rhs;
    case '<=':
      return lhs <= rhs;
    case '>':
      return lhs > rhs;
    case '>=':
      return lhs >= rhs;
    case '==':
      return lhs === rhs;
  }
}
