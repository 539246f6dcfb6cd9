/**
 * The rate claim tells the pruners apart (issue 23): on the theorem preset's quick variant, run as a user runs it
 * (node dist/src/cli/main.js, built by `npm run build`), CLAIM-FW-exponent PASSes with greedy as the subject and
 * FAILs with random or magnitude in the checked role; the report names the subject. Long: three quick theorem
 * runs (≈ 1 min each on 2 cores).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const CLI = resolve(__dirname, '../../dist/src/cli/main.js');
let dir: string;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  dir = mkdtempSync(join(tmpdir(), 'pruneproof-subject-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Verdicts {
  rate: string;
  invariants: string[];
  title: string;
  summary: string;
}

/** verify --preset theorem --quick --subject <subject>: the rate claim's verdict and the report's title line. */
function verifyWith(subject: string): Verdicts {
  const out = join(dir, subject);
  const store = join(dir, `store-${subject}`);
  const run = spawnSync(
    process.execPath,
    [CLI, 'verify', '--preset', 'theorem', '--quick', '--subject', subject, '--out', out, '--store', store, '--quiet'],
    { encoding: 'utf8', timeout: 900_000 },
  );
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.status).toBe(0);
  const [reportDir] = readdirSync(out);
  const doc = JSON.parse(readFileSync(join(out, reportDir, 'report.json'), 'utf8')) as {
    checks: { id: string; kind: string; verdict: string }[];
  };
  const markdown = readFileSync(join(out, reportDir, 'report.md'), 'utf8');
  return {
    rate: doc.checks.find((c) => c.id === 'CLAIM-FW-exponent')!.verdict,
    invariants: doc.checks.filter((c) => c.kind === 'invariant').map((c) => c.verdict),
    title: markdown.split('\n')[0],
    summary: run.stdout,
  };
}

describe('CLAIM-FW-exponent on the theorem quick preset, each pruner in the checked role', () => {
  it('greedy PASSes it, and the report names greedy as the subject', () => {
    const greedy = verifyWith('greedy');
    expect(greedy.rate).toBe('PASS');
    expect(greedy.invariants).not.toContain('FAIL');
    expect(greedy.title).toMatch(/subject greedy$/);
    expect(greedy.summary).toMatch(/subject greedy/);
  }, 900_000);

  it('random FAILs it (uniform picks fall at the sampling rate 1/n)', () => {
    const random = verifyWith('random');
    expect(random.rate).toBe('FAIL');
    expect(random.title).toMatch(/subject random$/);
  }, 900_000);

  it('magnitude FAILs it (a fixed ranking does not home in on y)', () => {
    const magnitude = verifyWith('magnitude');
    expect(magnitude.rate).toBe('FAIL');
    expect(magnitude.summary).toMatch(/subject magnitude/);
  }, 900_000);
});
