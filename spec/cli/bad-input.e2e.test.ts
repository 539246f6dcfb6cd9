/**
 * Bad inputs, run as a user runs them (node dist/src/cli/main.js, built by `npm run build`): each
 * exits 2 before any computing, names the flag, path or variable, and prints no stack trace.
 */
import * as defaults from '../../src/experiment/defaults';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const CLI = resolve(__dirname, '../../dist/src/cli/main.js');
let dir: string;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  dir = mkdtempSync(join(tmpdir(), 'pruneproof-bad-input-'));
  writeFileSync(join(dir, 'a-file'), 'not a directory\n');
  writeFileSync(
    join(dir, 'non-unit.json'),
    JSON.stringify({
      x: [
        [3, 4],
        [0, 2],
        [1, 0],
      ],
      y: [1, 0, -1],
    }),
  );
  writeFileSync(
    join(dir, 'unit.json'),
    JSON.stringify({
      x: [
        [0.6, 0.8],
        [0, 1],
        [1, 0],
      ],
      y: [1, 0, -1],
    }),
  );
  const W = Array.from({ length: 20 }, (_, r) => [Math.cos(r), Math.sin(r)]);
  writeFileSync(
    join(dir, 'w20.json'),
    JSON.stringify({ parameterisation: 'meanfield', W, b: W.map((_, r) => (r % 2 ? 1 : -1)) }),
  );
  // Three outputs per neuron, against unit.json's one label column.
  writeFileSync(
    join(dir, 'w3out.json'),
    JSON.stringify({ parameterisation: 'ntk', W, a: W.map((_, r) => [r % 2 ? 1 : -1, 1, -1]) }),
  );
  writeFileSync(
    join(dir, 'zero-labels.json'),
    JSON.stringify({
      x: [
        [0.6, 0.8],
        [0, 1],
        [1, 0],
      ],
      y: [
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ],
    }),
  );
  mkdirSync(join(dir, 'reports'));
  mkdirSync(join(dir, 'read-only'), { mode: 0o555 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tfjsNodeInstalled(): boolean {
  try {
    require.resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

const prune = (pruner: string) => [
  'prune',
  '--data',
  'unit.json',
  '--weights',
  'w20.json',
  '--pruner',
  pruner,
  '--n',
  '100',
];

type Case = [string, string[], Record<string, string>, RegExp];
const CASES: Case[] = [
  ['verify --out <a file>', ['verify', '--out', 'a-file'], {}, /--out: 'a-file' is a file, not a directory/],
  [
    'verify --out <a read-only dir>',
    ['verify', '--out', '/proc/pruneproof-out'],
    {},
    /--out: cannot write to '\/proc'/,
  ],
  [
    'claims --db <a file>',
    ['claims', '--db', 'a-file', '--out', 'reports'],
    {},
    /--db: 'a-file' is a file, not a directory/,
  ],
  [
    'check-pruner --db <a file>',
    ['check-pruner', 'x.js', '--db', 'a-file', '--out', 'reports'],
    {},
    /--db: 'a-file' is a file/,
  ],
  [
    'PRUNEPROOF_BACKEND=bogus',
    ['verify', '--out', 'reports'],
    { PRUNEPROOF_BACKEND: 'bogus' },
    /PRUNEPROOF_BACKEND: unknown backend 'bogus'; allowed values: tensorflow, wasm, cpu, auto/,
  ],
  [
    'PRUNEPROOF_ANALYSIS_THREADS=0',
    ['verify', '--out', 'reports'],
    { PRUNEPROOF_ANALYSIS_THREADS: '0' },
    /PRUNEPROOF_ANALYSIS_THREADS: must be an integer ≥ 1, got '0'/,
  ],
  [
    'prune --pruner random --n 100 (N = 20)',
    prune('random'),
    {},
    /--n: 100 exceeds the width N = 20 of w20.json; 'random' selects distinct neurons/,
  ],
  ['prune --pruner magnitude --n 100 (N = 20)', prune('magnitude'), {}, /--n: 100 exceeds the width N = 20/],
  ['prune --pruner greedy-norep --n 100 (N = 20)', prune('greedy-norep'), {}, /--n: 100 exceeds the width N = 20/],
  ['kernel on non-unit rows', ['kernel', '--data', 'non-unit.json'], {}, /x\[0\] has norm 5; .*--normalise/],
  [
    'kernel --weights with 3 outputs against 1 label column',
    ['kernel', '--data', 'unit.json', '--weights', 'w3out.json'],
    {},
    /w3out\.json: 3 outputs but unit\.json has 1 label columns/,
  ],
  [
    'verify on all-zero one-hot labels',
    ['verify', '--dataset', 'zero-labels.json', '--m', '3', '--seeds', '1', '--out', 'reports', '--store', 'store'],
    {},
    /every one of the 3 label vectors is all zero .*degenerate/,
  ],
  [
    'verify --m 1000000 (does not fit in memory)',
    ['verify', '--m', '1000000', '--out', 'reports'],
    {},
    /verify: this run does not fit: estimated peak memory [\d.]+ GB/,
  ],
];
if (process.getuid?.() !== 0) {
  // root writes through permission bits; /proc above is read-only for everyone
  const readOnly = ['verify', '--out', 'read-only/reports'];
  CASES.push(['verify --out <a chmod 555 dir>', readOnly, {}, /--out: cannot write to '.*read-only'/]);
}
if (!tfjsNodeInstalled()) {
  CASES.push([
    '--backend tensorflow (not installed)',
    ['verify', '--backend', 'tensorflow', '--out', 'reports'],
    {},
    /tfjs-node is not installed; install it or use --backend wasm/,
  ]);
}

describe('pruneproof: every bad input exits 2 before computing, naming what is wrong, without a stack trace', () => {
  it.each(CASES)('%s', (_name, args, env, message) => {
    const r = run(args, env);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/^\s+at /m); // no stack frames
    expect(r.stderr).not.toContain('--no-unit-norm');
    expect(r.stderr).not.toMatch(/runs done|\[\d+\/\d+\]/); // no progress: nothing was computed
    expect(readdirSync(join(dir, 'reports'))).toEqual([]);
  });

  it('greedy (with replacement) may repeat neurons: --n 100 with N = 20 is accepted', () => {
    const r = run(['prune', '--data', 'unit.json', '--weights', 'w20.json', '--pruner', 'greedy', '--n', '100']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { selection: number[] }).selection).toHaveLength(100);
  });

  it('prune on non-unit rows runs but warns that the theory assumes unit norm', () => {
    const r = run(['prune', '--data', 'non-unit.json', '--weights', 'w20.json', '--n', '3']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'pruneproof prune: warning: non-unit.json: x[0] has norm 5; the theory requires ‖x_j‖ = 1.',
    );
  });

  it('verify --m 100000 --dry-run prints the memory and time estimate and exits 0 at once', () => {
    const r = run(['verify', '--m', '100000', '--dry-run', '--out', 'reports']);
    expect(r.code).toBe(0);
    const runs = defaults.DEFAULT_SYNTHETIC.seeds.length; // one m, every seed of the default preset
    expect(r.stdout).toMatch(
      new RegExp(`estimated peak memory [\\d.]+ GB .* estimated time [\\d.]+ (h|min) for ${runs} run\\(s\\)`),
    );
    expect(r.stdout).toMatch(/free memory [\d.]+ (GB|MB)/);
  });

  it('--version prints the versions; --help shows how each preset differs (from src/experiment/defaults.ts) and the exit codes', () => {
    const { DEFAULT_MNIST } = defaults;
    expect(run(['--version']).stdout).toMatch(/^pruneproof \d+\.\d+\.\d+, node v\d+/);
    const help = run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(
      `mnist: dataset MNIST (unit-norm inputs: yes, held-out ${DEFAULT_MNIST.dataset.kind === 'mnist' ? DEFAULT_MNIST.dataset.heldOut : ''}); m grid ${DEFAULT_MNIST.mGrid.join(', ')}`,
    );
    expect(help.stdout).toMatch(/--quick: m grid [\d, ]+; seeds [\d, ]+/);
    expect(help.stdout).toMatch(/Exit codes:\n {2}0 .*\n {2}1 .*\n {2}2 .*\n {2}3 /);
  });
});
