/** `theory`: the theorem's hypotheses H1–H5, bounds B1–B4 and T* (THEORY.md §4), evaluated on measured numbers. */
export { checkHypotheses, evaluateBounds, tStar } from '../../theory/evaluate';
export { deriveTStarSlopes } from '../../theory/derivation';
export type { TheoryInputs } from '../../theory/inputs';
