/**
 * Calibration simulations over worker threads. Workers need compiled JavaScript, so the pooled cases point the
 * pool at the worker script in dist/ (npm test builds it first); from TypeScript sources everything is inline.
 * Each simulation is the same whichever thread runs it, so the rates must be the same bits; a failing worker
 * must throw, not hang.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../src/rng';
import { analyseScaling, anchoredLaws, confusion, simulate } from '../../src/scaling';
import { tallyVerdicts } from '../../src/scaling/calibrate';
import type { Design, SimulatedLaw } from '../../src/scaling';
import {
  analysisThreads,
  closeCalibrationWorkers,
  tallyInParallel,
  workerScript,
  type SimulationBatch,
  type Tally,
} from '../../src/scaling/calibration-pool';

const dist = join(__dirname, '..', '..', 'dist', 'src');
const script = join(dist, 'scaling', 'calibration-worker.js');
const built = existsSync(script);

const design: Design = {
  grid: [30, 100, 300, 1000, 3000].map((m) => ({ m, seeds: 3 })),
  resolution: { absolute: 1, relative: 0 },
  censorAt: 150,
  sigma: 4,
  floor: 0,
  sigmaSource: 'across seeds',
};
const laws = anchoredLaws(30, 20, 3000, 120);
const SIMULATIONS = 12;
const SEED = 7;

afterAll(() => closeCalibrationWorkers());

/** The calling thread's share when it claims none: every simulation runs in the workers. */
const callerIdle = (b: SimulationBatch): Tally => b.laws.map(() => [0, 0, 0, 0]);

describe('analysisThreads', () => {
  const saved = process.env.PRUNEPROOF_ANALYSIS_THREADS;
  afterEach(() => {
    if (saved === undefined) delete process.env.PRUNEPROOF_ANALYSIS_THREADS;
    else process.env.PRUNEPROOF_ANALYSIS_THREADS = saved;
  });

  it('an explicit count wins over PRUNEPROOF_ANALYSIS_THREADS, which wins over the core count', () => {
    delete process.env.PRUNEPROOF_ANALYSIS_THREADS;
    expect(analysisThreads()).toBe(availableParallelism());
    process.env.PRUNEPROOF_ANALYSIS_THREADS = '3';
    expect(analysisThreads()).toBe(3);
    expect(analysisThreads(1)).toBe(1);
  });

  it('a bad count names where it came from', () => {
    expect(() => analysisThreads(0)).toThrow(new RangeError('threads: must be an integer ≥ 1, got 0'));
    expect(() => analysisThreads(1.5)).toThrow(/^threads: must be an integer ≥ 1, got 1.5$/);
    process.env.PRUNEPROOF_ANALYSIS_THREADS = 'two';
    expect(() => analysisThreads()).toThrow(/^PRUNEPROOF_ANALYSIS_THREADS: must be an integer ≥ 1, got 'two'$/);
    const obs = [30, 100, 300].map((m, i) => ({ m, seed: 1, lo: 10 * (i + 1), hi: 10 * (i + 1) }));
    expect(() => analyseScaling('t', obs, { threads: -1 })).toThrow(/^threads: must be an integer ≥ 1, got -1$/);
  });
});

describe('computed inline', () => {
  it('from TypeScript sources there is no worker script; rates are counts over the simulations of each law', () => {
    expect(workerScript()).toBeNull();
    const rates = confusion(laws, design, SIMULATIONS, SEED, { threads: 2 });
    expect(rates.map((row) => row.map((r) => r * SIMULATIONS))).toStrictEqual(
      tallyVerdicts({
        task: 'verdicts' as const,
        laws,
        design,
        simulations: SIMULATIONS,
        seed: SEED,
        next: new Int32Array(1),
      }),
    );
    expect(rates.every((row) => row.reduce((a, b) => a + b, 0) === 1)).toBe(true);
  });
});

(built ? describe : describe.skip)('computed over worker threads (dist/)', () => {
  it('give the inline rates bit for bit, and the workers take a share of the simulations', () => {
    const inline = confusion(laws, design, SIMULATIONS, SEED, { threads: 1 });
    confusion(laws.slice(0, 1), design, 2, SEED, { threads: 3, script }); // the workers are loaded
    for (const threads of [2, 3]) {
      let mine = 0;
      const batch = { task: 'verdicts' as const, laws, design, simulations: SIMULATIONS, seed: SEED };
      const mineCounted = (b: SimulationBatch): Tally => {
        const counts = tallyVerdicts(b);
        mine = counts.flat().reduce((a, c) => a + c, 0);
        return counts;
      };
      const counts = tallyInParallel(batch, mineCounted, { threads, script });
      expect(counts.map((row) => row.map((c) => c / SIMULATIONS))).toStrictEqual(inline);
      expect(confusion(laws, design, SIMULATIONS, SEED, { threads, script })).toStrictEqual(inline);
      expect(mine).toBeLessThan(laws.length * SIMULATIONS);
    }
  });

  it('one law alone is shared out too, with the same rates', () => {
    const inline = confusion(laws.slice(3, 4), design, SIMULATIONS, SEED, { threads: 1 });
    expect(confusion(laws.slice(3, 4), design, SIMULATIONS, SEED, { threads: 2, script })).toStrictEqual(inline);
  });

  it('a worker that does every simulation gives the same counts', () => {
    const batch = { task: 'verdicts' as const, laws, design, simulations: SIMULATIONS, seed: SEED };
    const inline = tallyVerdicts({ ...batch, next: new Int32Array(1) });
    expect(tallyInParallel(batch, callerIdle, { threads: 2, script })).toStrictEqual(inline);
  });

  it('give the whole analysis of the built package, advice search included, to the byte', () => {
    /* eslint-disable-next-line @typescript-eslint/no-require-imports */
    const built = require(join(dist, 'scaling', 'index.js')) as typeof import('../../src/scaling');
    const noisy = { ...design, sigma: 15, grid: design.grid.map((g) => ({ ...g, seeds: 2 })) };
    const obs = simulate(laws[0], noisy, new Rng(3)); // a design too small: the advice search runs
    const options = { seed: 4, resamples: 10, simulations: 8 };
    const inline = analyseScaling('t', obs, options);
    const pooled = built.analyseScaling('t', obs, { ...options, threads: 2 });
    expect(inline.calibration?.advice?.seedsPerM).toBe(8);
    expect(JSON.stringify(pooled)).toBe(JSON.stringify(inline));
  });

  it('a simulation that throws in a worker throws its error on the caller; the next batch gets fresh workers', () => {
    const bogus: SimulatedLaw[] = laws.map((l) => ({ ...l, model: 'bogus' as SimulatedLaw['model'] }));
    const batch = { task: 'verdicts' as const, laws: bogus, design, simulations: 2, seed: SEED };
    expect(() => tallyInParallel(batch, callerIdle, { threads: 2, script })).toThrow(
      new RangeError("unknown scaling model 'bogus'"),
    );
    expect(() => confusion(bogus, design, 2, SEED, { threads: 2, script })).toThrow("unknown scaling model 'bogus'");
    const inline = confusion(laws.slice(0, 2), design, 4, SEED, { threads: 1 });
    expect(confusion(laws.slice(0, 2), design, 4, SEED, { threads: 2, script })).toStrictEqual(inline);
  });
});

describe('a worker that fails throws on the calling thread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pruneproof-calibration-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const failing = (name: string, source: string): string => {
    const path = join(dir, `${name}.js`);
    writeFileSync(path, source);
    return path;
  };
  const pooled = (path: string) => () => confusion(laws.slice(0, 2), design, 2, SEED, { threads: 2, script: path });

  it('at load', () => {
    expect(pooled(failing('load', "throw new TypeError('broken at load');"))).toThrow(new TypeError('broken at load'));
    expect(pooled(failing('load-range', "throw new RangeError('x');"))).toThrow(RangeError);
  });

  it('on its batch', () => {
    const source =
      "require('node:worker_threads').workerData.port.on('message', () => { throw new Error('no rows'); });";
    expect(pooled(failing('batch', source))).toThrow(/^no rows$/);
  });

  it('by exiting without a word', () => {
    expect(pooled(failing('exit', 'process.exit(3);'))).toThrow(/calibration worker .*exit\.js ended without replying/);
  });
});
