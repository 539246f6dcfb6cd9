/**
 * `pruneproof claims`: the invariants and claims of THEORY.md §6 as fast-check properties, each within a time
 * budget, stored counterexamples replayed first; writes <--out>/<run-id>/{report.md, report.json} (default runs/).
 * Exit 0 when every invariant held (claims failing in some regime are findings), 1 when an invariant failed
 * or a property threw (a bug in pruneproof).
 */
import type { BackendInfo } from '../backend';
import { describeBackend } from '../backend';
import { claimsReportDocument, writePropertyReport } from '../report/properties/report';
import { isDefect, type PropertyRunResult } from '../properties/runner';
import { runSession, type SessionResult } from '../properties/session';
import { CounterexampleStore, DEFAULT_COUNTEREXAMPLE_DIR } from '../properties/store';
import { environmentInfo } from '../report/environment';
import { EXIT } from './errors';
import { readConfigFile } from './config-file';
import type { TheoryOverrides } from '../../theory';
import { replayInvocation } from './replay';
import { emitResults, propertyOutcome } from './json-output';

export interface ClaimsFlags {
  quick?: boolean;
  seed?: number;
  out: string;
  /** Counterexample store directory. */
  db?: string;
  /** Seconds per property. */
  timeLimit?: number;
  quiet?: boolean;
  /** A config file whose `theory` section (constant and expression overrides) the properties use. */
  config?: string;
  /** --json / --junit FILE (see json-output.ts). */
  json?: boolean;
  junit?: string;
}

/** The command line that reproduces this session (the store may have changed since). */
export function replayCommand(name: string, parts: Array<string | false | undefined>): string {
  // Each part is a flag with its value ('--seed 42'): split into single arguments, quoted as needed.
  const given = parts.filter((p): p is string => typeof p === 'string' && p.length > 0);
  return replayInvocation([
    name,
    ...given.flatMap((p) => (p.startsWith('--') ? p.split(/ (.*)/s).filter(Boolean) : [p])),
  ]);
}

export function resultLine(r: PropertyRunResult): string {
  const inScope = r.cases.evaluated - r.cases.notApplicable;
  const coverage = `${inScope} of ${r.cases.evaluated} cases in scope, ${r.cases.passed} passed (PASS needs ${r.minApplicable})`;
  const what = r.error ?? r.counterexample?.detail ?? coverage;
  const short = what.length > 140 ? `${what.slice(0, 137)}...` : what;
  return `${r.verdict.padEnd(14)} ${r.kind.padEnd(9)} ${r.id.padEnd(26)} ${short}`;
}

function summarise(session: SessionResult, dir: string, out: (s: string) => void): void {
  out('');
  for (const r of session.results) out(`  ${resultLine(r)}`);
  const defects = session.results.filter(isDefect).length;
  const findings = session.results.filter((r) => r.verdict === 'FAIL' && !isDefect(r)).length;
  out(
    `${defects ? `${defects} invariant failure(s): a bug in pruneproof. ` : 'Every invariant held. '}${findings} claim(s) failed on some case (findings).`,
  );
  out(`Report: ${dir}/report.html (+ report.md, report.json) in ${session.seconds.toFixed(1)} s`);
}

export async function claimsCommand(flags: ClaimsFlags, backend: BackendInfo): Promise<number> {
  const log = (s: string) => {
    if (!flags.quiet) process.stderr.write(`${s}\n`);
  };
  const storeDir = flags.db ?? DEFAULT_COUNTEREXAMPLE_DIR;
  const store = new CounterexampleStore(storeDir);
  log(`pruneproof claims: ${describeBackend(backend)}; counterexample store ${store.dir}`);
  const theory = flags.config ? readConfigFile(flags.config).theory : undefined;
  const session = await runSession({
    ...(theory ? { theory: theory as TheoryOverrides } : {}),
    quick: flags.quick,
    seed: flags.seed,
    timeLimitSeconds: flags.timeLimit,
    store,
    onStart: (def, i, total) => log(`  [${i + 1}/${total}] ${def.id} (${def.kind}) ...`),
    onResult: (r) => log(`      ${r.verdict} in ${r.seconds.toFixed(1)} s`),
  });
  const command = replayCommand('claims', [
    flags.quick && '--quick',
    flags.config && `--config ${flags.config}`,
    `--seed ${session.settings.seed}`,
    `--time-limit ${session.settings.timeLimitSeconds}`,
    `--db ${storeDir}`,
    `--out ${flags.out}`,
  ]);
  const doc = claimsReportDocument(session, { command, environment: environmentInfo(backend) });
  const { dir } = await writePropertyReport(doc, flags.out);
  const exitCode = session.results.some(isDefect) ? EXIT.failed : EXIT.ok;
  await emitResults(flags, {
    suite: 'pruneproof claims',
    checks: session.results.map((r) => propertyOutcome(r, dir)),
    summary: {
      command: 'claims',
      runId: doc.runId,
      report: `${dir}/report.md`,
      exitCode,
      defects: session.results.filter(isDefect).length,
    },
    printHuman: () => summarise(session, dir, (s) => process.stdout.write(`${s}\n`)),
  });
  return exitCode;
}
