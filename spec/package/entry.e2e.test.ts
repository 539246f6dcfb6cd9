/**
 * The library entry point as a user gets it: the repository is packed with `npm pack` (the dist/ that
 * `npm run build` made, which `npm run test:e2e` runs first), unpacked into a temporary project's node_modules,
 * then required with `require('pruneproof')` from that project and imported with types by `tsc`.
 *
 * Dependencies: `npm install --offline <tarball>` cannot work here — npm resolves transitive ranges to the
 * newest versions it knows of, whose tarballs are not all in the cache (ENOTCACHED, e.g. undici-types), and
 * the test must not touch the network. So the tarball is unpacked where npm would put it and its
 * node_modules is a symlink to this repo's installed dependencies (the exact versions package.json pins).
 */
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const TSC = require.resolve('typescript/bin/tsc');

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'pruneproof-entry-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(file: string, args: string[], cwd: string): string {
  return execFileSync(file, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Packs the built package and installs it into <tmp>/consumer; returns the consumer directory. */
function installPackedPackage(): string {
  if (!existsSync(join(ROOT, 'dist', 'src', 'index.js')))
    throw new Error('dist/ is missing: run `npm run build` first (`npm run test:e2e` does)');
  const [{ filename }] = JSON.parse(run('npm', ['pack', ROOT, '--json', '--pack-destination', tmp], tmp)) as {
    filename: string;
  }[];
  const consumer = join(tmp, 'consumer');
  mkdirSync(join(consumer, 'node_modules'), { recursive: true });
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, dependencies: { pruneproof: `file:../${filename}` } }),
  );
  run('tar', ['-xzf', join(tmp, filename), '-C', join(consumer, 'node_modules')], tmp);
  renameSync(join(consumer, 'node_modules', 'package'), join(consumer, 'node_modules', 'pruneproof'));
  symlinkSync(join(ROOT, 'node_modules'), join(consumer, 'node_modules', 'pruneproof', 'node_modules'), 'dir');
  return consumer;
}

const USE_FROM_JS = `
const assert = require('node:assert');
const pp = require('pruneproof');
const names = ['initBackend', 'tf', 'checkPruner', 'assertPrunerConforms', 'arbitraries', 'verify', 'fit', 'data', 'model', 'kernel',
  'pruners', 'theory', 'scaling'];
const nested = ['data.generateSynthetic', 'data.validateDataset', 'model.initNetwork', 'kernel.kernelSpectrum', 'pruners.greedyPruner',
  'pruners.lossCurve', 'theory.tStar', 'scaling.analyseScaling', 'arbitraries.pruningCase'];
for (const n of nested) names.push(n);
const missing = names.filter((n) => n.split('.').reduce((o, k) => o?.[k], pp) === undefined);
assert.deepStrictEqual(missing, []);
(async () => {
  await pp.initBackend();
  const ds = pp.data.generateSynthetic({ m: 5, d: 3, labels: 'teacher', seed: 1 });
  pp.data.validateDataset(ds);
  const firstN = { name: 'first-n', prune: (input) => {
    const selection = Array.from({ length: input.n }, (_, k) => k);
    return { selection, lossPerStep: pp.pruners.lossCurve(input.features, input.targets, selection) };
  } };
  const result = await pp.checkPruner(firstN, { quick: true, contractsOnly: true, store: null, timeLimitSeconds: 3 });
  const broken = await pp.checkPruner(require(${JSON.stringify(join(ROOT, 'examples/pruners/broken-pruner.js'))}), { quick: true, contractsOnly: true, store: null, timeLimitSeconds: 3 });
  const tStar = pp.theory.tStar({ eta: 0.5, lambda0: 0.2, rho: 0.1, R0: 4 });
  console.log(JSON.stringify({ lambda0: pp.kernel.kernelSpectrum(ds).lambda0, passed: result.passed, broken: broken.brokenContracts, tStar, arbitraries: Object.keys(pp.arbitraries).length }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

const USE_FROM_TS = `
import { arbitraries, checkPruner, pruners, type data, type PruneInput, type PruneResult, type Pruner, type PrunerCheckResult } from 'pruneproof';

const firstN: Pruner = {
  name: 'first-n',
  prefixConsistent: true,
  prune(input: PruneInput): PruneResult {
    const selection = Array.from({ length: input.n }, (_, k) => k);
    return { selection, lossPerStep: selection.map(() => 0) };
  },
};
export const result: Promise<PrunerCheckResult> = checkPruner(firstN, { quick: true, store: null });
export const cases = arbitraries.pruningCase({ width: { min: 2, max: 10 } });
export const simplest: arbitraries.PruningCase = { dataset: { m: 2, d: 2, labels: 'teacher', seed: 0 }, parameterisation: 'ntk', width: 1, n: 1, stepFraction: 0.1, iterations: 0 };
export const builtin: Pruner = pruners.greedyPruner();
export type Rows = data.Dataset['x'];
// @ts-expect-error a Pruner needs prune(): the package's types are real, not any
export const incomplete: Pruner = { name: 'no-prune' };
`;

describe("the package entry point: require('pruneproof') from another project", () => {
  it('packs and installs; the public API works from JavaScript and type-checks from TypeScript; the bin runs', () => {
    const consumer = installPackedPackage();
    const installed = join(consumer, 'node_modules', 'pruneproof');
    expect(existsSync(join(installed, 'dist', 'src', 'index.js'))).toBe(true);
    expect(existsSync(join(installed, 'dist', 'src', 'index.d.ts'))).toBe(true);
    expect(existsSync(join(installed, 'spec'))).toBe(false); // only dist and the README ship

    writeFileSync(join(consumer, 'use.js'), USE_FROM_JS);
    const out = JSON.parse(run(process.execPath, ['use.js'], consumer).trim().split('\n').pop()!);
    expect(out.lambda0).toBeGreaterThan(0);
    expect(out.passed).toBe(true);
    expect(out.broken).toEqual(['CONTRACT-size']);
    expect(out.tStar).toBeGreaterThan(0);
    expect(out.arbitraries).toBeGreaterThan(10);

    writeFileSync(join(consumer, 'use.ts'), USE_FROM_TS);
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'node16',
          moduleResolution: 'node16',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        files: ['use.ts'],
      }),
    );
    run(process.execPath, [TSC, '-p', join(consumer, 'tsconfig.json')], consumer);

    const help = run(
      process.execPath,
      [join(installed, JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).bin.pruneproof), '--help'],
      consumer,
    );
    expect(help).toContain('check-pruner');
    expect(help).toContain('claims');
  }, 600_000); // a hang guard only: npm pack and tsc take minutes on a busy 2-core machine
});
