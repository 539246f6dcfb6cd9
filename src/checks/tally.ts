/**
 * The one tolerance rule and the one way a check turns its comparisons into a verdict. Every comparison is
 * classified as decided (it could have failed), vacuous (it could not have failed) or undecided (below the
 * arithmetic's precision, or hull membership not certified); a PASS needs at least one decided comparison.
 */
import { formatNumber, type ResolvedTheory } from '../../theory';
import type { MeasuredRun } from '../pipeline/measured-run';
import type { HypothesisResult } from '../pipeline/types';
import type { CheckDefinition, CheckFailure, CheckResult, Verdict } from './types';

/**
 * Relative slack of "measured ≤ bound": losses and bounds are float64 sums of float32 products (features and
 * their Gram), whose relative rounding is far below 1e-4; the scale term (‖y‖²) covers bounds that are ≈ 0.
 */
export const RELATIVE_SLACK = 1e-4;

export function within(measured: number, bound: number, scale: number): boolean {
  return measured <= bound + RELATIVE_SLACK * Math.max(bound, scale);
}

export interface Comparison {
  t: number;
  n?: number;
  measured: number;
  bound: number;
  /** Scale of the slack (‖y‖² for squared distances). */
  scale: number;
  /** False when no result could exceed the bound (e.g. bound ≥ D_y², the largest possible loss). */
  couldFail: boolean;
  /** The failed inequality with its numbers, for the report. */
  describe: () => string;
}

/** Accumulates one check's comparisons on one run. */
export class Tally {
  checked = 0;
  vacuous = 0;
  undecided = 0;
  readonly failures: CheckFailure[] = [];
  private worstRatio: number | null = null;
  readonly notes: string[] = [];

  /** Compares measured ≤ bound (with the slack rule); returns whether it held. */
  compare(c: Comparison): boolean {
    const holds = within(c.measured, c.bound, c.scale);
    if (!holds) this.fail(c.t, c.describe(), c.n);
    else if (c.couldFail) this.checked++;
    else this.vacuous++;
    if (c.bound > 0 && Number.isFinite(c.bound) && (c.couldFail || !holds)) this.ratio(c.measured / c.bound);
    return holds;
  }

  fail(t: number, detail: string, n?: number): void {
    this.failures.push({ t, ...(n !== undefined ? { n } : {}), detail });
  }

  ratio(value: number): void {
    if (Number.isFinite(value)) this.worstRatio = this.worstRatio === null ? value : Math.max(this.worstRatio, value);
  }

  get tightness(): number | null {
    return this.worstRatio;
  }
}

export interface VerdictWords {
  /** Why the check asserts nothing on this run (used when nothing was compared). */
  notApplicable?: string;
  /** Why the check could not have failed (used when every comparison was vacuous). */
  vacuous?: string;
  /** What held, in words (used for PASS). */
  passed?: string;
  /** What could not be decided (used when every comparison was undecided). */
  undecided?: string;
  violatedHypotheses?: string[];
}

/** Hypotheses that do not hold, as ids. */
export function violated(hypotheses: readonly HypothesisResult[]): string[] {
  return hypotheses.filter((h) => h.holds === false).map((h) => h.id);
}

function verdictOf(t: Tally): Verdict {
  if (t.failures.length > 0) return 'FAIL';
  if (t.checked > 0) return 'PASS';
  if (t.vacuous > 0) return 'VACUOUS';
  if (t.undecided > 0) return 'UNDECIDED';
  return 'NOT APPLICABLE';
}

/** The comparisons that were not decided: vacuous (could not fail) and undecided. */
function undecidedParts(t: Tally): string[] {
  const parts: string[] = [];
  if (t.vacuous > 0) parts.push(`${t.vacuous} could not fail`);
  if (t.undecided > 0) parts.push(`${t.undecided} undecided`);
  return parts;
}

function counts(t: Tally): string {
  return [`${t.checked} decided`, ...undecidedParts(t)].join(', ');
}

/** A FAIL's tally: failures out of the decided comparisons, then the others, e.g. "3 of 40 decided … (5 undecided)". */
function failureCounts(t: Tally): string {
  const others = undecidedParts(t);
  const decided = `${t.failures.length} of ${t.failures.length + t.checked} decided comparison(s) failed`;
  return others.length > 0 ? `${decided} (${others.join(', ')})` : decided;
}

function detailOf(verdict: Verdict, t: Tally, words: VerdictWords): string {
  const notes = t.notes.length > 0 ? ` ${t.notes.join(' ')}` : '';
  const room = t.tightness !== null ? `; largest measured/bound ${formatNumber(t.tightness)}` : '';
  switch (verdict) {
    case 'FAIL':
      return `${failureCounts(t)}; first: t = ${t.failures[0].t}: ${t.failures[0].detail}${notes}`;
    case 'PASS':
      return `${words.passed ?? 'holds'} (${counts(t)}${room})${notes}`;
    case 'VACUOUS':
      return `could not fail: ${words.vacuous ?? 'every bound lies at or above the largest value the measured quantity can take'} (${counts(t)})${notes}`;
    case 'UNDECIDED':
      return `${words.undecided ?? 'every comparison was undecidable'} (${counts(t)})${notes}`;
    default:
      return `${words.notApplicable ?? 'nothing to compare on this run'}${notes}`;
  }
}

/** The check's result on one run. */
export function resultOf(def: CheckDefinition, t: Tally, words: VerdictWords = {}): CheckResult {
  const verdict = verdictOf(t);
  return {
    id: def.id,
    kind: def.kind,
    provenance: def.provenance,
    statement: def.statement,
    verdict,
    detail: detailOf(verdict, t, words),
    checked: t.checked,
    vacuous: t.vacuous,
    undecided: t.undecided,
    failures: t.failures,
    tightness: t.tightness,
    violatedHypotheses: verdict === 'NOT APPLICABLE' ? [] : (words.violatedHypotheses ?? []),
  };
}

/** A check whose evaluation can name the check itself (its id and kind go into the result). */
export function defineCheck(
  fields: Omit<CheckDefinition, 'evaluate'>,
  evaluate: (def: CheckDefinition, run: MeasuredRun, theory: ResolvedTheory) => CheckResult,
): CheckDefinition {
  const def: CheckDefinition = { ...fields, evaluate: (run, theory) => evaluate(def, run, theory) };
  return def;
}
