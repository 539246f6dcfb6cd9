/**
 * Symbolic check of B3's claim: at fixed η, λ0, ρ the threshold T*(m) is linear in ln m.
 *
 * With m = e^s, d(T*)/ds is the slope of T* against ln m. mathjs differentiates and simplifies; the slope is
 * constant exactly when m (and s) no longer appear. Three cases:
 *  - upper form at fixed η: slope 2/(ηλ0);
 *  - exact form at fixed η with R(0) at its Markov bound (∝ m): slope −1/ln(1 − ηλ0/2);
 *  - upper form with η at its H5 value c_η λ0/m²: the slope still contains m (it grows like m² ln m),
 *    so with H5 taken literally T* is far from logarithmic in m;
 *  - upper form with η = r·2/λ_max(H∞), λ_max(H∞) = βm (the step any stable run must use): the slope grows
 *    like m ln m, so "logarithmic in m" needs η held fixed, which is stable only while λ_max(H∞) < 2/η.
 * The expressions used are the effective ones (overrides included), so a user's bound is checked too.
 */
import { resolveTheory, type ResolvedTheory, type TheoryOverrides } from './config';
import { nodeToLatex } from './latex';
import { collectNames, math, type MathNode } from './math';

export interface SlopeDerivation {
  /** What was differentiated. */
  description: string;
  /** T* as a function of m after the substitutions. */
  tStar: string;
  /** d(T*)/ds with s = ln m, simplified. */
  derivativeInS: string;
  /** The same slope written in m (e^s → m, s → ln m). */
  derivative: string;
  latex: string;
  /** Symbols the slope depends on. */
  symbols: string[];
  /** True when neither m nor s appears in the slope: T* is exactly linear in ln m. */
  constantInLnM: boolean;
}

export interface TStarSlopes {
  upperFixedEta: SlopeDerivation;
  exactFixedEta: SlopeDerivation;
  upperEtaH5: SlopeDerivation;
  /** η a fixed fraction r of the stability limit 2/λ_max(H∞), with λ_max(H∞) ≈ βm (measured ≈ linear in m). */
  upperStableEta: SlopeDerivation;
}

function isSymbol(node: MathNode, name: string): boolean {
  return node.type === 'SymbolNode' && (node as unknown as { name: string }).name === name;
}

/** Replaces every occurrence of symbol `name` by `(replacement)`. */
function substitute(node: MathNode, name: string, replacement: string): MathNode {
  const parsed = math.parse(`(${replacement})`);
  return node.transform((child) => (isSymbol(child, name) ? parsed.cloneDeep() : child));
}

/** e^s → m, then s → ln m, so the slope reads in the original variable. */
function backToM(node: MathNode): MathNode {
  const m = math.parse('m');
  const noExp = node.transform((child) => {
    if (child.type !== 'FunctionNode') return child;
    const { fn, args } = child as unknown as { fn: MathNode; args: MathNode[] };
    return isSymbol(fn, 'exp') && args.length === 1 && isSymbol(args[0], 's') ? m.cloneDeep() : child;
  });
  return substitute(noExp, 's', 'log(m)');
}

/** mathjs' default rules plus one that writes a/b/c as a/(b·c), for readable slopes. */
const SIMPLIFY_RULES = [...math.simplify.rules, 'n1/n2/n3 -> n1/(n2*n3)'];

function slopeInLnM(description: string, tStarOfM: MathNode): SlopeDerivation {
  const ofS = substitute(tStarOfM, 'm', 'exp(s)');
  const slopeS = math.simplify(math.derivative(ofS, 's'), SIMPLIFY_RULES);
  const slopeM = math.simplify(backToM(slopeS), SIMPLIFY_RULES);
  const symbols = collectNames(slopeS).symbols.sort();
  return {
    description,
    tStar: tStarOfM.toString(),
    derivativeInS: slopeS.toString(),
    derivative: slopeM.toString(),
    latex: nodeToLatex(slopeM),
    symbols,
    constantInLnM: !symbols.includes('s') && !symbols.includes('m'),
  };
}

/** The right side of H5's `eta <= …`, i.e. η at its H5 value. */
function etaH5Text(theory: ResolvedTheory): string {
  const relation = theory.expressions.H5.relations?.find(
    (r) => r.lhsSymbol === 'eta' && (r.op === '<=' || r.op === '<'),
  );
  if (!relation) {
    throw new Error(`deriveTStarSlopes: H5 "${theory.expressions.H5.def.expr}" has no 'eta <= …' part to take η from`);
  }
  return relation.rhsText;
}

/**
 * d(T*)/d(ln m) for the upper and exact forms at fixed η, and for the upper form with η at its H5 value
 * (THEORY.md §4.7, §7.4), derived symbolically.
 *
 * @param overrides - constants or expressions replacing the stated ones.
 * @returns the slopes.
 */
export function deriveTStarSlopes(overrides?: TheoryOverrides): TStarSlopes {
  const theory = resolveTheory(overrides);
  const upper = theory.expressions.B3upper.node;
  const exactWithMarkovR0 = substitute(theory.expressions.B3.node, 'R0', theory.expressions.R0bound.def.expr);
  const upperH5 = substitute(upper, 'eta', etaH5Text(theory));
  return {
    upperFixedEta: slopeInLnM('B3 upper form, η fixed', upper),
    exactFixedEta: slopeInLnM('B3 exact form, η fixed, R(0) = m(C² + κ²/2)/δ (∝ m)', exactWithMarkovR0),
    upperEtaH5: slopeInLnM('B3 upper form, η = c_η λ0 / m² (H5 taken literally)', upperH5),
    upperStableEta: slopeInLnM(
      'B3 upper form, η = r·2/λ_max(H∞) with λ_max(H∞) = β·m (any stable step shrinks like 1/λ_max, which grows ≈ linearly in m)',
      substitute(upper, 'eta', '2*r/(beta*m)'),
    ),
  };
}
