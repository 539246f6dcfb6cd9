/** `pruneproof diff`: a changed verdict exits 1 and is named; equal reports and stores exit 0. */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../src/cli/errors';
import { diffReports } from '../../src/report/diff';
import type { ReportDocument } from '../../src/report/types';
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
  const scaling = (b: number, interval: [number, number], points: { m: number; seed: number; t: number }[]) => ({
    quantity: 't_in',
    points,
    unreached: [],
    fits: [
      { model: 'log' as const, params: { a: 0, b }, rss: 0, aic: 0, heldOutError: null, intervals: { b: interval } },
    ],
    verdict: 'inconclusive' as const,
    reason: '',
  });

  it('a fit parameter moves only outside the other interval; critical ranges move when disjoint', () => {
    const a = copy(report);
    const b = copy(report);
    a.scaling = [
      scaling(
        2,
        [1, 3],
        [
          { m: 10, seed: 1, t: 5 },
          { m: 10, seed: 2, t: 8 },
        ],
      ),
    ];
    b.scaling = [
      scaling(
        2.5,
        [1.5, 3.5],
        [
          { m: 10, seed: 1, t: 7 },
          { m: 10, seed: 2, t: 9 },
        ],
      ),
    ];
    expect(diffReports(a, b).fitMoves).toEqual([]);
    expect(diffReports(a, b).criticalMoves).toEqual([]);
    b.scaling = [
      scaling(
        4,
        [3.5, 4.5],
        [
          { m: 10, seed: 1, t: 20 },
          { m: 10, seed: 2, t: 30 },
        ],
      ),
    ];
    const d = diffReports(a, b);
    expect(d.fitMoves.map((f) => [f.param, f.before, f.after])).toEqual([['b', 2, 4]]);
    expect(d.criticalMoves.map((c) => [c.m, c.before.range, c.after.range])).toEqual([[10, [5, 8], [20, 30]]]);
    expect(d.verdictChanges).toEqual([]);
  });
});
