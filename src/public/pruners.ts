/** `pruners`: the built-in pruners (THEORY.md §2) and the measurements every pruner's result goes through. */
export { BUILTIN_PRUNERS, getPruner } from '../pruning';
export { greedyPruner } from '../pruning/greedy';
export type { GreedyOptions } from '../pruning/greedy';
export { randomPruner } from '../pruning/random';
export { magnitudePruner } from '../pruning/magnitude';
export { subnetworkLoss, lossCurve } from '../pruning/subnetwork';
export { checkPruneResult } from '../pruning/validate';
