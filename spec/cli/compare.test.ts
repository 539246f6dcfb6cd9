/** `pruneproof compare`: diff's changes side by side in one page plus JSON, exit codes as diff, no silent overwrite. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../src/cli/errors';
import { stableJson } from '../../src/files/json';
import type { Comparison } from '../../src/report/compare';
import { diffReports, verdictRows } from '../../src/report/diff';
import type { ReportDocument } from '../../src/report/types';
import { buildReportFixture } from '../report/fixture';
import { runCli as cli } from './capture';

let dir: string;
const base = buildReportFixture();

/** Writes `doc` as <dir>/<name>/report.json and returns that folder. */
function reportFolder(name: string, doc: ReportDocument): string {
  mkdirSync(join(dir, name));
  writeFileSync(join(dir, name, 'report.json'), stableJson(doc));
  return join(dir, name);
}

function withFlippedVerdict(doc: ReportDocument): ReportDocument {
  const changed = structuredClone(doc);
  const row = changed.summary.find((r) => r.kind === 'invariant' && r.verdict === 'PASS')!;
  row.verdict = 'FAIL';
  return changed;
}

const readComparison = (out: string) => JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8')) as Comparison;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pruneproof-compare-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pruneproof compare', () => {
  it('two equal reports: no verdict changed, exit 0; writes compare.html, compare.json and the overlaid plot', async () => {
    const a = reportFolder('equal-a', base);
    const b = reportFolder('equal-b', base);
    const result = await cli(['compare', a, b, '--out', join(dir, 'equal')]);
    expect(result.code).toBe(EXIT.ok);
    expect(readdirSync(join(dir, 'equal')).sort()).toEqual(['compare.html', 'compare.json', 'critical-times.svg']);
    const comparison = readComparison(join(dir, 'equal'));
    expect(comparison.verdictChanged).toBe(false);
    expect(comparison.verdicts.filter((v) => v.changed)).toEqual([]);
    expect(comparison.verdicts.map((v) => v.verdicts)).toEqual(verdictRows(base).map((s) => [s.verdict, s.verdict]));
  });

  it("A B C: the rows marked changed are exactly diff's verdict changes of A→B and B→C, exit 1", async () => {
    const flipped = withFlippedVerdict(base);
    const inputs = [reportFolder('abc-a', base), reportFolder('abc-b', base), reportFolder('abc-c', flipped)];
    const result = await cli(['compare', ...inputs, '--out', join(dir, 'abc')]);
    expect(result.code).toBe(EXIT.failed);
    const comparison = readComparison(join(dir, 'abc'));
    const expected = [...diffReports(base, base).verdictChanges, ...diffReports(base, flipped).verdictChanges];
    expect(expected).toHaveLength(1);
    expect(comparison.verdicts.filter((v) => v.changed).map((v) => v.check)).toEqual(expected.map((c) => c.check));
    expect(comparison.pairs.map((p) => p.diff)).toEqual([diffReports(base, base), diffReports(base, flipped)]);
    const html = readFileSync(join(dir, 'abc', 'compare.html'), 'utf8');
    expect(html.match(/<tr class="changed">/g)).toHaveLength(1);
  });

  it('refuses an existing --out (exit 2, untouched) unless --force, which replaces it', async () => {
    const a = reportFolder('force-a', base);
    const out = join(dir, 'existing');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'mine');
    const refused = await cli(['compare', a, a, '--out', out]);
    expect(refused.code).toBe(EXIT.badInput);
    expect(refused.err).toMatch(/already exists; pass --force/);
    expect(readdirSync(out)).toEqual(['keep.txt']);
    const forced = await cli(['compare', a, a, '--out', out, '--force']);
    expect(forced.code).toBe(EXIT.ok);
    expect(existsSync(join(out, 'keep.txt'))).toBe(false);
    expect(existsSync(join(out, 'compare.html'))).toBe(true);
  });

  it('bad input exits 2 naming it, before writing anything: a missing path, one input only', async () => {
    const a = reportFolder('bad-a', base);
    const missing = await cli(['compare', a, join(dir, 'nope'), '--out', join(dir, 'bad-out')]);
    expect(missing.code).toBe(EXIT.badInput);
    expect(missing.err).toContain('nope does not exist');
    const one = await cli(['compare', a, '--out', join(dir, 'bad-out')]);
    expect(one.code).toBe(EXIT.badInput);
    expect(existsSync(join(dir, 'bad-out'))).toBe(false);
  });

  it('ranks each n’s pruners by mean loss at T over seeds, each with its [min, max] over seeds', async () => {
    const a = reportFolder('rank-a', base);
    await cli(['compare', a, a, '--out', join(dir, 'rank')]);
    const { leaderboard } = readComparison(join(dir, 'rank'));
    expect(leaderboard.map((l) => l.n)).toEqual(base.config.subnetworkSizes);
    for (const { rows } of leaderboard) {
      expect(rows.length).toBe(2 * base.config.pruners.length);
      const means = rows.map((r) => r.loss!.mean);
      expect([...means].sort((x, y) => x - y)).toEqual(means);
      for (const r of rows) {
        expect(r.loss!.min).toBeLessThanOrEqual(r.loss!.mean);
        expect(r.loss!.mean).toBeLessThanOrEqual(r.loss!.max);
        expect(r.loss!.seeds).toBe(base.config.seeds.length);
      }
    }
  });
});
