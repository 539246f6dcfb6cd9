/**
 * pruneproof's theory module: the theorem's hypotheses and bounds (THEORY.md §4) as mathjs expressions,
 * evaluated on measured numbers. Independent of tfjs.
 */
export { EXPRESSIONS, EXPRESSION_IDS, HYPOTHESIS_IDS, harmonic } from './expressions';
export type {
  ExpressionDef,
  ExpressionId,
  ExpressionKind,
  HypothesisId,
  SourceLabel,
  ValueDomain,
} from './expressions';
export { DEFAULT_CONSTANTS } from './constants';
export type { TheoryConstants } from './constants';
export type { ConstantSymbol, InputSymbol, TheorySymbol } from './symbols';
export { parseTheoryOverrides, resolveTheory, TheoryConfigError } from './config';
export type { ResolvedTheory, TheoryOverrides } from './config';
export type { TheoryInputs } from './inputs';
export type { BoundValue, ConditionCheck } from './evaluators';
export {
  checkHypotheses,
  checkOverridesOnConfiguration,
  evaluateBounds,
  evaluateExpression,
  evaluateRelation,
  tStar,
} from './evaluate';
export type {
  B1Point,
  BoundsEvaluation,
  EpsilonSplit,
  EvaluateBoundsOptions,
  HypothesisCheck,
  SizeThreshold,
  TStarOptions,
  TStarPair,
  TStarParams,
} from './evaluate';
export { deriveTStarSlopes } from './derivation';
export type { SlopeDerivation, TStarSlopes } from './derivation';
export { allExpressionsLatex, expressionLatex } from './latex';
export { formatNumber } from './format';
