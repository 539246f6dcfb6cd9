/**
 * Critical iteration counts (THEORY.md §5): the first iteration from which a condition holds at every later
 * checkpoint of the run. "Stays" matters: a loss that dips below ε once and climbs back has not crossed.
 *
 * Checkpoints only bracket a crossing. GD is deterministic, so the bracket is then narrowed by bisection: GD is
 * replayed from the weights at the bracket's lower end (src/pipeline/refine.ts) to the midpoint and the
 * condition evaluated there, down to a resolution of max(absolute, relative·t) iterations. A condition that can
 * be undecided (hull membership the solver could not certify) counts neither way: undecided checkpoints are
 * skipped, and a bisection probe that comes back undecided ends the refinement with the interval it has.
 */

/** One state of a condition at iteration t: true, false, or null when undecided. */
export interface ConditionPoint {
  t: number;
  holds: boolean | null;
}

export type CriticalMethod =
  'exact (every iteration)' | 'bisection' | 'checkpoint bracket' | 'at t = 0' | 'censored' | 'undecided';

/** A critical time known to lie in [lo, t] (lo = t when exact); censored when never reached within the run. */
export interface CriticalTime {
  /** The first iteration known to hold from then on; null when censored. */
  t: number | null;
  /** The crossing lies in [lo, t]; null when censored. */
  lo: number | null;
  /** Right-censored at the run's last iteration T: the condition did not hold (or not stay) by then. */
  censoredAt: number | null;
  method: CriticalMethod;
  /** GD steps replayed to refine it. */
  replayedSteps: number;
}

export interface Resolution {
  /** Iterations. */
  absolute: number;
  /** Fraction of t. */
  relative: number;
}

/** Stop bisecting once the bracket is this narrow at t. */
export function resolutionAt(r: Resolution, t: number): number {
  return Math.max(r.absolute, r.relative * t);
}

/** First t from which `holds` is true at every later checkpoint; null when it fails at the last one. */
export function firstTimeFromWhichHolds(series: { t: number; holds: boolean }[]): number | null {
  let candidate: number | null = null;
  for (const point of [...series].sort((a, b) => a.t - b.t)) {
    if (!point.holds) candidate = null;
    else if (candidate === null) candidate = point.t;
  }
  return candidate;
}

/** The bracket of the last crossing: the last decided false before the final run of trues, and its first true. */
export function bracketOf(
  series: readonly ConditionPoint[],
  T: number,
): CriticalTime | { before: number; after: number } {
  const decided = [...series].filter((p) => p.holds !== null).sort((a, b) => a.t - b.t);
  const censored: CriticalTime = { t: null, lo: null, censoredAt: T, method: 'censored', replayedSteps: 0 };
  if (decided.length === 0) return { t: null, lo: null, censoredAt: null, method: 'undecided', replayedSteps: 0 };
  if (!decided[decided.length - 1].holds) return censored;
  let k = decided.length - 1;
  while (k > 0 && decided[k - 1].holds) k--;
  const first = decided[k];
  if (k === 0) {
    // Holds from the first decided checkpoint on: at t = 0 exactly, else somewhere in [0, first.t].
    return {
      t: first.t,
      lo: 0,
      censoredAt: null,
      method: first.t === 0 ? 'at t = 0' : 'checkpoint bracket',
      replayedSteps: 0,
    };
  }
  return { before: decided[k - 1].t, after: first.t };
}

/** Evaluates the condition at iteration t, replaying GD from the bracket's lower end; null when undecided. */
export type Probe = (from: number, to: number) => Promise<{ holds: boolean | null; steps: number }>;

/**
 * The crossing of a condition, refined by bisection when a probe is given: between a checkpoint where it fails
 * and the next where it holds (and keeps holding), the first iteration from which it holds is found to within
 * the resolution. Assumes one crossing inside the bracket (the checkpoints after it were all checked).
 */
export async function criticalTime(
  series: readonly ConditionPoint[],
  T: number,
  probe: Probe | null,
  resolution: Resolution,
): Promise<CriticalTime> {
  const bracket = bracketOf(series, T);
  if (!('before' in bracket)) return bracket;
  let lo = bracket.before; // fails here
  let hi = bracket.after; // holds from here on
  let steps = 0;
  if (probe) {
    while (hi - lo > resolutionAt(resolution, hi)) {
      const mid = Math.floor((lo + hi) / 2);
      const { holds, steps: replayed } = await probe(lo, mid);
      steps += replayed;
      if (holds === null) break;
      if (holds) hi = mid;
      else lo = mid;
    }
  }
  return {
    t: hi,
    lo: lo + 1,
    censoredAt: null,
    method: probe ? 'bisection' : 'checkpoint bracket',
    replayedSteps: steps,
  };
}

/** A condition known at every iteration (e.g. the dense loss from R(t)): exact, no replay needed. */
export function exactCriticalTime(values: ArrayLike<boolean>): CriticalTime {
  const T = values.length - 1;
  let first: number | null = null;
  for (let t = 0; t <= T; t++) {
    if (!values[t]) first = null;
    else if (first === null) first = t;
  }
  if (first === null) return { t: null, lo: null, censoredAt: T, method: 'censored', replayedSteps: 0 };
  return { t: first, lo: first, censoredAt: null, method: 'exact (every iteration)', replayedSteps: 0 };
}
