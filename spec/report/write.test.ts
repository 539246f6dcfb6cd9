import { promises as fsp } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { validateReport } from '../../src/report/verify/schema';
import type { ReportDocument } from '../../src/report/types';
import { stableJson, writeReport } from '../../src/report/write';
import { buildReportFixture } from './fixture';

const REGRESSION_FILES = [
  'critical-times.svg',
  'dense-residual.svg',
  'loss-vs-t.svg',
  'pruners.svg',
  'report.html',
  'report.json',
  'report.md',
];

/** Plot stand-in for tests that are about the file handling, not the plots (rendering takes ~0.3 s a plot). */
const fakePlots = async (doc: ReportDocument) => [{ file: 'fake.svg', svg: `<svg><text>${doc.runId}</text></svg>` }];

/** Rebuilds every object with its keys in reverse order (same content, different insertion order). */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reverseKeys(v)]),
    );
  }
  return value;
}

describe('writeReport', () => {
  let out: string;
  beforeEach(async () => {
    out = await mkdtemp(join(tmpdir(), 'pruneproof-report-'));
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await rm(out, { recursive: true, force: true });
  });

  it('writes exactly report.md, report.json and the applicable plots into <outDir>/<runId>, leaving nothing else', async () => {
    const doc = buildReportFixture();
    const started = Date.now();
    const result = await writeReport(doc, out);
    const ms = Date.now() - started;
    expect(result).toEqual({ dir: join(out, doc.runId), files: REGRESSION_FILES });
    expect((await readdir(result.dir)).sort()).toEqual(REGRESSION_FILES);
    expect(await readdir(out)).toEqual([doc.runId]);
    const md = await readFile(join(result.dir, 'report.md'), 'utf8');
    expect(md.startsWith(`# pruneproof conformance report: ${doc.runId}, subject greedy\n`)).toBe(true);
    for (const svg of REGRESSION_FILES.filter((f) => f.endsWith('.svg'))) {
      expect((await readFile(join(result.dir, svg), 'utf8')).startsWith('<svg')).toBe(true);
    }
    expect(ms).toBeLessThan(30_000);
  });

  it('report.json round-trips to the same document, validates, and has sorted keys with 2-space indentation', async () => {
    const doc = buildReportFixture({ classification: true });
    const { dir } = await writeReport(doc, out, { renderPlots: fakePlots });
    const text = await readFile(join(dir, 'report.json'), 'utf8');
    const parsed = JSON.parse(text);
    expect(parsed).toEqual(doc);
    expect(validateReport(parsed)).toEqual({ valid: true, errors: [] });
    expect(text).toBe(stableJson(doc));
    expect(text.split('\n')[1]).toBe('  "analysisSeconds": 2.5,');
    expect(stableJson(reverseKeys(doc))).toBe(text);
  });

  it('stableJson is independent of key insertion order and parses back to the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = stableJson(value);
        return (
          text === stableJson(reverseKeys(value)) &&
          isDeepStrictEqual(JSON.parse(text), JSON.parse(JSON.stringify(value)))
        );
      }),
      { seed: 42, numRuns: 300 },
    );
    const tricky = JSON.parse('{"__proto__": {"x": 1}, "b": [1, {"d": 2, "c": 3}]}');
    expect(stableJson(tricky)).toBe(
      '{\n  "__proto__": {\n    "x": 1\n  },\n  "b": [\n    1,\n    {\n      "c": 3,\n      "d": 2\n    }\n  ]\n}\n',
    );
  });

  it('rejects an invalid document before touching the disk', async () => {
    const doc = structuredClone(buildReportFixture());
    doc.runs[0].checkpoints[0].residual = NaN;
    const target = join(out, 'reports');
    await expect(writeReport(doc, target)).rejects.toThrow(
      /writeReport: report for run 'fixture-0123456789' does not match the report schema:\n {2}- \/runs\/0\/checkpoints\/0\/residual/,
    );
    await expect(readdir(target)).rejects.toThrow(/ENOENT/);
  });

  it('leaves no report and no temporary directory when a plot fails', async () => {
    const failing = async () => {
      throw new Error('plot exploded');
    };
    await expect(writeReport(buildReportFixture(), out, { renderPlots: failing })).rejects.toThrow('plot exploded');
    expect(await readdir(out)).toEqual([]);
  });

  it('leaves no report and no temporary directory when writing fails half way', async () => {
    const realOpen = fsp.open.bind(fsp);
    let calls = 0;
    jest.spyOn(fsp, 'open').mockImplementation(async (...args: Parameters<typeof fsp.open>) => {
      if (++calls === 2) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      return realOpen(...args);
    });
    await expect(writeReport(buildReportFixture(), out, { renderPlots: fakePlots })).rejects.toThrow('ENOSPC');
    expect(calls).toBe(2);
    expect(await readdir(out)).toEqual([]);
  });

  it('replaces an earlier report of the same run id, dropping files the new one does not have', async () => {
    const first = buildReportFixture({ classification: true });
    const { dir } = await writeReport(first, out, {
      renderPlots: async (d) => [...(await fakePlots(d)), { file: 'old-only.svg', svg: '<svg/>' }],
    });
    expect((await readdir(dir)).sort()).toEqual([
      'fake.svg',
      'old-only.svg',
      'report.html',
      'report.json',
      'report.md',
    ]);
    const second = { ...first, wallSeconds: 99 };
    const result = await writeReport(second, out, { renderPlots: fakePlots });
    expect(result.dir).toBe(dir);
    expect((await readdir(dir)).sort()).toEqual(['fake.svg', 'report.html', 'report.json', 'report.md']);
    expect(JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')).wallSeconds).toBe(99);
    expect(await readdir(out)).toEqual([first.runId]);
  });

  it('keeps the earlier report intact when rewriting it fails', async () => {
    const doc = buildReportFixture();
    const { dir } = await writeReport(doc, out, { renderPlots: fakePlots });
    const before = await readFile(join(dir, 'report.json'), 'utf8');
    const failing = async () => {
      throw new Error('renderer crashed');
    };
    await expect(writeReport({ ...doc, wallSeconds: 1 }, out, { renderPlots: failing })).rejects.toThrow(
      'renderer crashed',
    );
    expect(await readFile(join(dir, 'report.json'), 'utf8')).toBe(before);
    expect(await readdir(out)).toEqual([doc.runId]);
  });

  it('rejects plot file names that could escape the report directory or collide with report files', async () => {
    for (const file of ['../evil.svg', 'report.md', 'sub/dir.svg', 'plot.png']) {
      const plots = async () => [{ file, svg: '<svg/>' }];
      await expect(writeReport(buildReportFixture(), out, { renderPlots: plots })).rejects.toThrow(
        /invalid or duplicate plot file name/,
      );
    }
    expect(await readdir(out)).toEqual([]);
  });
});
