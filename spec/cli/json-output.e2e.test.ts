/**
 * --json (one JSON object on stdout, progress on stderr) and --junit FILE (valid JUnit XML, one test case per check,
 * the counterexample in the failure message) on verify, claims and check-pruner; the replay line runs in a clone.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { main } from '../../src/cli/main';
import { junitXml } from '../../src/cli/junit';
import type { CheckOutcome } from '../../src/cli/json-output';
import { captureCliPerTest } from './capture';

const io = captureCliPerTest('pruneproof-cli-json-');
const XSD = readFileSync(resolve(__dirname, '../fixtures/junit.xsd'), 'utf8');

async function expectValidJunit(xml: string): Promise<void> {
  const result = await validateXML({
    xml: [{ fileName: 'report.xml', contents: xml }],
    schema: [{ fileName: 'junit.xsd', contents: XSD }],
  });
  expect(result.errors).toEqual([]);
  expect(result.valid).toBe(true);
}

function onlyJsonObject(): Record<string, unknown> {
  const out = io.stdout.join('');
  expect(out.trim().split('\n')).toHaveLength(1);
  return JSON.parse(out) as Record<string, unknown>;
}

const store = () => ['--db', join(io.dir, 'db'), '--out', join(io.dir, 'reports')];

describe('--json and --junit', () => {
  it('check-pruner on a broken pruner: one JSON object with the broken contract; JUnit failure carries the shrunk case', async () => {
    const junit = join(io.dir, 'ci', 'junit.xml');
    expect(
      await main([
        'check-pruner',
        'examples/pruners/broken-pruner.js',
        '--quick',
        ...store(),
        '--json',
        '--junit',
        junit,
      ]),
    ).toBe(1);
    const json = onlyJsonObject();
    expect(json).toMatchObject({
      command: 'check-pruner',
      passed: false,
      brokenContracts: ['CONTRACT-size'],
      exitCode: 1,
    });
    expect((json.checks as CheckOutcome[]).find((c) => c.id === 'CONTRACT-size')?.counterexample?.case).toMatchObject({
      n: 1,
    });
    expect(io.stderr.join('')).toContain('CONTRACT-size'); // progress went to stderr
    const xml = readFileSync(junit, 'utf8');
    await expectValidJunit(xml);
    expect(xml).toMatch(
      /<testcase name="CONTRACT-size" classname="pruneproof check-pruner broken-fixed-size.contract"[^>]*>\n\s+<failure message="returned 2 picks for n = 1/,
    );
    expect(xml).toContain('counterexample (fast-check seed');
    expect((xml.match(/<testcase /g) ?? []).length).toBe((json.checks as unknown[]).length);
    const [runId] = readdirSync(join(io.dir, 'reports'));
    const md = readFileSync(join(io.dir, 'reports', runId, 'report.md'), 'utf8');
    expect(md).toContain(
      'npm run --silent pruneproof -- check-pruner examples/pruners/broken-pruner.js --quick --seed 42',
    );
  });

  it('claims: one JSON object with a check per property; valid JUnit', async () => {
    const junit = join(io.dir, 'claims.xml');
    const code = await main([
      'claims',
      '--quick',
      '--time-limit',
      '0.3',
      ...store(),
      '--json',
      '--junit',
      junit,
      '--quiet',
    ]);
    const json = onlyJsonObject();
    expect(json).toMatchObject({ command: 'claims', exitCode: code });
    expect((json.checks as CheckOutcome[]).length).toBeGreaterThan(5);
    await expectValidJunit(readFileSync(junit, 'utf8'));
  });

  it('verify: one JSON object with every summary row; valid JUnit', async () => {
    const junit = join(io.dir, 'verify.xml');
    const tiny = [
      '--m',
      '12,16',
      '--seeds',
      '1',
      '--width',
      '40',
      '--n',
      '4',
      '--iterations',
      '40',
      '--checkpoints',
      '3',
      '--eta',
      '0.5',
    ];
    expect(
      await main([
        'verify',
        ...tiny,
        '--quiet',
        '--workers',
        '1',
        '--out',
        join(io.dir, 'reports'),
        '--json',
        '--junit',
        junit,
      ]),
    ).toBe(0);
    const json = onlyJsonObject();
    expect(json).toMatchObject({ command: 'verify', exitCode: 0, brokenInvariant: false });
    expect((json.checks as CheckOutcome[]).length).toBeGreaterThan(3);
    await expectValidJunit(readFileSync(junit, 'utf8'));
  });

  it('junitXml escapes markup and control characters; the result is valid against the schema (and the schema can fail)', async () => {
    const check: CheckOutcome = {
      id: 'a <b> & "c"',
      kind: 'claim',
      verdict: 'FAIL',
      failed: true,
      skipped: false,
      seconds: 0.5,
      detail: "x < y & 'z'\u0001",
      counterexample: { case: { s: '</failure>' }, seed: 1, path: '0:1', detail: 'd' },
    };
    const xml = junitXml('suite', [
      check,
      { ...check, id: 'na', failed: false, skipped: true, verdict: 'NOT APPLICABLE' },
    ]);
    await expectValidJunit(xml);
    const broken = xml.replace('<testsuite ', '<testsuite bogus="1" ');
    const result = await validateXML({
      xml: [{ fileName: 'r.xml', contents: broken }],
      schema: [{ fileName: 'junit.xsd', contents: XSD }],
    });
    expect(result.valid).toBe(false);
  });
});
