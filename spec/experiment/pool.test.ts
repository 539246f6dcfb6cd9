/**
 * Worker threads need compiled JavaScript, so this test drives the built package in dist/ (npm test
 * builds it first). Runs are independent, so spreading them over workers must not change any number.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const dist = join(__dirname, '..', '..', 'dist', 'src');
const built = existsSync(join(dist, 'experiment', 'worker.js'));

(built ? describe : describe.skip)('runs spread over worker threads', () => {
  it('give exactly the numbers of the same runs done inline', async () => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { initBackend } = require(join(dist, 'backend', 'index.js'));
    const { computeRuns, jobList } = require(join(dist, 'experiment', 'verify.js'));
    const { mergeConfig } = require(join(dist, 'experiment', 'validate-config.js'));
    const { DEFAULT_SYNTHETIC } = require(join(dist, 'experiment', 'defaults.js'));
    const { getPruner } = require(join(dist, 'pruning', 'index.js'));
    /* eslint-enable @typescript-eslint/no-require-imports */
    const backend = await initBackend();
    const config = mergeConfig(DEFAULT_SYNTHETIC, {
      mGrid: [10, 14],
      seeds: [1, 2],
      width: 30,
      subnetworkSizes: [3, 6],
      iterations: 40,
      checkpoints: 4,
      eta: 0.5,
    });
    const options = {
      pruners: config.pruners.map(getPruner),
      backend: backend.name,
      environment: {},
      command: 'test',
      rationale: [],
    };
    const inline = { runs: await computeRuns(config, { ...options, workers: 1 }, jobList(config)) };
    const pooled = { runs: await computeRuns(config, { ...options, workers: 2 }, jobList(config)) };
    type Run = {
      m: number;
      seed: number;
      seconds: number;
      refinement: { seconds: number; shareOfRun: number };
      checkpoints: { pruners: { ms: number }[] }[];
    };
    const strip = (runs: Run[]) =>
      runs.map((r) => ({
        ...r,
        seconds: 0,
        refinement: { ...r.refinement, seconds: 0, shareOfRun: 0 },
        checkpoints: r.checkpoints.map((c) => ({ ...c, pruners: c.pruners.map((p) => ({ ...p, ms: 0 })) })),
      }));
    expect(pooled.runs.map((r: Run) => [r.m, r.seed])).toEqual([
      [10, 1],
      [14, 1],
      [10, 2],
      [14, 2],
    ]);
    expect(strip(pooled.runs)).toEqual(strip(inline.runs));
  });
});
