/**
 * Critical iteration counts (THEORY.md §5): the first checkpoint from which a condition holds at
 * every later checkpoint of the run. "Stays" matters: a loss that dips below ε once and climbs back
 * has not crossed the threshold.
 */

/** First t from which `holds` is true at every later checkpoint; null when it fails at the last one. */
export function firstTimeFromWhichHolds(series: { t: number; holds: boolean }[]): number | null {
  let candidate: number | null = null;
  for (const point of [...series].sort((a, b) => a.t - b.t)) {
    if (!point.holds) candidate = null;
    else if (candidate === null) candidate = point.t;
  }
  return candidate;
}
