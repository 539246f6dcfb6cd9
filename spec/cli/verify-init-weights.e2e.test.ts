/**
 * `verify --init-weights FILE`: pre-training starts from the file's network — its λ_max(H(0)) is the one
 * `kernel --weights FILE` reports on the same data — the report records the file's SHA-256, another file gives
 * another run, and a file that does not fit the run is exit 2 before any computing.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDatasetFile } from '../../src/data/io';
import { generateSynthetic } from '../../src/data/synthetic';
import { readDataset } from '../../src/interop/files';
import { encodeNpz } from '../../src/interop/npz';
import { initNetwork } from '../../src/model/init';
import { Rng } from '../../src/rng';
import { runCli } from './capture';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pruneproof-init-weights-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const m = 20;
const d = 5;
const width = 8;

function weightsNpz(name: string, seed: number): string {
  const w = initNetwork({ parameterisation: 'ntk', width, inputDim: d, outputs: 1, rng: new Rng(seed) });
  const path = join(dir, name);
  const arrays = new Map([
    ['W', { dtype: '<f4' as const, shape: [width, d], values: w.w }],
    ['a', { dtype: '<f4' as const, shape: [width], values: w.v }],
  ]);
  writeFileSync(path, encodeNpz(arrays));
  return path;
}

interface Report {
  runId: string;
  config: { initWeights?: { path: string; sha256: string } };
  runs: Array<{ lambdaMaxH0: number; initialResidual: number }>;
}

async function verify(data: string, initWeights: string, out: string): Promise<Report> {
  const args = ['verify', '--dataset', data, '--m', String(m), '--seeds', '1', '--width', String(width), '--n', '2'];
  args.push('--iterations', '5', '--checkpoints', '2', '--parameterisation', 'ntk', '--init-weights', initWeights);
  args.push('--out', out, '--store', join(dir, 'store'), '--workers', '1', '--quiet');
  const { code, err } = await runCli(args);
  if (code !== 0) throw new Error(`verify exited ${code}: ${err}`);
  const [runDir] = readdirSync(out);
  return JSON.parse(readFileSync(join(out, runDir, 'report.json'), 'utf8')) as Report;
}

describe('verify --init-weights', () => {
  it('starts from the file: λ_max(H(0)) as kernel computes it for that file, its SHA-256 in the report, another file another run', async () => {
    const data = join(dir, 'data.json');
    writeDatasetFile(data, generateSynthetic({ m, d, labels: 'teacher', seed: 3 }));
    const first = weightsNpz('first.npz', 1);
    const second = weightsNpz('second.npz', 2);
    // The same data as .npz: verify reads either.
    const ds = readDataset(data);
    const npz = join(dir, 'data.npz');
    const arrays = new Map([
      ['x', { dtype: '<f4' as const, shape: [m, d], values: ds.x }],
      ['y', { dtype: '<f4' as const, shape: [m], values: ds.y }],
    ]);
    writeFileSync(npz, encodeNpz(arrays, true));
    const a = await verify(data, first, join(dir, 'out-a'));
    const b = await verify(npz, second, join(dir, 'out-b'));
    expect(a.config.initWeights?.path).toBe(first);
    expect(a.config.initWeights?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(b.config.initWeights?.sha256).not.toBe(a.config.initWeights?.sha256);
    expect(b.runId).not.toBe(a.runId);
    const kernel = await runCli(['kernel', '--data', data, '--weights', first]);
    const expected = (JSON.parse(kernel.out) as { lambdaMaxH0: number }).lambdaMaxH0;
    expect(Math.abs(a.runs[0].lambdaMaxH0 - expected)).toBeLessThanOrEqual(1e-4 * expected);
    expect(Math.abs(b.runs[0].lambdaMaxH0 - expected)).toBeGreaterThan(1e-3 * expected);
  }, 180_000);

  it('a network that does not fit the run is exit 2 naming both shapes; an unreadable file names the file', async () => {
    const data = join(dir, 'data2.json');
    writeDatasetFile(data, generateSynthetic({ m, d, labels: 'teacher', seed: 3 }));
    const args = (w: string) => [
      'verify',
      '--n',
      '2',
      '--pruners',
      'greedy',
      '--dataset',
      data,
      '--m',
      String(m),
      '--width',
      '16',
      '--init-weights',
      w,
      '--out',
      join(dir, 'never'),
      '--quiet',
    ];
    const meanfield = await runCli(args(weightsNpz('narrow.npz', 1)));
    expect(meanfield.code).toBe(2);
    expect(meanfield.err).toContain(
      "holds 'ntk' weights but the run's parameterisation is 'meanfield' (--parameterisation)",
    );
    const wrong = await runCli([...args(weightsNpz('narrow.npz', 1)), '--parameterisation', 'ntk']);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain(
      'a network with N = 8, d = 5, C = 1; this run needs N = 16 (--width), d = 5, C = 1 (the dataset)',
    );
    const missing = await runCli(args(join(dir, 'nope.onnx')));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain(`--init-weights: cannot read ${join(dir, 'nope.onnx')}`);
  });
});
