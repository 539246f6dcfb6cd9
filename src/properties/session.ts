/**
 * A claims session: every property of THEORY.md §6 (invariants first, then claims) run with its own time
 * budget, replaying stored counterexamples first. Invariant failures are bugs; claim failures are findings.
 */
import { resolveTheory, type TheoryOverrides } from '../../theory';
import { greedyPruner } from '../pruning/greedy';
import type { Pruner } from '../pruning/types';
import { CLAIM_PROPERTIES, INVARIANT_PROPERTIES } from './properties';
import { runProperty, type PropertyRunResult } from './runner';
import type { CounterexampleStore } from './store';
import { CLAIM_LOG_SCALING } from './scaling-claim';
import type { AnyPropertyDefinition } from '../testing/property';

/** The theory's properties: invariants (must hold) and claims (may fail outside their hypotheses). */
export const THEORY_PROPERTIES: readonly AnyPropertyDefinition[] = [
  ...INVARIANT_PROPERTIES,
  ...CLAIM_PROPERTIES,
  CLAIM_LOG_SCALING,
];

export const DEFAULT_SEED = 42;
/** Seconds per property: quick sessions fit six properties in about a minute. */
export const QUICK_TIME_LIMIT_SECONDS = 8;
export const FULL_TIME_LIMIT_SECONDS = 60;

export interface SessionOptions {
  seed?: number;
  /** Fewer runs and a shorter budget per property (about a minute in all). */
  quick?: boolean;
  /** Budget per property in seconds, shrinking included (default 8 quick, 60 full). */
  timeLimitSeconds?: number;
  /** Counterexample store; null: no replay, nothing recorded. */
  store?: CounterexampleStore | null;
  /** Pruner in place of greedy (default: greedy with replacement). */
  pruner?: Pruner;
  /** Properties to run (default THEORY_PROPERTIES). */
  properties?: readonly AnyPropertyDefinition[];
  /** Theory overrides (constants, expressions): every bound the properties compare against uses them. */
  theory?: TheoryOverrides;
  /** Called before each property (for progress output). */
  onStart?: (def: AnyPropertyDefinition, index: number, total: number) => void;
  onResult?: (result: PropertyRunResult) => void;
}

export interface SessionSettings {
  seed: number;
  quick: boolean;
  timeLimitSeconds: number;
  store: string | null;
  pruner: string;
}

export interface SessionResult {
  settings: SessionSettings;
  results: PropertyRunResult[];
  seconds: number;
}

export function resolveSettings(opts: SessionOptions, pruner: Pruner): SessionSettings {
  const quick = opts.quick ?? false;
  const timeLimitSeconds = opts.timeLimitSeconds ?? (quick ? QUICK_TIME_LIMIT_SECONDS : FULL_TIME_LIMIT_SECONDS);
  const seed = opts.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(seed)) throw new RangeError(`claims: seed must be an integer, got ${seed}`);
  if (!(timeLimitSeconds > 0 && Number.isFinite(timeLimitSeconds)))
    throw new RangeError(`claims: timeLimitSeconds must be a finite number > 0, got ${timeLimitSeconds}`);
  return { seed, quick, timeLimitSeconds, store: opts.store?.dir ?? null, pruner: pruner.name };
}

/** Runs the properties one after the other; never throws for a failing property. */
export async function runSession(opts: SessionOptions = {}): Promise<SessionResult> {
  const started = performance.now();
  const pruner = opts.pruner ?? greedyPruner();
  const settings = resolveSettings(opts, pruner);
  const properties = opts.properties ?? THEORY_PROPERTIES;
  const results: PropertyRunResult[] = [];
  for (const [i, def] of properties.entries()) {
    opts.onStart?.(def, i, properties.length);
    const result = await runProperty(def, {
      seed: settings.seed,
      numRuns: settings.quick ? def.runs.quick : def.runs.full,
      timeLimitMs: settings.timeLimitSeconds * 1000,
      pruner,
      store: opts.store ?? null,
      theory: resolveTheory(opts.theory),
    });
    results.push(result);
    opts.onResult?.(result);
  }
  return { settings, results, seconds: (performance.now() - started) / 1000 };
}
