/**
 * Machine-readable results of `verify`, `claims` and `check-pruner`: one outcome per check, printed as ONE JSON
 * object on stdout with --json (progress stays on stderr) and/or written as JUnit XML with --junit FILE.
 */
import type { PropertyRunResult } from '../properties/runner';
import type { ReportDocument } from '../report/types';
import { writeFileAtomically } from '../files/atomic';
import { join } from 'node:path';
import { HTML_PAGE } from '../report/blocks';
import { propertyAnchor } from '../report/properties/report';
import { summaryAnchor } from '../report/verify/markdown';
import { junitXml, type CheckOutcome } from './junit';

export type { CheckOutcome } from './junit';

export interface OutputFlags {
  json?: boolean;
  junit?: string;
}

/** The section of a check in a report folder's report.html, for JUnit messages (null without a folder). */
function sectionLink(reportDir: string | undefined, anchor: string | null): string | null {
  return reportDir === undefined || anchor === null ? null : `${join(reportDir, HTML_PAGE)}#${anchor}`;
}

export function propertyOutcome(r: PropertyRunResult, reportDir?: string): CheckOutcome {
  const ce = r.counterexample;
  const cases = `${r.cases.passed} passed, ${r.cases.notApplicable} not applicable of ${r.cases.evaluated}`;
  return {
    id: r.id,
    kind: r.kind,
    verdict: r.verdict,
    failed: r.verdict === 'FAIL',
    skipped: r.verdict === 'NOT APPLICABLE',
    seconds: r.seconds,
    detail: r.error ?? ce?.detail ?? cases,
    link: sectionLink(reportDir, propertyAnchor(r.id)),
    counterexample: ce ? { case: ce.case, seed: ce.seed, path: ce.path, detail: ce.detail } : null,
  };
}

export function verifyOutcomes(doc: ReportDocument, reportDir?: string): CheckOutcome[] {
  return doc.summary.map((row) => ({
    id: row.check,
    kind: row.kind,
    verdict: row.verdict,
    failed: row.verdict === 'FAIL',
    // A check that asserted nothing (N/A, VACUOUS, UNDECIDED) or a scaling fit without a verdict is a skipped test, never a pass.
    skipped: ['NOT APPLICABLE', 'VACUOUS', 'UNDECIDED', 'inconclusive'].includes(row.verdict),
    seconds: null,
    detail: row.detail,
    link: sectionLink(reportDir, summaryAnchor(doc, row)),
    counterexample: null,
  }));
}

/** Prints the human summary, or with --json the one JSON object; writes the JUnit file when asked. */
export async function emitResults(
  flags: OutputFlags,
  result: { suite: string; checks: CheckOutcome[]; summary: Record<string, unknown>; printHuman: () => void },
): Promise<void> {
  if (flags.json) process.stdout.write(`${JSON.stringify({ ...result.summary, checks: result.checks })}\n`);
  else result.printHuman();
  if (flags.junit) await writeFileAtomically(flags.junit, junitXml(result.suite, result.checks));
}
