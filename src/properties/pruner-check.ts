/**
 * Regression testing for user pruners: `checkPruner(pruner)` runs the pruner contracts (src/testing/contracts.ts)
 * as fast-check properties, then — if the contracts hold — the theory's pruner-dependent properties with the
 * pruner in place of greedy (B2, B2′ and B3: claims for any pruner but greedy), and compares it with greedy,
 * random and magnitude on the same generated cases. Usable from a jest suite:
 *
 *   const result = await checkPruner(myPruner, { quick: true });
 *   expect(result.brokenContracts).toEqual([]);
 *
 * or `await assertPrunerConforms(myPruner)`, which throws with the broken contracts and their shrunk cases.
 */
import fc from 'fast-check';
import { runProperty, type PropertyRunResult } from './runner';
import { CounterexampleStore, DEFAULT_COUNTEREXAMPLE_DIR } from './store';
import { CLAIM_PROPERTIES, INVARIANT_PROPERTIES } from './properties';
import type { AnyPropertyDefinition } from '../testing/property';
import { greedyPruner } from '../pruning/greedy';
import { magnitudePruner } from '../pruning/magnitude';
import { randomPruner } from '../pruning/random';
import type { Pruner } from '../pruning/types';
import { pruningCase, type PruningCase } from '../testing/arbitraries/pruning-case';
import { PRUNER_CONTRACTS } from '../testing/contracts';
import { pruneAndMeasure, pruneInput, withFeatures, withPretrainedCase } from '../testing/pretrain';
import { asPruner } from '../sandbox/pruner-module';
import { budgetGraceSeconds, startBudget } from '../sandbox/isolated-pruner';

export { asPruner };

const { exp, log } = Math;

/** How `checkPruner` runs: session size, seed, time budget, counterexample store, which parts. */
export interface CheckPrunerOptions {
  /** fast-check seed (default 42). */
  seed?: number;
  /** Fewer runs and shorter budgets (about a minute in all). */
  quick?: boolean;
  /** Budget per property in seconds, shrinking included (default 8 quick, 30 full). */
  timeLimitSeconds?: number;
  /** Counterexample store directory, a store, or null for none (default `.pruneproof/counterexamples`). */
  store?: string | CounterexampleStore | null;
  /** Only the contracts: no claim properties, no comparison (fast; for a unit test). */
  contractsOnly?: boolean;
  /** Number of generated cases in the comparison with the built-in pruners (default 6 quick, 20 full). */
  comparisonCases?: number;
  onStart?: (def: AnyPropertyDefinition, index: number, total: number) => void;
  onResult?: (result: PropertyRunResult) => void;
}

export interface ComparisonCase {
  case: PruningCase;
  /** Pruner name → normalised subnetwork loss ‖f_S − y‖²/(2m) at t = T and the case's n; null on error. */
  losses: Record<string, number | null>;
  errors: Record<string, string>;
}

export interface ComparisonRow {
  pruner: string;
  /** Cases where the pruner returned a valid selection. */
  cases: number;
  meanLoss: number | null;
  /** Geometric mean of loss / greedy's loss over cases where both are > 0. */
  geometricMeanRatioToGreedy: number | null;
  /** Cases where the pruner's loss ≤ greedy's (1e-9 relative slack). */
  atMostGreedy: number;
}

export interface PrunerComparison {
  pruners: string[];
  cases: ComparisonCase[];
  rows: ComparisonRow[];
}

export interface PrunerCheckSettings {
  seed: number;
  quick: boolean;
  timeLimitSeconds: number;
  store: string | null;
}

/** What `checkPruner` found: the contracts, the claims, the comparison with the built-ins and the broken contracts. */
export interface PrunerCheckResult {
  pruner: string;
  prefixConsistent: boolean;
  /** Every contract met (PASS or NOT APPLICABLE). */
  passed: boolean;
  /** Ids of the contracts that FAILed. */
  brokenContracts: string[];
  contracts: PropertyRunResult[];
  /** The claim properties run with this pruner (empty when skipped). */
  claims: PropertyRunResult[];
  comparison: PrunerComparison | null;
  /** Why claims and comparison were skipped, when they were. */
  skipped: string | null;
  settings: PrunerCheckSettings;
  seconds: number;
}

/**
 * The theory's bounds on the selected subnetwork (B2, B2′, B3-loss) with the pruner under test in place of greedy:
 * proved for greedy only, so for any other pruner each is a claim. (Multiset size is a contract; greedy's scoring
 * identity needs greedy's own pick scores.)
 */
export const PRUNER_CLAIMS: readonly AnyPropertyDefinition[] = [...INVARIANT_PROPERTIES, ...CLAIM_PROPERTIES].filter(
  (p) => p.usesPruner && !['INV-greedy-identity', 'INV-size'].includes(p.id),
);

const DEFAULT_SEED = 42;

function resolveStore(store: CheckPrunerOptions['store']): CounterexampleStore | null {
  if (store === null) return null;
  if (store instanceof CounterexampleStore) return store;
  return new CounterexampleStore(store ?? DEFAULT_COUNTEREXAMPLE_DIR);
}

function settingsOf(opts: CheckPrunerOptions, store: CounterexampleStore | null): PrunerCheckSettings {
  const quick = opts.quick ?? false;
  const seed = opts.seed ?? DEFAULT_SEED;
  const timeLimitSeconds = opts.timeLimitSeconds ?? (quick ? 8 : 30);
  if (!Number.isInteger(seed)) throw new RangeError(`checkPruner: seed must be an integer, got ${seed}`);
  if (!(timeLimitSeconds > 0 && Number.isFinite(timeLimitSeconds)))
    throw new RangeError(`checkPruner: timeLimitSeconds must be a finite number > 0, got ${timeLimitSeconds}`);
  return { seed, quick, timeLimitSeconds, store: store?.dir ?? null };
}

async function runAll(
  defs: readonly AnyPropertyDefinition[],
  pruner: Pruner,
  settings: PrunerCheckSettings,
  store: CounterexampleStore | null,
  opts: CheckPrunerOptions,
  offset: number,
  total: number,
): Promise<PropertyRunResult[]> {
  const results: PropertyRunResult[] = [];
  for (const [i, def] of defs.entries()) {
    opts.onStart?.(def, offset + i, total);
    startBudget(pruner, settings.timeLimitSeconds, 'stall');
    const result = await runProperty(def, {
      seed: settings.seed,
      numRuns: settings.quick ? def.runs.quick : def.runs.full,
      timeLimitMs: (settings.timeLimitSeconds + budgetGraceSeconds(pruner, settings.timeLimitSeconds)) * 1000,
      pruner,
      store,
      kind: def.kind === 'contract' ? 'contract' : 'claim',
    });
    results.push(result);
    opts.onResult?.(result);
  }
  return results;
}

/** Comparison cases: trained long enough for the pruners to differ. */
const COMPARISON_CASES = pruningCase({ iterations: { min: 50, max: 300 } });

async function compareOnCase(c: PruningCase, pruners: Pruner[]): Promise<ComparisonCase> {
  const losses: Record<string, number | null> = {};
  const errors: Record<string, string> = {};
  await withPretrainedCase(c, { checkpoints: [c.iterations], lambda0: false }, async (p) => {
    const last = p.checkpoints[p.checkpoints.length - 1];
    if (!last) {
      for (const pr of pruners) errors[pr.name] = 'GD diverged before any checkpoint';
      return;
    }
    await withFeatures(p, last.weights, async (features) => {
      for (const pruner of pruners) {
        try {
          losses[pruner.name] = (await pruneAndMeasure(pruner, pruneInput(p, features, last.weights))).loss;
        } catch (e) {
          losses[pruner.name] = null;
          errors[pruner.name] = e instanceof Error ? e.message : String(e);
        }
      }
    });
  });
  return { case: c, losses, errors };
}

function comparisonRow(name: string, cases: ComparisonCase[]): ComparisonRow {
  const valid = cases.filter((c) => c.losses[name] !== null && c.losses[name] !== undefined);
  const losses = valid.map((c) => c.losses[name] as number);
  const ratios = valid
    .map((c) => [c.losses[name] as number, c.losses.greedy ?? null] as const)
    .filter((pair): pair is readonly [number, number] => pair[1] !== null && pair[0] > 0 && pair[1] > 0)
    .map(([l, g]) => l / g);
  const atMost = valid.filter(
    (c) =>
      c.losses.greedy !== null &&
      c.losses.greedy !== undefined &&
      (c.losses[name] as number) <= (c.losses.greedy as number) * (1 + 1e-9),
  ).length;
  return {
    pruner: name,
    cases: valid.length,
    meanLoss: losses.length ? losses.reduce((a, b) => a + b, 0) / losses.length : null,
    geometricMeanRatioToGreedy: ratios.length ? exp(ratios.reduce((a, r) => a + log(r), 0) / ratios.length) : null,
    atMostGreedy: atMost,
  };
}

/** The user's pruner beside greedy, random and magnitude on the same generated cases (loss at t = T, size n). */
export async function comparePruners(pruner: Pruner, count: number, seed: number): Promise<PrunerComparison> {
  const builtins = [greedyPruner(), randomPruner(), magnitudePruner()];
  const pruners = [pruner, ...builtins.filter((b) => b.name !== pruner.name)];
  const cases: ComparisonCase[] = [];
  for (const c of fc.sample(COMPARISON_CASES, { seed, numRuns: count })) cases.push(await compareOnCase(c, pruners));
  const names = pruners.map((p) => p.name);
  return { pruners: names, cases, rows: names.map((name) => comparisonRow(name, cases)) };
}

/**
 * Checks a pruner: first its contracts (a valid multiset of size n, deterministic, no mutation of the input,
 * honest losses, prefix consistency when declared), then, for a conforming pruner, the claims of THEORY.md §6.2
 * as fast-check properties, and a comparison with the built-in pruners on the same cases.
 *
 * @param pruner - the pruner under test.
 * @param opts - session size, seed, time budget, counterexample store, contracts only.
 * @returns the result; `passed` is false when a contract is broken (listed in `brokenContracts`).
 * @example
 * ```ts
 * import { checkPruner, type Pruner } from 'pruneproof';
 * const mine: Pruner = { name: 'mine', prune: (input) => ({ selection: [0], lossPerStep: [0] }) };
 * const result = await checkPruner(mine, { quick: true, store: null });
 * console.log(result.passed, result.brokenContracts);
 * ```
 */
export async function checkPruner(pruner: Pruner, opts: CheckPrunerOptions = {}): Promise<PrunerCheckResult> {
  const started = performance.now();
  asPruner(pruner, 'checkPruner');
  const store = resolveStore(opts.store);
  const settings = settingsOf(opts, store);
  const claimDefs = opts.contractsOnly ? [] : PRUNER_CLAIMS;
  const total = PRUNER_CONTRACTS.length + claimDefs.length;
  const contracts = await runAll(PRUNER_CONTRACTS, pruner, settings, store, opts, 0, total);
  const brokenContracts = contracts.filter((r) => r.verdict === 'FAIL').map((r) => r.id);
  let skipped: string | null = null;
  let claims: PropertyRunResult[] = [];
  let comparison: PrunerComparison | null = null;
  if (opts.contractsOnly) skipped = 'contractsOnly was requested';
  else if (brokenContracts.length > 0)
    skipped = `the pruner breaks ${brokenContracts.join(', ')}; the claim properties and the comparison need a pruner that meets its contract`;
  else {
    claims = await runAll(claimDefs, pruner, settings, store, opts, PRUNER_CONTRACTS.length, total);
    startBudget(pruner, settings.timeLimitSeconds);
    comparison = await comparePruners(pruner, opts.comparisonCases ?? (settings.quick ? 6 : 20), settings.seed);
  }
  return {
    pruner: pruner.name,
    prefixConsistent: pruner.prefixConsistent === true,
    passed: brokenContracts.length === 0,
    brokenContracts,
    contracts,
    claims,
    comparison,
    skipped,
    settings,
    seconds: (performance.now() - started) / 1000,
  };
}

/** One line per broken contract, with its shrunk counterexample. */
export function describeBrokenContracts(result: PrunerCheckResult): string {
  return result.contracts
    .filter((r) => r.verdict === 'FAIL')
    .map((r) => {
      const ce = r.counterexample;
      const shrunk = ce
        ? ` — shrunk counterexample ${JSON.stringify(ce.case)} (fast-check seed ${ce.seed}, path ${ce.path ?? 'n/a'})`
        : '';
      return `${r.id} (${r.statement}): ${ce?.detail ?? r.error ?? 'failed'}${shrunk}`;
    })
    .join('\n');
}

/**
 * `checkPruner` with `contractsOnly` unless told otherwise, for a test suite: resolves when the pruner meets
 * every contract.
 *
 * @param pruner - the pruner under test.
 * @param opts - as for `checkPruner`.
 * @returns the result.
 * @throws Error naming each broken contract with its shrunk counterexample.
 * @example
 * ```ts
 * import { assertPrunerConforms } from 'pruneproof';
 * it('my pruner meets the contracts', () => assertPrunerConforms(myPruner, { quick: true, store: null }), 120_000);
 * ```
 */
export async function assertPrunerConforms(pruner: Pruner, opts: CheckPrunerOptions = {}): Promise<PrunerCheckResult> {
  const result = await checkPruner(pruner, { contractsOnly: true, ...opts });
  if (!result.passed)
    throw new Error(`pruner '${result.pruner}' breaks its contract:\n${describeBrokenContracts(result)}`);
  return result;
}
