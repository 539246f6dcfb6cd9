/** `pruneproof diff`: a changed verdict exits 1 and is named; equal reports and stores exit 0. */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../src/cli/errors';
import { diffReports } from '../../src/report/diff';
import type { ScalingResult } from '../../src/experiment/types';
import type { ReportDocument } from '../../src/report/types';
import { analyseScaling, type ModelFit, type TimeObservation } from '../../src/scaling';
import { cli, readOnlyReport, TINY_SWEEP } from '../store/helpers';

let dir: string;
let report: ReportDocument;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pruneproof-diff-'));
  const run = await cli(['verify', ...TINY_SWEEP, '--store', join(dir, 'store'), '--out', join(dir, 'a')]);
  expect(run.code).toBe(EXIT.ok);
  report = readOnlyReport(join(dir, 'a'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const copy = (doc: ReportDocument): ReportDocument => JSON.parse(JSON.stringify(doc)) as ReportDocument;

describe('pruneproof diff', () => {
  it('two equal reports: nothing changed, exit 0', async () => {
    const result = await cli(['diff', join(dir, 'a'), join(dir, 'a', report.runId, 'report.json')]);
    expect(result.code).toBe(EXIT.ok);
    expect(result.out).toMatch(/verdicts changed: 0/);
  });

  it('a changed verdict is named with before → after, exit 1 (text and --json)', async () => {
    const changed = copy(report);
    const row = changed.summary.find((r) => r.kind === 'invariant' && r.verdict === 'PASS')!;
    row.verdict = 'FAIL';
    mkdirSync(join(dir, 'b'));
    writeFileSync(join(dir, 'b', 'report.json'), JSON.stringify(changed));
    const text = await cli(['diff', join(dir, 'a'), join(dir, 'b')]);
    expect(text.code).toBe(EXIT.failed);
    expect(text.out).toContain(`${row.check}: PASS → FAIL`);
    const json = await cli(['diff', join(dir, 'a'), join(dir, 'b'), '--json']);
    expect(json.code).toBe(EXIT.failed);
    const parsed = JSON.parse(json.out);
    expect(parsed.verdictChanged).toBe(true);
    expect(parsed.comparisons[0].diff.verdictChanges).toEqual([
      { check: row.check, kind: 'invariant', before: 'PASS', after: 'FAIL' },
    ]);
  });

  it('two run stores of the same sweep: compared sweep by sweep, exit 0', async () => {
    cpSync(join(dir, 'store'), join(dir, 'store-copy'), { recursive: true });
    const result = await cli(['diff', join(dir, 'store'), join(dir, 'store-copy')]);
    expect(result.code).toBe(EXIT.ok);
    expect(result.out).toMatch(/sweep of 4 runs .* vs 4 runs/);
  });

  it('input that is neither a report nor a store exits 2', async () => {
    writeFileSync(join(dir, 'junk.json'), '{"hello": 1}');
    expect((await cli(['diff', join(dir, 'junk.json'), join(dir, 'a')])).code).toBe(EXIT.badInput);
    expect(readFileSync(join(dir, 'junk.json'), 'utf8')).toContain('hello');
  });
});

describe('diffReports', () => {
  /** A real scaling analysis of t_in whose log fit is then set to slope b with interval `interval` for b. */
  const scaling = (b: number, interval: [number, number], observations: TimeObservation[]): ScalingResult => {
    const analysis = analyseScaling('t_in', observations, { seed: 1, resamples: 10, simulations: 10, advise: false });
    expect(analysis.fits.map((f) => f.model)).toContain('log');
    const log: ModelFit = {
      ...analysis.fits.find((f) => f.model === 'log')!,
      params: { a: 0, b },
      intervals: { b: interval },
    };
    return { ...analysis, fits: [log] };
  };
  /** Two seeds at each of m = 10, 30, 100: at m = 10 the given intervals, elsewhere fixed ones. */
  const observations = (atTen: [number, number][]): TimeObservation[] => [
    ...atTen.map(([lo, hi], i) => ({ m: 10, seed: i + 1, lo, hi })),
    { m: 30, seed: 1, lo: 40, hi: 41 },
    { m: 30, seed: 2, lo: 42, hi: 44 },
    { m: 100, seed: 1, lo: 60, hi: 62 },
    { m: 100, seed: 2, lo: 63, hi: 65 },
  ];

  it('a fit parameter moves only outside the other interval; critical ranges move when disjoint', () => {
    const a = copy(report);
    const b = copy(report);
    a.scaling = [
      scaling(
        2,
        [1, 3],
        observations([
          [4, 5],
          [7, 8],
        ]),
      ),
    ];
    b.scaling = [
      scaling(
        2.5,
        [1.5, 3.5],
        observations([
          [6, 7],
          [8, 9],
        ]),
      ),
    ];
    expect(diffReports(a, b).fitMoves).toEqual([]);
    expect(diffReports(a, b).criticalMoves).toEqual([]);
    b.scaling = [
      scaling(
        4,
        [3.5, 4.5],
        observations([
          [18, 20],
          [28, 30],
        ]),
      ),
    ];
    const d = diffReports(a, b);
    expect(d.fitMoves.map((f) => [f.param, f.before, f.after])).toEqual([['b', 2, 4]]);
    expect(d.criticalMoves.map((c) => [c.m, c.before.range, c.after.range])).toEqual([[10, [4, 8], [18, 30]]]);
    expect(d.verdictChanges).toEqual([]);
  });

  it("an alternative target's verdict, fit and critical times are compared like the main ones; the design's own rows are not counted twice", () => {
    const a = copy(report);
    const b = copy(report);
    const alternative = (analysis: ScalingResult, preregistered: boolean) => ({
      kind: 'loss' as const,
      relative: preregistered ? 0.4 : 0.3,
      n: 8,
      preregistered,
      analysis: { ...analysis, quantity: preregistered ? 't_crit(n=8)' : 't_crit(n=8), ε = 0.3·‖y‖²/(2m)' },
    });
    const before = scaling(
      2,
      [1, 3],
      observations([
        [4, 5],
        [7, 8],
      ]),
    );
    const after = scaling(
      4,
      [3.5, 4.5],
      observations([
        [18, 20],
        [28, 30],
      ]),
    );
    a.sensitivity = [alternative(before, true), alternative(before, false)];
    b.sensitivity = [
      alternative(after, true),
      alternative({ ...after, verdict: 'better explained by a power law' }, false),
    ];
    const d = diffReports(a, b);
    expect(d.verdictChanges).toEqual([
      {
        check: 'sensitivity: four-law description of t_crit(n=8), ε = 0.3·‖y‖²/(2m)',
        kind: 'scaling',
        before: before.verdict,
        after: 'better explained by a power law',
      },
    ]);
    expect(d.fitMoves.map((f) => [f.quantity, f.param, f.before, f.after])).toEqual([
      ['t_crit(n=8), ε = 0.3·‖y‖²/(2m)', 'b', 2, 4],
    ]);
    expect(d.criticalMoves.map((c) => c.quantity)).toEqual(['t_crit(n=8), ε = 0.3·‖y‖²/(2m)']);
  });

  it('a run censored on one side only moves its critical range at that m; censored runs count as unreached', () => {
    const a = copy(report);
    const b = copy(report);
    a.scaling = [
      scaling(
        2,
        [1, 3],
        observations([
          [4, 5],
          [7, 8],
        ]),
      ),
    ];
    const censored = observations([
      [4, 5],
      [7, 8],
    ]).map((o) => (o.m === 100 ? { m: o.m, seed: o.seed, lo: null, hi: null, censoredAt: 70 } : o));
    b.scaling = [scaling(2, [1, 3], censored)];
    const d = diffReports(a, b);
    expect(d.criticalMoves).toEqual([
      {
        quantity: 't_in',
        m: 100,
        before: { range: [60, 65], reached: 2, unreached: 0 },
        after: { range: null, reached: 0, unreached: 2 },
      },
    ]);
  });
});
