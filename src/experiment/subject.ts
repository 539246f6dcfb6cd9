/**
 * The subject of an experiment: the pruner every pruner-facing check speaks about (THEORY.md §6), greedy unless
 * the config names another. The other configured pruners are the comparison.
 */
import { getPruner, isBuiltinPruner } from '../pruning';
import type { Pruner } from '../pruning/types';
import type { ExperimentConfig } from './config';

/** The subject when the config names none: greedy forward selection with replacement, which the proofs cover. */
export const DEFAULT_SUBJECT = 'greedy';

/** The configured subject: a built-in name or a module path. */
export function subjectOf(config: Pick<ExperimentConfig, 'subject'>): string {
  return config.subject ?? DEFAULT_SUBJECT;
}

/** Whether the subject is a built-in pruner (worker threads can then build it from the config alone). */
export function hasBuiltinSubject(config: Pick<ExperimentConfig, 'subject'>): boolean {
  return isBuiltinPruner(subjectOf(config));
}

/** The pruners of every run: the subject first, then the configured pruners other than it (the comparison). */
export function runPruners(config: Pick<ExperimentConfig, 'pruners'>, subject: Pruner): Pruner[] {
  return [subject, ...config.pruners.filter((name) => name !== subject.name).map(getPruner)];
}

/** The run's pruners when the subject is built in (worker threads, tests). */
export function builtinRunPruners(config: Pick<ExperimentConfig, 'pruners' | 'subject'>): Pruner[] {
  return runPruners(config, getPruner(subjectOf(config)));
}
