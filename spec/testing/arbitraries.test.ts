/**
 * The public arbitraries: constraints respected, every regime the theory distinguishes reachable (shown with
 * fc.statistics), shrinking toward the simplest case, printable values that parse back, and stored cases
 * that can shrink further.
 */
import fc from 'fast-check';
import {
  buildDataset,
  caseRegimes,
  datasetSpec,
  mGrid,
  parsePruningCase,
  parseScalingCase,
  pruningCase,
  scalingCase,
  stepFraction,
  subnetworkSize,
  width,
  type PruningCase,
} from '../../src/testing/arbitraries';
import { FC_SEED } from '../properties/helpers';

const SIMPLEST: PruningCase = {
  dataset: { m: 2, d: 2, labels: 'teacher', seed: 0 },
  parameterisation: 'ntk',
  width: 1,
  n: 1,
  stepFraction: 0.1,
  iterations: 0,
};

/** Runs fc.statistics, prints its table (the coverage the issue asks to see) and returns label → percent. */
function coverage<T>(arb: fc.Arbitrary<T>, classify: (v: T) => string[], numRuns: number): Record<string, number> {
  const lines: string[] = [];
  fc.statistics(arb, classify, { seed: FC_SEED, numRuns, logger: (line) => lines.push(line) });
  console.log(`fc.statistics over ${numRuns} generated values:\n${lines.join('\n')}`);
  return Object.fromEntries(
    lines.map((line) => {
      const match = /^(.*?)\.{2,}(\d+(?:\.\d+)?)%$/.exec(line.trim());
      if (!match) throw new Error(`unexpected fc.statistics line: ${line}`);
      return [match[1], Number(match[2])];
    }),
  );
}

describe('pruningCase', () => {
  it('reaches every regime the theory distinguishes: N < m and N > m, small and large λ0, both parameterisations, every label kind', () => {
    const percent = coverage(pruningCase(), (c) => caseRegimes(c), 400);
    for (const regime of [
      'N<m',
      'N>m',
      'λ0 small',
      'λ0 large',
      'ntk',
      'meanfield',
      'labels=teacher',
      'labels=clusters',
      'labels=random',
    ]) {
      expect(percent[regime]).toBeGreaterThanOrEqual(10);
    }
  });

  it('respects its constraints: sizes in range, n ≤ N, step a whole percent inside the stability limit', () => {
    const constraints = {
      dataset: { m: { min: 3, max: 9 }, d: { min: 4, max: 6 } },
      width: { min: 5, max: 50 },
      n: { min: 2, max: 80 },
      iterations: { min: 7, max: 20 },
      stepPercent: { min: 20, max: 40 },
    };
    fc.assert(
      fc.property(pruningCase(constraints), (c) => {
        expect(c.dataset.m).toBeGreaterThanOrEqual(3);
        expect(c.dataset.m).toBeLessThanOrEqual(9);
        expect(c.dataset.d).toBeGreaterThanOrEqual(4);
        expect(c.dataset.d).toBeLessThanOrEqual(6);
        expect(c.width).toBeGreaterThanOrEqual(5);
        expect(c.width).toBeLessThanOrEqual(50);
        expect(c.n).toBeGreaterThanOrEqual(1);
        expect(c.n).toBeLessThanOrEqual(c.width);
        expect(c.iterations).toBeGreaterThanOrEqual(7);
        expect(c.iterations).toBeLessThanOrEqual(20);
        expect(Math.round(c.stepFraction * 100)).toBeCloseTo(c.stepFraction * 100, 9);
        expect(c.stepFraction).toBeGreaterThanOrEqual(0.2);
        expect(c.stepFraction).toBeLessThanOrEqual(0.4);
      }),
      { seed: FC_SEED, numRuns: 200 },
    );
  });

  it('shrinks a case that always fails to the simplest case: m = 2, d = 2, teacher labels, seed 0, ntk, N = n = 1, 10 % of the limit, T = 0', () => {
    const r = fc.check(
      fc.property(pruningCase(), () => false),
      { seed: FC_SEED },
    );
    expect(r.counterexample?.[0]).toEqual(SIMPLEST);
  });

  it('shrinks a failure that needs N > m to the smallest such case (m = 2, N = 3)', () => {
    const r = fc.check(
      fc.property(pruningCase(), (c) => c.width <= c.dataset.m),
      { seed: FC_SEED },
    );
    expect(r.counterexample?.[0]).toEqual({ ...SIMPLEST, width: 3 });
  });

  it('shrinks a failure that needs n ≥ 5 and random labels to exactly that, everything else minimal', () => {
    const r = fc.check(
      fc.property(pruningCase(), (c) => !(c.n >= 5 && c.dataset.labels === 'random')),
      { seed: FC_SEED },
    );
    expect(r.counterexample?.[0]).toEqual({
      ...SIMPLEST,
      dataset: { ...SIMPLEST.dataset, labels: 'random' },
      width: 5,
      n: 5,
    });
  });

  it('a stored case (fast-check `examples`) shrinks further when it still fails', () => {
    const stored: PruningCase = {
      dataset: { m: 31, d: 7, labels: 'clusters', seed: 977 },
      parameterisation: 'meanfield',
      width: 140,
      n: 60,
      stepFraction: 0.55,
      iterations: 250,
    };
    const r = fc.check(
      fc.property(pruningCase(), (c) => c.n < 20),
      { seed: FC_SEED, examples: [[stored]] },
    );
    expect(r.numRuns).toBe(1); // the stored case ran first and failed
    expect(r.counterexample?.[0]).toEqual({ ...SIMPLEST, width: 20, n: 20 });
  });

  it('values print as JSON and parse back unchanged; malformed cases are rejected naming the field', () => {
    fc.assert(
      fc.property(pruningCase(), (c) => expect(parsePruningCase(JSON.parse(JSON.stringify(c)))).toEqual(c)),
      { seed: FC_SEED, numRuns: 100 },
    );
    expect(() => parsePruningCase({ ...SIMPLEST, n: 2 })).toThrow(
      'parsePruningCase: n must be an integer in [1, 1], got 2',
    );
    expect(() => parsePruningCase({ ...SIMPLEST, stepFraction: 1 })).toThrow(
      'stepFraction must be a number in (0, 1), got 1',
    );
    expect(() => parsePruningCase({ ...SIMPLEST, dataset: { ...SIMPLEST.dataset, labels: 'noise' } })).toThrow(
      'dataset.labels must be one of teacher, random, clusters',
    );
    expect(() => parsePruningCase({ ...SIMPLEST, parameterisation: 'ntk2' })).toThrow(
      'parameterisation must be one of ntk, meanfield',
    );
    expect(() => parsePruningCase(null)).toThrow('case must be an object');
  });
});

describe('single arbitraries', () => {
  it('datasetSpec builds datasets on the unit sphere with |y| ≤ 1 (THEORY.md §1)', () => {
    fc.assert(
      fc.property(datasetSpec(), (spec) => {
        const ds = buildDataset(spec);
        expect([ds.m, ds.d, ds.outputs]).toEqual([spec.m, spec.d, 1]);
        for (let j = 0; j < ds.m; j++) expect(Math.hypot(...ds.x.subarray(j * ds.d, (j + 1) * ds.d))).toBeCloseTo(1, 5);
        for (const v of ds.y) expect(Math.abs(v)).toBeLessThanOrEqual(1);
      }),
      { seed: FC_SEED, numRuns: 60 },
    );
  });

  it('width, subnetworkSize and stepFraction shrink to their minimum', () => {
    for (const [arb, min] of [
      [width({ min: 3, max: 9 }), 3],
      [subnetworkSize(), 1],
      [stepFraction({ min: 25, max: 75 }), 0.25],
    ] as const) {
      expect(
        fc.check(
          fc.property(arb as fc.Arbitrary<number>, () => false),
          { seed: FC_SEED },
        ).counterexample?.[0],
      ).toBe(min);
    }
  });

  it('rejects impossible constraints with the arbitrary and field named', () => {
    expect(() => datasetSpec({ m: { min: 1 } })).toThrow('datasetSpec: m.min must be an integer ≥ 2, got 1');
    expect(() => datasetSpec({ d: { min: 5, max: 4 } })).toThrow(
      'datasetSpec: d.max must be an integer ≥ d.min = 5, got 4',
    );
    expect(() => stepFraction({ max: 100 })).toThrow(
      'stepFraction: percent.max must be < 100 (inside the stability limit), got 100',
    );
    expect(() => width({ min: 0 })).toThrow('width: width.min must be an integer ≥ 1, got 0');
    expect(() => datasetSpec({ labels: [] })).toThrow('datasetSpec: labels must be a non-empty list');
  });

  it('mGrid doubles from m₀, spans at least 8× in at least 4 sizes, stays within maxM, and shrinks to [4, 8, 16, 32]', () => {
    fc.assert(
      fc.property(mGrid(), (grid) => {
        expect(grid.length).toBeGreaterThanOrEqual(4);
        expect(grid[grid.length - 1] / grid[0]).toBeGreaterThanOrEqual(8);
        grid.slice(1).forEach((m, i) => expect(m).toBe(2 * grid[i]));
        expect(grid[grid.length - 1]).toBeLessThanOrEqual(200);
      }),
      { seed: FC_SEED, numRuns: 100 },
    );
    expect(
      fc.check(
        fc.property(mGrid(), () => false),
        { seed: FC_SEED },
      ).counterexample?.[0],
    ).toEqual([4, 8, 16, 32]);
  });

  it('scalingCase reaches N < m and N > m at its largest m, shrinks to the simplest grid, and parses back', () => {
    const percent = coverage(
      scalingCase(),
      (c) => [c.width < c.mGrid[c.mGrid.length - 1] ? 'N<m_max' : 'N>=m_max', c.parameterisation],
      300,
    );
    expect(percent['N<m_max']).toBeGreaterThanOrEqual(5);
    expect(percent['N>=m_max']).toBeGreaterThanOrEqual(5);
    const simplest = fc.check(
      fc.property(scalingCase(), () => false),
      { seed: FC_SEED },
    ).counterexample?.[0];
    expect(simplest).toEqual({
      mGrid: [4, 8, 16, 32],
      d: 2,
      labels: 'teacher',
      seed: 0,
      parameterisation: 'ntk',
      width: 20,
      n: 4,
      stepFraction: 0.1,
      iterations: 100,
      epsilon: 0.02,
    });
    fc.assert(
      fc.property(scalingCase(), (c) => expect(parseScalingCase(JSON.parse(JSON.stringify(c)))).toEqual(c)),
      { seed: FC_SEED, numRuns: 50 },
    );
  });
});
