/**
 * Runs one property with fast-check: stored counterexample first (fast-check `examples`), then generated
 * cases, shrinking on failure, bounded by `numRuns` and optionally by a time budget (`fc.interruptAfterTimeLimit`). Never throws for a
 * failing property: the result records the verdict, the shrunk counterexample with its seed and path, the
 * hypotheses it violates, and the coverage of the regimes the cases fell in.
 */
import fc from 'fast-check';
import { canonicalJson } from '../experiment/config';
import type { Verdict } from '../experiment/types';
import type { Pruner } from '../pruning/types';
import type { ResolvedTheory } from '../../theory';
import type { CounterexampleStore } from './store';
import type {
  AnyPropertyDefinition,
  CaseOutcome,
  HypothesisStatus,
  PropertyKind,
  PropertySource,
} from '../testing/property';

export interface RunPropertyOptions {
  /** fast-check seed. */
  seed: number;
  numRuns: number;
  /**
   * Budget for the whole check, shrinking included (ms). Omitted: bounded by `numRuns` alone, so what is found
   * does not depend on the machine's speed.
   */
  timeLimitMs?: number;
  pruner: Pruner;
  /** Where counterexamples are replayed from and recorded to; null: neither. */
  store?: CounterexampleStore | null;
  /** Overrides the property's kind (B2 and B2′ are claims for pruners other than greedy). */
  kind?: PropertyKind;
  /** A PASS needs at least this many applicable cases that passed (default MIN_APPLICABLE_CASES). */
  minApplicable?: number;
  /** The theory with the session's overrides (default: as stated). */
  theory?: ResolvedTheory;
}

/**
 * Fewer passing applicable cases than this and a property is UNDECIDED, not PASS: a handful of cases in scope
 * is too little evidence for a universally quantified statement. Fixed a priori.
 */
export const MIN_APPLICABLE_CASES = 20;

export interface CounterexampleRecord {
  /** The shrunk case, as the property's arbitrary produces it. */
  case: unknown;
  seed: number;
  /** fast-check path of the counterexample (replay with `{ seed, path }`); null when it came from the store unchanged. */
  path: string | null;
  detail: string;
  violatedHypotheses: { id: string; detail: string }[];
  hypotheses: HypothesisStatus[];
  regimes: string[];
  measured: Record<string, number | null>;
  numShrinks: number;
  /** True when this is the stored counterexample, replayed (and possibly shrunk further). */
  fromStore: boolean;
  /** Set when the property threw instead of returning a verdict (a bug, or a pruner breaking its contract). */
  error: string | null;
}

export interface ReplayRecord {
  file: string;
  status: 'still fails' | 'now passes' | 'unreadable';
  detail: string;
}

export interface PropertyRunResult {
  id: string;
  kind: PropertyKind;
  source: PropertySource;
  statement: string;
  pruner: string;
  verdict: Verdict;
  seed: number;
  numRuns: number;
  /** Passing applicable cases a PASS needs (fewer: UNDECIDED). */
  minApplicable: number;
  /** Cases evaluated before the first failure (shrinking attempts are not counted). */
  cases: { evaluated: number; passed: number; notApplicable: number; failed: number };
  shrinkEvaluations: number;
  interrupted: boolean;
  seconds: number;
  /** How many evaluated cases fell in each regime (N<m / N>m, λ0 small / large, parameterisation, labels). */
  regimes: Record<string, number>;
  /** Why cases were not applicable, with counts. */
  notApplicableReasons: Record<string, number>;
  counterexample: CounterexampleRecord | null;
  replay: ReplayRecord | null;
  /** Set when fast-check itself failed to run the property. */
  error: string | null;
}

/** Thrown inside the predicate for a failing case, carrying its outcome. */
class CaseFailure extends Error {
  constructor(readonly outcome: CaseOutcome) {
    super(outcome.detail);
    this.name = 'CaseFailure';
  }
}

interface Tally {
  evaluated: number;
  passed: number;
  notApplicable: number;
  shrinkEvaluations: number;
  failing: boolean;
  regimes: Record<string, number>;
  reasons: Record<string, number>;
  /** canonical case → outcome (or thrown error) of every failing evaluation. */
  failures: Map<string, { outcome: CaseOutcome | null; error: string | null }>;
}

function newTally(): Tally {
  return {
    evaluated: 0,
    passed: 0,
    notApplicable: 0,
    shrinkEvaluations: 0,
    failing: false,
    regimes: {},
    reasons: {},
    failures: new Map(),
  };
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function record(tally: Tally, outcome: CaseOutcome): void {
  if (tally.failing) {
    tally.shrinkEvaluations++;
    return;
  }
  tally.evaluated++;
  for (const r of outcome.regimes) bump(tally.regimes, r);
  if (outcome.status === 'pass') tally.passed++;
  if (outcome.status === 'not-applicable') {
    tally.notApplicable++;
    bump(tally.reasons, outcome.reason ?? 'not applicable');
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

function predicateFor(def: AnyPropertyDefinition, options: RunPropertyOptions, tally: Tally) {
  return async (c: unknown): Promise<void> => {
    let result: CaseOutcome;
    try {
      result = await def.evaluate(c, { pruner: options.pruner, ...(options.theory ? { theory: options.theory } : {}) });
    } catch (e) {
      tally.failures.set(canonicalJson(c), { outcome: null, error: errorText(e) });
      if (tally.failing) tally.shrinkEvaluations++;
      else tally.evaluated++;
      tally.failing = true;
      throw e;
    }
    record(tally, result);
    if (result.status === 'fail') {
      tally.failing = true;
      tally.failures.set(canonicalJson(c), { outcome: result, error: null });
      throw new CaseFailure(result);
    }
  };
}

interface Replay {
  example: unknown | null;
  record: ReplayRecord | null;
}

function loadReplay(def: AnyPropertyDefinition, options: RunPropertyOptions): Replay {
  const store = options.store;
  if (!store) return { example: null, record: null };
  const file = store.fileFor(def.id, options.pruner.name);
  const loaded = store.load(def.id, options.pruner.name);
  if (loaded === null) return { example: null, record: null };
  if ('problem' in loaded) return { example: null, record: { file, status: 'unreadable', detail: loaded.problem } };
  try {
    return {
      example: def.parseCase(loaded.entry.case),
      record: { file, status: 'still fails', detail: loaded.entry.detail },
    };
  } catch (e) {
    return {
      example: null,
      record: { file, status: 'unreadable', detail: `${file}: stored case rejected: ${(e as Error).message}` },
    };
  }
}

function counterexampleOf(
  details: fc.RunDetails<[unknown]>,
  tally: Tally,
  replay: Replay,
): CounterexampleRecord | null {
  if (!details.failed || !details.counterexample) return null;
  const [c] = details.counterexample;
  const found = tally.failures.get(canonicalJson(c));
  const outcome = found?.outcome ?? null;
  const hypotheses = outcome?.hypotheses ?? [];
  const fromStore =
    replay.example !== null && details.counterexamplePath !== null && details.counterexamplePath.startsWith('0');
  return {
    case: c,
    seed: details.seed,
    path: details.counterexamplePath,
    detail: outcome?.detail ?? `the property threw: ${found?.error ?? errorText(details.errorInstance)}`,
    violatedHypotheses: hypotheses.filter((h) => h.holds === false).map((h) => ({ id: h.id, detail: h.detail })),
    hypotheses,
    regimes: outcome?.regimes ?? [],
    measured: outcome?.measured ?? {},
    numShrinks: details.numShrinks,
    fromStore,
    error: outcome ? null : (found?.error ?? errorText(details.errorInstance)),
  };
}

function verdictOf(counterexample: CounterexampleRecord | null, tally: Tally, minApplicable: number): Verdict {
  if (counterexample) return 'FAIL';
  if (tally.passed >= minApplicable) return 'PASS';
  return tally.passed > 0 ? 'UNDECIDED' : 'NOT APPLICABLE';
}

async function updateStore(
  def: AnyPropertyDefinition,
  options: RunPropertyOptions,
  counterexample: CounterexampleRecord | null,
  replay: Replay,
): Promise<ReplayRecord | null> {
  const store = options.store;
  if (!store) return replay.record;
  if (counterexample) {
    await store.save({
      schemaVersion: 1,
      propertyId: def.id,
      pruner: options.pruner.name,
      seed: counterexample.seed,
      path: counterexample.path,
      case: counterexample.case,
      detail: counterexample.detail,
      violatedHypotheses: counterexample.violatedHypotheses,
      regimes: counterexample.regimes,
      numShrinks: counterexample.numShrinks,
      recordedAt: new Date().toISOString(),
    });
    if (replay.record && replay.record.status === 'still fails' && !counterexample.fromStore) {
      return {
        ...replay.record,
        status: 'now passes',
        detail: `${replay.record.detail} — no longer fails; replaced by the new counterexample`,
      };
    }
    return replay.record;
  }
  if (replay.record?.status === 'still fails') {
    await store.remove(def.id, options.pruner.name);
    return {
      ...replay.record,
      status: 'now passes',
      detail: `${replay.record.detail} — no longer fails; removed from the store`,
    };
  }
  return replay.record;
}

function validateOptions(def: AnyPropertyDefinition, o: RunPropertyOptions): void {
  const op = `runProperty(${def.id})`;
  if (!Number.isInteger(o.seed)) throw new RangeError(`${op}: seed must be an integer, got ${o.seed}`);
  if (!Number.isInteger(o.numRuns) || o.numRuns < 1)
    throw new RangeError(`${op}: numRuns must be a positive integer, got ${o.numRuns}`);
  if (o.timeLimitMs !== undefined && !(o.timeLimitMs > 0))
    throw new RangeError(`${op}: timeLimitMs must be > 0, got ${o.timeLimitMs}`);
  if (!o.pruner || typeof o.pruner.prune !== 'function') throw new TypeError(`${op}: pruner must implement Pruner`);
}

/** Checks `def` on generated cases (stored counterexample first) and reports what was found. */
export async function runProperty(def: AnyPropertyDefinition, options: RunPropertyOptions): Promise<PropertyRunResult> {
  validateOptions(def, options);
  const started = performance.now();
  const tally = newTally();
  const replay = loadReplay(def, options);
  const property: fc.IAsyncProperty<[unknown]> = fc.asyncProperty(
    def.arbitrary as fc.Arbitrary<unknown>,
    predicateFor(def, options, tally),
  );
  let details: fc.RunDetails<[unknown]> | null = null;
  let error: string | null = null;
  try {
    details = await fc.check<[unknown]>(property, {
      seed: options.seed,
      numRuns: options.numRuns,
      examples: replay.example !== null ? [[replay.example]] : [],
      // The plugin is typed Plugin<unknown>; it does not look at the values, so it serves any property.
      plugins:
        options.timeLimitMs === undefined
          ? []
          : [fc.interruptAfterTimeLimit(options.timeLimitMs) as fc.Plugin<[unknown]>],
    });
  } catch (e) {
    error = `fast-check could not run the property: ${errorText(e)}`;
  }
  const counterexample = details ? counterexampleOf(details, tally, replay) : null;
  const replayRecord = await updateStore(def, options, counterexample, replay);
  return {
    id: def.id,
    kind: options.kind ?? def.kind,
    source: def.source,
    statement: def.statement,
    pruner: options.pruner.name,
    verdict: error ? 'FAIL' : verdictOf(counterexample, tally, options.minApplicable ?? MIN_APPLICABLE_CASES),
    minApplicable: options.minApplicable ?? MIN_APPLICABLE_CASES,
    seed: options.seed,
    numRuns: options.numRuns,
    cases: {
      evaluated: tally.evaluated,
      passed: tally.passed,
      notApplicable: tally.notApplicable,
      failed: counterexample ? 1 : 0,
    },
    shrinkEvaluations: tally.shrinkEvaluations,
    interrupted: details?.interrupted ?? false,
    seconds: (performance.now() - started) / 1000,
    regimes: tally.regimes,
    notApplicableReasons: tally.reasons,
    counterexample,
    replay: replayRecord,
    error,
  };
}

/** True when the property's failure is a bug or broken contract rather than a finding: an invariant or contract failed, or anything threw. */
export function isDefect(result: PropertyRunResult): boolean {
  if (result.error) return true;
  if (result.verdict !== 'FAIL') return false;
  return result.kind !== 'claim' || result.counterexample?.error != null;
}
