import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './capture';
import { EXIT } from '../../src/cli/errors';
import { generateSynthetic } from '../../src/data/synthetic';
import { datasetToJson } from '../../src/data/io';
import { initNetwork } from '../../src/model/init';
import { weightsToJson } from '../../src/model/io';
import { Rng } from '../../src/rng';
import { validateReport } from '../../src/report/verify/schema';

const cli = runCli;

const dir = mkdtempSync(join(tmpdir(), 'pruneproof-cli-'));
const dataPath = join(dir, 'data.json');
const weightsPath = join(dir, 'weights.json');
const ds = generateSynthetic({ m: 12, d: 5, labels: 'teacher', seed: 1 });
writeFileSync(dataPath, JSON.stringify(datasetToJson(ds)));
writeFileSync(
  weightsPath,
  JSON.stringify(
    weightsToJson(initNetwork({ parameterisation: 'meanfield', width: 30, inputDim: 5, outputs: 1, rng: new Rng(2) })),
  ),
);

const TINY = [
  '--m',
  '12,16,20',
  '--seeds',
  '1',
  '--width',
  '40',
  '--n',
  '4,8',
  '--iterations',
  '60',
  '--checkpoints',
  '4',
  '--eta',
  '0.5',
  '--quiet',
  '--workers',
  '1',
  '--store',
  join(dir, 'store'),
];

describe('pruneproof CLI: bad input exits 2 with a message naming what is wrong', () => {
  it.each([
    [['verify', '--m', '10,abc'], /--m: 'abc' is not a number; expected a non-empty list of distinct items/],
    [['verify', '--width', '0'], /--width: expected an integer in \[1, 1000000\], got '0'/],
    [['verify', '--eta-rel', '1.5'], /--eta-rel: expected a number in \(0, 1\), got '1.5'/],
    [['verify', '--parameterisation', 'lazy'], /--parameterisation: expected one of ntk, meanfield, got 'lazy'/],
    [['verify', '--config', join(dir, 'missing.json')], /cannot read config file .*missing\.json: ENOENT/],
    [['verify', '--dataset', 'imagenet'], /--dataset: expected 'synthetic', 'mnist' or a path/],
    [['verify', '--pruners', 'greedy,oracle'], /unknown pruner 'oracle'/i],
    [['verify', '--n', '5000'], /exceed the width N = 1000/],
    [['frobnicate'], /unknown command/],
    [['kernel'], /required option '--data <file>' not specified/],
    [['kernel', '--data', join(dir, 'nope.json')], /nope\.json/],
    [['prune', '--data', dataPath, '--weights', weightsPath, '--n', '-3'], /--n: expected a positive integer/],
    [['prune', '--data', dataPath, '--weights', weightsPath, '--n', '5', '--pruner', 'oracle'], /oracle/],
  ])('%j', async (args, message) => {
    const { code, err } = await cli(args);
    expect(code).toBe(EXIT.badInput);
    expect(err).toMatch(message);
  });

  it('a malformed weights file and a malformed data file name the file and the field', async () => {
    const badWeights = join(dir, 'bad-weights.json');
    writeFileSync(badWeights, JSON.stringify({ parameterisation: 'ntk', W: [[1, 2, 3, 4, 5]], a: [0.5] }));
    const w = await cli(['prune', '--data', dataPath, '--weights', badWeights, '--n', '2']);
    expect(w.code).toBe(EXIT.badInput);
    expect(w.err).toMatch(/bad-weights\.json: .*a\[0\]/);
    const badData = join(dir, 'bad-data.json');
    writeFileSync(
      badData,
      JSON.stringify({
        x: [
          [1, 0],
          [0, 1, 0],
        ],
        y: [1, -1],
      }),
    );
    const d = await cli(['kernel', '--data', badData]);
    expect(d.code).toBe(EXIT.badInput);
    expect(d.err).toMatch(/bad-data\.json: x\[1\]/);
  });

  it('an invalid JSON config file names the file', async () => {
    const p = join(dir, 'broken.json');
    writeFileSync(p, '{"width": 10,');
    const { code, err } = await cli(['verify', '--config', p]);
    expect(code).toBe(EXIT.badInput);
    expect(err).toMatch(/broken\.json: not valid JSON/);
  });

  it('a config with an unknown field names the field', async () => {
    const p = join(dir, 'typo.json');
    writeFileSync(p, JSON.stringify({ widht: 10 }));
    const { code, err } = await cli(['verify', '--config', p]);
    expect(code).toBe(EXIT.badInput);
    expect(err).toMatch(/typo\.json: invalid config: .*'widht'/);
  });

  it('a step size beyond the stability limit is detected, names the limit, and leaves no report behind', async () => {
    const out = join(dir, 'diverge');
    const { code, err } = await cli(['verify', ...TINY, '--eta', '500', '--out', out]);
    expect(code).toBe(EXIT.badInput);
    expect(err).toMatch(/diverged .*exceeds the stability limit/);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });
});

describe('pruneproof CLI: commands that succeed', () => {
  it('kernel prints λ0, λ_max(H∞) and the stability limit as JSON', async () => {
    const { code, out } = await cli(['kernel', '--data', dataPath, '--weights', weightsPath]);
    expect(code).toBe(EXIT.ok);
    const json = JSON.parse(out);
    expect(json.lambda0).toBeGreaterThan(0);
    expect(json.lambdaMaxInfinity).toBeGreaterThanOrEqual(json.lambda0);
    expect(json.stabilityLimitInfinity).toBeCloseTo(2 / json.lambdaMaxInfinity, 10);
    expect(json.stabilityLimit).toBeGreaterThan(0);
  });

  it('prune prints the selected multiset, its measured size and the loss after every step', async () => {
    const { code, out } = await cli([
      'prune',
      '--data',
      dataPath,
      '--weights',
      weightsPath,
      '--pruner',
      'greedy',
      '--n',
      '7',
    ]);
    expect(code).toBe(EXIT.ok);
    const json = JSON.parse(out);
    expect(json.selection).toHaveLength(7);
    expect(json.size).toBe(7);
    expect(json.distinct).toBeLessThanOrEqual(7);
    expect(json.lossPerStep).toHaveLength(7);
    expect(json.measuredLoss).toBeCloseTo(json.lossPerStep[6], 4);
  });

  it('verify writes a schema-valid report with plots, prints the summary, and is reproducible', async () => {
    const out = join(dir, 'reports');
    const first = await cli(['verify', ...TINY, '--out', out]);
    expect(first.code).toBe(EXIT.ok);
    expect(first.out).toMatch(/Summary \(verify-synthetic-[0-9a-f]{10}\)/);
    const [runDir] = readdirSync(out);
    const files = readdirSync(join(out, runDir)).sort();
    expect(files).toEqual(expect.arrayContaining(['report.json', 'report.md', 'loss-vs-t.svg', 'dense-residual.svg']));
    const doc = JSON.parse(readFileSync(join(out, runDir, 'report.json'), 'utf8'));
    expect(validateReport(doc)).toEqual({ valid: true, errors: [] });
    expect(doc.runs).toHaveLength(3);
    expect(doc.environment.backend).toBeTruthy();
    // Same seed and config → the same numbers.
    const again = await cli(['verify', ...TINY, '--fresh', '--out', join(dir, 'again')]);
    expect(again.code).toBe(EXIT.ok);
    const doc2 = JSON.parse(readFileSync(join(dir, 'again', runDir, 'report.json'), 'utf8'));
    const strip = (d: {
      runs: {
        seconds: number;
        refinement: { seconds: number; shareOfRun: number };
        checkpoints: { pruners: { ms: number }[] }[];
      }[];
    }) =>
      d.runs.map((r) => ({
        ...r,
        seconds: 0,
        refinement: { ...r.refinement, seconds: 0, shareOfRun: 0 },
        checkpoints: r.checkpoints.map((c) => ({ ...c, pruners: c.pruners.map((p) => ({ ...p, ms: 0 })) })),
      }));
    expect(strip(doc2)).toEqual(strip(doc));
  });

  it('verify --eta-rel r trains each run at η = r × its own measured stability limit', async () => {
    const out = join(dir, 'eta-rel');
    const { code } = await cli(['verify', ...TINY, '--eta-rel', '0.25', '--out', out]);
    expect(code).toBe(EXIT.ok);
    const [runDir] = readdirSync(out);
    const doc = JSON.parse(readFileSync(join(out, runDir, 'report.json'), 'utf8'));
    expect(validateReport(doc)).toEqual({ valid: true, errors: [] });
    expect(doc.config.etaRelative).toBe(0.25);
    for (const run of doc.runs) {
      expect(run.eta).toBeCloseTo(0.25 * run.stabilityLimit, 10);
      // meanfield trains on L = R/(2m) with step ηN, i.e. on ½R with step η/m (THEORY.md §3).
      expect(run.etaEffective).toBeCloseTo(run.eta / run.m, 10);
    }
    // The limit differs across m, so the step does too: this is what --eta-rel is for.
    expect(new Set(doc.runs.map((r: { eta: number }) => r.eta)).size).toBe(doc.runs.length);
  });
});

describe('pruneproof verify: configuration layering', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildConfig } = require('../../src/cli/verify') as typeof import('../../src/cli/verify');
  const request = (layer = {}, dataset = {}) => ({ layer, dataset });

  it('the default rationale is printed for the defaults however they are spelled (--dataset mnist included)', () => {
    const mnist = buildConfig(request({}, { dataset: 'mnist' }));
    expect(mnist.config.dataset).toEqual({ kind: 'mnist', unitNorm: true, heldOut: 1000 });
    expect(mnist.rationale.join(' ')).toMatch(/784–200–10/);
    expect(buildConfig(request()).rationale.join(' ')).toMatch(/teacher/);
    expect(buildConfig(request({ width: 500 })).rationale.join(' ')).toMatch(/supplied by the user/);
  });

  it('--raw-pixels, --labels and --d modify the dataset they apply to, and are rejected elsewhere', () => {
    expect(buildConfig(request({}, { dataset: 'mnist', rawPixels: true })).config.dataset).toMatchObject({
      kind: 'mnist',
      unitNorm: false,
    });
    expect(buildConfig(request({}, { labels: 'random', d: 8 })).config.dataset).toMatchObject({
      kind: 'synthetic',
      labels: 'random',
      d: 8,
    });
    expect(() => buildConfig(request({}, { dataset: 'mnist', labels: 'random' }))).toThrow(
      /--labels and --d apply to the synthetic dataset only/,
    );
    expect(() => buildConfig(request({}, { rawPixels: true }))).toThrow(/--raw-pixels applies to --dataset mnist only/);
  });
});
