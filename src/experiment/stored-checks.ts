/**
 * Checks that a stored run of report.json carries enough numbers for: a re-analysis (e.g. after a change of the
 * analysis or of a theory override) applies them to the runs as `verify` did, without re-running anything.
 */
import { evaluateRateChecks, INV_FW_RATE, rateEvidenceOf, type CheckResult } from '../checks';
import { getPruner, isBuiltinPruner, isProvedGreedy } from '../pruning';
import { resolveTheory, type TheoryInputs } from '../../theory';
import type { ExperimentConfig } from './config';
import { runOverrides } from './config';
import type { RunResult } from './types';

/** The run-wide theory inputs the stored checks need, rebuilt from the run record and its config. */
export function storedTheoryInputs(run: RunResult, config: ExperimentConfig): TheoryInputs {
  return {
    m: run.m,
    N: config.width,
    eta: run.etaEffective,
    ...(run.lambda0 !== null && run.lambda0 > 0 ? { lambda0: run.lambda0 } : {}),
    ...(Number.isFinite(run.initialResidual) ? { R0: run.initialResidual } : {}),
  };
}

/**
 * INV-FW-rate and CLAIM-FW-exponent on a stored run, for the subject named `subject` (the measured pruner name),
 * with the config's theory overrides (or `overrides` in their place).
 */
export function storedRateChecks(
  run: RunResult,
  config: ExperimentConfig,
  subject: string,
  overrides = runOverrides(config),
): CheckResult[] {
  const evidence = rateEvidenceOf(run.m, storedTheoryInputs(run, config), [subject], run.checkpoints);
  return evaluateRateChecks(evidence, resolveTheory(overrides));
}

/**
 * The run with its rate checks recomputed from its stored numbers, in place of the recorded ones (appended after
 * the run's other checks when it predates them). `subject` is the measured name of the subject pruner; a
 * greedy-only invariant is a claim unless that pruner is built in and proved greedy.
 */
export function withStoredRateChecks(run: RunResult, config: ExperimentConfig, subject: string): RunResult {
  const proved = isBuiltinPruner(subject) && isProvedGreedy(getPruner(subject));
  const fresh = storedRateChecks(run, config, subject).map((c) =>
    c.id === INV_FW_RATE.id && !proved ? { ...c, kind: 'claim' as const } : c,
  );
  const ids = new Set(fresh.map((c) => c.id));
  const kept = run.checks.filter((c) => !ids.has(c.id));
  const byId = new Map(fresh.map((c) => [c.id, c]));
  const replaced = run.checks.map((c) => byId.get(c.id) ?? c);
  return { ...run, checks: kept.length === run.checks.length ? [...run.checks, ...fresh] : replaced };
}
