/** One check over all runs of an experiment: the verdict counts, and the first counterexample or example. */
import type { CheckResult, Verdict } from './types';

export interface RunCheck {
  m: number;
  seed: number;
  result: CheckResult;
}

/** FAIL beats PASS beats VACUOUS beats UNDECIDED beats NOT APPLICABLE: one failing run is a failure. */
const PRECEDENCE: readonly Verdict[] = ['FAIL', 'PASS', 'VACUOUS', 'UNDECIDED', 'NOT APPLICABLE'];

function countsText(perRun: RunCheck[]): string {
  const parts = PRECEDENCE.map((v) => [v, perRun.filter((x) => x.result.verdict === v).length] as const)
    .filter(([, k]) => k > 0)
    .map(([v, k]) => `${k} ${v === 'NOT APPLICABLE' ? 'N/A' : v}`);
  return `${parts.join(', ')} over ${perRun.length} runs`;
}

/** Aggregates each check id over the runs (in registry order, as the runs list them). */
export function aggregateChecks(runs: { m: number; seed: number; checks: CheckResult[] }[]): CheckResult[] {
  const ids = [...new Set(runs.flatMap((r) => r.checks.map((c) => c.id)))];
  return ids.map((id) => {
    const perRun: RunCheck[] = runs.flatMap((r) =>
      r.checks.filter((c) => c.id === id).map((result) => ({ m: r.m, seed: r.seed, result })),
    );
    const verdict = PRECEDENCE.find((v) => perRun.some((x) => x.result.verdict === v)) ?? 'NOT APPLICABLE';
    const example = perRun.find((x) => x.result.verdict === verdict)!;
    const sum = (pick: (r: CheckResult) => number) => perRun.reduce((s, x) => s + pick(x.result), 0);
    const ratios = perRun.map((x) => x.result.tightness).filter((v): v is number => v !== null);
    return {
      ...example.result,
      verdict,
      detail: `${countsText(perRun)}; ${verdict === 'FAIL' ? 'counterexample' : 'e.g.'} m = ${example.m}, seed = ${example.seed}: ${example.result.detail}`,
      checked: sum((r) => r.checked),
      vacuous: sum((r) => r.vacuous),
      undecided: sum((r) => r.undecided),
      failures: perRun.flatMap((x) =>
        x.result.failures.map((f) => ({ ...f, detail: `m = ${x.m}, seed = ${x.seed}: ${f.detail}` })),
      ),
      tightness: ratios.length > 0 ? Math.max(...ratios) : null,
      violatedHypotheses: [...new Set(perRun.flatMap((x) => x.result.violatedHypotheses))],
    };
  });
}
