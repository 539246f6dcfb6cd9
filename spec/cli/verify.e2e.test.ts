/**
 * `verify` configuration at the edge, run as a user runs it (node dist/src/cli/main.js, built by `npm run build`):
 * the composition of presets and flags as --dry-run reports it, bad values exiting 2 before any computing, and
 * --help listing every field of the table with its default.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FIELD_KEYS, fieldSpec, showField } from '../../src/experiment/fields';
import { DEFAULT_SYNTHETIC } from '../../src/experiment/defaults';

const CLI = resolve(__dirname, '../../dist/src/cli/main.js');
let dir: string;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  dir = mkdtempSync(join(tmpdir(), 'pruneproof-verify-config-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function configFile(name: string, content: unknown): string {
  writeFileSync(join(dir, name), JSON.stringify(content));
  return name;
}

describe('verify --dry-run reports the composed configuration', () => {
  it('--preset theorem --eta 0.2 reports η = 0.2; without --eta, the preset’s relative step', () => {
    const fixed = run(['verify', '--preset', 'theorem', '--eta', '0.2', '--dry-run']);
    expect(fixed.code).toBe(0);
    expect(fixed.stderr).toMatch(/, η = 0\.2\n/);
    const relative = run(['verify', '--preset', 'theorem', '--dry-run']);
    expect(relative.stderr).toMatch(/, η = 0\.5 × stability limit\n/);
  });

  it('--quick keeps explicit --m and --seeds (theorem preset included)', () => {
    const r = run(['verify', '--preset', 'theorem', '--quick', '--m', '30,60,90,120', '--seeds', '7', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/4 m values × 1 seeds/);
  });
});

type Case = [string, string[], RegExp];
const FLAG_CASES: Case[] = [
  ['--seeds 1,,2', ['--seeds', '1,,2'], /--seeds: '1,,2' has an empty item/],
  ['--seeds 1,4294967297', ['--seeds', '1,4294967297'], /--seeds: expected .*\[0, 4294967295\]/],
  ['--m 50,50', ['--m', '50,50'], /--m: .*duplicate items/],
  ['--n 10,10', ['--n', '10,10'], /--n: .*duplicate items/],
  ['--kappa 1e300', ['--kappa', '1e300'], /--kappa: expected a number in \(0, 1000\]/],
  ['--iterations 1e12', ['--iterations', '1e12'], /--iterations: expected an integer in \[1, 10000000\]/],
];
/** [name, file name, config-file content, message]. */
const FILE_CASES: [string, string, unknown, RegExp][] = [
  ['kappa 1e300', 'k.json', { kappa: 1e300 }, /k\.json: invalid config: \/kappa must be <= 1000/],
  ['iterations 1e12', 'i.json', { iterations: 1e12 }, /i\.json: invalid config: \/iterations must be <= 10000000/],
  ['seeds 1 and 2^32 + 1', 's.json', { seeds: [1, 2 ** 32 + 1] }, /\/seeds\/1 must be <= 4294967295/],
  ['duplicate subnetworkSizes', 'n.json', { subnetworkSizes: [50, 50] }, /\/subnetworkSizes must NOT have duplicate/],
];

function expectRefusedBeforeComputing(args: string[], message: RegExp): void {
  const r = run(['verify', ...args, '--out', 'out']);
  expect(r.stderr).toMatch(message);
  expect(r.code).toBe(2);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toMatch(/run id|runs done/); // nothing started
  expect(existsSync(join(dir, 'out'))).toBe(false);
}

describe('verify: a value out of its stated range exits 2 before computing, naming the flag or field', () => {
  it.each(FLAG_CASES)('flag %s', (_name, args, message) => expectRefusedBeforeComputing(args, message));

  it.each(FILE_CASES)('config file %s', (_name, file, content, message) =>
    expectRefusedBeforeComputing(['--config', configFile(file, content)], message),
  );
});

describe('help', () => {
  it('verify --help lists every field of the table with its default (the synthetic preset’s)', () => {
    const help = run(['verify', '--help']);
    expect(help.code).toBe(0);
    const text = help.stdout.replace(/\s+/g, ' ');
    for (const key of FIELD_KEYS) {
      const spec = fieldSpec(key);
      const shown = `(default: ${showField(key, DEFAULT_SYNTHETIC)})`.replace(/\s+/g, ' ');
      const entry = spec.flag ? `${shown} [${key}]` : `${key}: ${spec.help} ${shown}`;
      expect({ key, listed: text.includes(entry) }).toEqual({ key, listed: true });
    }
    expect(text).toContain('writes runs/<run-id>/');
  });

  it('claims and check-pruner write to runs/ by default, not to the committed references’ reports/', () => {
    for (const command of ['claims', 'check-pruner']) {
      const text = run([command, '--help']).stdout.replace(/\s+/g, ' ');
      expect(text).toContain('--out <dir> reports directory (gitignored) (default: "runs")');
    }
  });
});
