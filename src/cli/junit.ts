/**
 * JUnit XML (the Ant/Jenkins format GitHub Actions, GitLab and Jenkins read): one <testcase> per check, a FAIL as
 * <failure> whose message holds the counterexample, NOT APPLICABLE as <skipped>.
 */
import { hostname } from 'node:os';

export interface CheckOutcome {
  /** The property id or the check's statement. */
  id: string;
  kind: string;
  verdict: string;
  failed: boolean;
  /** Nothing to check in this regime (NOT APPLICABLE, VACUOUS, UNDECIDED, or a scaling fit without a verdict). */
  skipped: boolean;
  seconds: number | null;
  /** What was found: the counterexample's detail for a failure. */
  detail: string;
  /** Where the check's section is: report.html and its anchor (e.g. "runs/x/report.html#INV-B2"), when known. */
  link?: string | null;
  /** The shrunk counterexample and how to replay it, when there is one. */
  counterexample: { case: unknown; seed: number; path: string | null; detail: string } | null;
}

/** Escapes text for an XML attribute or element, dropping characters XML 1.0 cannot hold. */
export function xmlEscape(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

function failureText(c: CheckOutcome): string {
  const details = c.link ? `\ndetails: ${c.link}` : '';
  if (!c.counterexample) return `${c.detail}${details}`;
  const { seed, path } = c.counterexample;
  const shrunk = JSON.stringify(c.counterexample.case, null, 2);
  return `${c.detail}${details}\ncounterexample (fast-check seed ${seed}, path ${path ?? 'n/a'}):\n${shrunk}`;
}

function testcase(suite: string, c: CheckOutcome): string {
  const time = c.seconds === null ? '' : ` time="${c.seconds.toFixed(3)}"`;
  const open = `    <testcase name="${xmlEscape(c.id)}" classname="${xmlEscape(`${suite}.${c.kind}`)}"${time}>`;
  if (c.failed) {
    const text = failureText(c);
    const failure = `<failure message="${xmlEscape(text)}" type="${xmlEscape(c.kind)}">${xmlEscape(text)}</failure>`;
    return `${open}\n      ${failure}\n    </testcase>`;
  }
  if (c.skipped) return `${open}\n      <skipped message="${xmlEscape(c.detail)}"/>\n    </testcase>`;
  return `${open}\n      <system-out>${xmlEscape(`${c.verdict}: ${c.detail}`)}</system-out>\n    </testcase>`;
}

export function junitXml(suite: string, checks: CheckOutcome[]): string {
  const failures = checks.filter((c) => c.failed).length;
  const skipped = checks.filter((c) => c.skipped).length;
  const time = checks.reduce((s, c) => s + (c.seconds ?? 0), 0).toFixed(3);
  const timestamp = new Date().toISOString().slice(0, 19);
  const counts = `tests="${checks.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="pruneproof" ${counts}>`,
    `  <testsuite name="${xmlEscape(suite)}" ${counts} timestamp="${timestamp}" hostname="${xmlEscape(hostname())}">`,
    ...checks.map((c) => testcase(suite, c)),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
