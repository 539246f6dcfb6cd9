/**
 * `verify` and `fit` as library functions: the same pipeline as the `pruneproof verify` and `pruneproof fit`
 * commands, returning the report document or the analysis instead of writing files.
 */
import { initBackend } from '../backend';
import { describeEngine, engineKey, selectEngine } from '../engine';
import type { EngineName } from '../engine/types';
import type { ExperimentConfig } from '../experiment/config';
import { PRESETS } from '../experiment/defaults';
import { checkConfig, checkPartialConfig, mergeConfig } from '../experiment/validate-config';
import { getPruner } from '../pruning';
import type { Pruner } from '../pruning/types';
import { environmentInfo } from '../report/environment';
import type { ReportDocument } from '../report/types';
import { analyseScaling, type ScalingOptions } from '../scaling/analyse';
import type { ScalingAnalysis, TimeObservation } from '../scaling/types';
import { RunStore } from '../store/run-store';
import { runSweep } from '../store/sweep';

/** How `verify` runs, beyond the experiment's own settings. */
export interface VerifyOptions {
  /** The preset the settings are laid over (default `synthetic`); see the README's presets. */
  preset?: keyof typeof PRESETS;
  /** Pruners to measure (default: the built-ins the config names in `pruners`). */
  pruners?: Pruner[];
  /** The numerical engine (default `auto`: onnx when it loads, else tfjs). */
  engine?: EngineName | 'auto';
  /** A run store folder: runs found there are reused and fresh ones stored (default: none, every run computed). */
  store?: string;
}

/**
 * Runs an experiment as `pruneproof verify` does: pre-trains every (m, seed) run of the grid, measures the
 * checkpoints, evaluates every check against theory's bounds and fits t(m); writes nothing unless `store` is set.
 *
 * @param settings - experiment settings laid over the preset (any subset of `ExperimentConfig`).
 * @param options - preset, pruners, engine and run store.
 * @returns the report document (the contents of report.json), with a verdict per check.
 * @throws ConfigError (from src/experiment/validate-config.ts) naming the first invalid setting, before anything
 * is computed; EngineUnavailableError when a forced engine cannot load.
 * @example
 * ```ts
 * import { verify } from 'pruneproof';
 * const report = await verify({ mGrid: [20, 40, 80], seeds: [1, 2], iterations: 200 });
 * for (const check of report.checks) console.log(check.id, check.verdict);
 * ```
 */
export async function verify(
  settings: Partial<ExperimentConfig> = {},
  options: VerifyOptions = {},
): Promise<ReportDocument> {
  const preset = PRESETS[options.preset ?? 'synthetic'];
  const config = checkConfig(mergeConfig(preset.config, checkPartialConfig(settings, 'verify')), 'verify');
  const backend = await initBackend();
  const engine = await selectEngine(options.engine ?? 'auto', { precision: config.precision ?? 'float32' });
  const used = describeEngine(engine);
  try {
    const outcome = await runSweep(config, {
      engine,
      pruners: options.pruners ?? config.pruners.map(getPruner),
      backend: backend.name,
      environment: {
        ...environmentInfo(backend),
        engine: { name: used.name, version: used.version, threads: used.threads, precision: used.precision },
      },
      command: 'verify() (library)',
      rationale: preset.rationale,
      store: options.store === undefined ? null : new RunStore(options.store),
      context: { backend: backend.name, engine: engineKey(used) },
    });
    return outcome.report!;
  } finally {
    await engine.dispose();
  }
}

/** Measured times to fit, as `pruneproof fit --data` reads them. */
export interface FitInput {
  /** What was measured, e.g. `t_crit(n=50)`; it names the analysis. */
  quantity: string;
  /** One observation per (m, seed): an exact time, an interval [lo, hi], or censored at a time. */
  observations: TimeObservation[];
}

/**
 * Fits t(m) to measured times as `pruneproof fit` does: the one-sided test of t(m) = O(log m) (THEORY.md §5.5) and
 * the four-law description (log, power, offset power, saturating) with censoring-aware likelihoods, bootstrap
 * intervals and a calibration (THEORY.md §5.6–§5.7).
 *
 * @param input - the quantity and its observations.
 * @param options - seed, bootstrap resamples, calibration simulations, threads.
 * @returns the analysis: `logBound.verdict` (`consistent with O(log m)`, `grows faster than log m` or
 * `undetermined`) and the description's `verdict`.
 * @throws RangeError naming the index and field of the first invalid observation.
 * @example
 * ```ts
 * import { fit } from 'pruneproof';
 * const analysis = fit({
 *   quantity: 't_crit',
 *   observations: [20, 40, 80, 160, 320].flatMap((m) => [1, 2].map((seed) => ({ m, seed, lo: 10 * Math.log(m), hi: 10 * Math.log(m) }))),
 * });
 * console.log(analysis.verdict);
 * ```
 */
export function fit(input: FitInput, options: ScalingOptions = {}): ScalingAnalysis {
  return analyseScaling(input.quantity, input.observations, options);
}
