/**
 * Pruners (THEORY.md §2) and the shared measurements every pruner's result goes through.
 * Built-in pruners are looked up by name; user pruners implement `Pruner` and are checked with
 * `checkPruneResult` like the built-in ones.
 */
import type { Pruner } from './types';
import { greedyPruner } from './greedy';
import { randomPruner } from './random';
import { magnitudePruner } from './magnitude';

export const BUILTIN_PRUNER_NAMES = ['greedy', 'greedy-norep', 'random', 'magnitude'] as const;
export type BuiltinPrunerName = (typeof BUILTIN_PRUNER_NAMES)[number];

/** The built-in pruners by name: greedy forward selection with and without replacement, random, magnitude. */
export const BUILTIN_PRUNERS: Readonly<Record<BuiltinPrunerName, Pruner>> = Object.freeze({
  greedy: greedyPruner(),
  'greedy-norep': greedyPruner({ withReplacement: false }),
  random: randomPruner(),
  magnitude: magnitudePruner(),
});

/** The built-in pruner called `name`; an unknown name is an error listing the known ones. */
/** A pruner name that is not one of the built-ins (bad input at the CLI). */
export class UnknownPrunerError extends Error {
  override name = 'UnknownPrunerError';
}

/** Whether `name` is a built-in pruner (otherwise a module path, for the subject). */
export function isBuiltinPruner(name: string): name is BuiltinPrunerName {
  return Object.prototype.hasOwnProperty.call(BUILTIN_PRUNERS, name);
}

/**
 * The built-in pruner called `name`.
 *
 * @param name - 'greedy', 'greedy-norep', 'random' or 'magnitude'.
 * @returns the pruner.
 * @throws UnknownPrunerError listing the known names.
 */
export function getPruner(name: string): Pruner {
  if (isBuiltinPruner(name)) return BUILTIN_PRUNERS[name];
  throw new UnknownPrunerError(`getPruner: unknown pruner '${name}' (known: ${BUILTIN_PRUNER_NAMES.join(', ')})`);
}

export type { NeuronFeatures, PruneInput, PruneResult, Pruner } from './types';
export { isProvedGreedy, picksWithReplacement } from './types';
export { greedyPruner, runGreedy } from './greedy';
export type { GreedyOptions, GreedyStrategy, GreedyStep, RunGreedyOptions } from './greedy';
export { randomPruner } from './random';
export { magnitudePruner, neuronMagnitudes } from './magnitude';
export { subnetworkOutput, subnetworkLoss, lossCurve, classificationAccuracy, selectionSummary } from './subnetwork';
export type { SelectionSummary, GatherOptions } from './subnetwork';
export { validatePruneInput, checkPruneResult } from './validate';
