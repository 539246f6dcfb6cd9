/** `pruneproof claims`: runs every property within its budget, writes the report, replays stored counterexamples, exit codes. */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { captureCliPerTest } from './capture';
import { validatePropertyReport } from '../../src/report/properties/schema';
import type { ClaimsReportDocument } from '../../src/report/properties/report';

const io = captureCliPerTest('pruneproof-cli-claims-');

function readReport(out: string): ClaimsReportDocument {
  const [runId] = readdirSync(out);
  expect(readdirSync(join(out, runId)).sort()).toEqual(['report.html', 'report.json', 'report.md']);
  return JSON.parse(readFileSync(join(out, runId, 'report.json'), 'utf8')) as ClaimsReportDocument;
}

describe('pruneproof claims', () => {
  it('--quick: every invariant holds (exit 0), claims are reported as findings, counterexamples are stored and replayed first next time', async () => {
    const args = [
      'claims',
      '--quick',
      '--time-limit',
      '1.5',
      '--seed',
      '42',
      '--db',
      join(io.dir, 'db'),
      '--out',
      join(io.dir, 'reports'),
      '--quiet',
    ];
    expect(await main(args)).toBe(0);
    const doc = readReport(join(io.dir, 'reports'));
    expect(validatePropertyReport(doc).valid).toBe(true);
    expect(doc.properties.map((p) => [p.id, p.kind])).toEqual([
      ['INV-B2', 'invariant'],
      ['INV-B2-prime', 'invariant'],
      ['INV-B4', 'invariant'],
      ['INV-greedy-identity', 'invariant'],
      ['INV-size', 'invariant'],
      ['INV-FW-rate', 'invariant'],
      ['CLAIM-B1', 'claim'],
      ['CLAIM-B3-hull', 'claim'],
      ['CLAIM-B3-loss', 'claim'],
      ['CLAIM-FW-exponent', 'claim'],
      ['CLAIM-log-scaling', 'claim'],
    ]);
    // 1.5 s per property rarely reaches 20 applicable cases: an invariant then says UNDECIDED, never PASS, never FAIL.
    for (const p of doc.properties.filter((q) => q.kind === 'invariant')) {
      expect(
        p.verdict === 'PASS'
          ? p.cases.passed >= p.minApplicable
          : p.verdict === 'UNDECIDED' || p.verdict === 'NOT APPLICABLE',
      ).toBe(true);
    }
    expect(io.stdout.join('')).toMatch(/cases in scope, \d+ passed \(PASS needs 20\)/);
    const failedClaims = doc.properties.filter((p) => p.verdict === 'FAIL');
    // The store directory exists once something was stored (a claim failed).
    const stored = existsSync(join(io.dir, 'db')) ? readdirSync(join(io.dir, 'db')).sort() : [];
    expect(stored).toEqual(failedClaims.map((p) => `${p.id}.json`).sort());
    expect(io.stdout.join('')).toMatch(/Every invariant held\. \d claim\(s\) failed on some case \(findings\)\./);
    const md = readFileSync(join(io.dir, 'reports', doc.runId, 'report.md'), 'utf8');
    for (const p of failedClaims) expect(md).toContain(`### ${p.id} — FAIL (claim)`);

    // Second session: each stored counterexample is replayed before anything is generated.
    expect(await main(args)).toBe(0);
    const again = readReport(join(io.dir, 'reports'));
    for (const p of again.properties.filter((q) => failedClaims.some((f) => f.id === q.id))) {
      expect(p.replay?.status).toMatch(/still fails|now passes/);
    }
  });

  it('a theory override reaches the properties: B2 overridden to 0 makes INV-B2 FAIL and the session exit 1', async () => {
    const config = join(io.dir, 'b2-zero.json');
    writeFileSync(config, JSON.stringify({ theory: { expressions: { B2: '0' } } }));
    const args = [
      'claims',
      '--quick',
      '--config',
      config,
      '--time-limit',
      '1',
      '--db',
      join(io.dir, 'db0'),
      '--out',
      join(io.dir, 'r0'),
      '--quiet',
    ];
    expect(await main(args)).toBe(1);
    const doc = readReport(join(io.dir, 'r0'));
    expect(doc.properties.find((p) => p.id === 'INV-B2')?.verdict).toBe('FAIL');
  });

  it('bad flags exit 2 with the flag named', async () => {
    expect(await main(['claims', '--time-limit', '-1', '--out', io.dir])).toBe(2);
    expect(io.stderr.join('')).toContain('--time-limit');
    expect(await main(['claims', '--seed', 'x', '--out', io.dir])).toBe(2);
  });
});
