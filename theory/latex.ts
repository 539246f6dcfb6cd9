/**
 * LaTeX for every theory expression (mathjs toTex with pruneproof's symbol names), for the report.
 */
import { resolveTheory, type TheoryOverrides } from './config';
import { EXPRESSION_IDS, type ExpressionId } from './expressions';
import type { MathNode } from './math';
import { isTheorySymbol, SYMBOL_TEX } from './symbols';

type TexOptions = { handler: (node: MathNode, options: TexOptions) => string | undefined; parenthesis: 'auto' };

/** Symbols in braces so mathjs' concatenation stays valid (`\geq{N}`, not `\geqN`); `and` spaced out. */
function texHandler(node: MathNode, options: TexOptions): string | undefined {
  if (node.type === 'SymbolNode') {
    const name = (node as unknown as { name: string }).name;
    return isTheorySymbol(name) ? `{${SYMBOL_TEX[name]}}` : undefined;
  }
  if (node.type === 'OperatorNode' && (node as unknown as { fn: string }).fn === 'and') {
    const args = (node as unknown as { args: MathNode[] }).args;
    return args.map((arg) => arg.toTex(options)).join(' \\;\\wedge\\; ');
  }
  return undefined;
}

const TEX_OPTIONS: TexOptions = { handler: texHandler, parenthesis: 'auto' };

export function nodeToLatex(node: MathNode): string {
  return node.toTex(TEX_OPTIONS);
}

/** LaTeX of one expression (the override when there is one). */
export function expressionLatex(id: ExpressionId, overrides?: TheoryOverrides): string {
  return nodeToLatex(resolveTheory(overrides).expressions[id].node);
}

/** LaTeX of every expression, keyed by id. */
export function allExpressionsLatex(overrides?: TheoryOverrides): Record<ExpressionId, string> {
  const theory = resolveTheory(overrides);
  return Object.fromEntries(EXPRESSION_IDS.map((id) => [id, nodeToLatex(theory.expressions[id].node)])) as Record<
    ExpressionId,
    string
  >;
}
