/**
 * reconclude: the analysis re-run on a report's own stored runs. With the analysis of the checks unchanged, a
 * committed reference's checks and per-run numbers come back as they were; both commits are recorded; bad input
 * names what is wrong before anything is written.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reconcludeCommand, reconcludeDocument, readStoredReport, reportFile } from '../../src/cli/reconclude';
import { validateReport } from '../../src/report/verify/schema';
import type { ReportDocument } from '../../src/report/types';

const reference = readdirSync('reports').find((d) => d.startsWith('verify-theorem-'));
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pruneproof-reconclude-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

(reference ? describe : describe.skip)('a committed reference, re-concluded', () => {
  it('reproduces its checks and per-run numbers, and records the commit of the runs and of the analysis', () => {
    const file = reportFile(join('reports', reference!));
    const original = JSON.parse(readFileSync(file, 'utf8')) as ReportDocument;
    const doc = reconcludeDocument(readStoredReport(file), file);
    // The rate checks are recomputed from each stored run (and added to a reference that predates them); the
    // other checks come back as they were.
    const rate = (id: string) => id === 'INV-FW-rate' || id === 'CLAIM-FW-exponent';
    const others = (runs: ReportDocument['runs']) =>
      runs.map((r) => ({ ...r, checks: r.checks.filter((c) => !rate(c.id)) }));
    expect(others(doc.runs)).toStrictEqual(others(original.runs));
    expect(doc.runs.every((r) => r.checks.filter((c) => rate(c.id)).length === 2)).toBe(true);
    expect(doc.checks.filter((c) => !rate(c.id))).toStrictEqual(original.checks.filter((c) => !rate(c.id)));
    const checkRows = (d: ReportDocument) =>
      d.summary.filter((r) => r.kind !== 'scaling' && !rate(r.check.split(':')[0]));
    expect(checkRows(doc)).toStrictEqual(checkRows(original));
    expect(doc.config).toStrictEqual(original.config);
    expect(doc.environment).toStrictEqual(original.environment);
    expect(doc.reconcluded).toMatchObject({ runsCommit: original.environment.commit, from: file });
    expect(doc.reconcluded!.fromCreatedAt).toBe(original.createdAt);
    expect(doc.scaling.map((s) => s.quantity)).toStrictEqual(original.scaling.map((s) => s.quantity));
    expect(doc.scaling.every((s) => s.logBound !== undefined)).toBe(true);
    expect(validateReport(JSON.parse(JSON.stringify(doc))).errors).toEqual([]);
  }, 600_000);
});

describe('bad input', () => {
  it('names a missing report, a report without runs, and refuses to overwrite', async () => {
    expect(() => reportFile(join(dir, 'nope'))).toThrow(/no such report directory or report.json/);
    expect(() => reportFile(dir)).toThrow(/no report.json in this directory/);
    const file = join(dir, 'report.json');
    writeFileSync(file, JSON.stringify({ config: {}, runs: [], environment: {}, createdAt: 'x' }));
    expect(() => readStoredReport(file)).toThrow(/runs: no stored runs/);
    writeFileSync(file, '{');
    expect(() => readStoredReport(file)).toThrow(/not a readable JSON report/);
    if (!reference) return;
    const source = join('reports', reference);
    const runId = (JSON.parse(readFileSync(join(source, 'report.json'), 'utf8')) as ReportDocument).runId;
    await expect(reconcludeCommand(source, { out: 'reports' })).rejects.toThrow(
      new RegExp(`a report already exists at .*${runId}; pass --force`),
    );
  });
});
