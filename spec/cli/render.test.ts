/** `pruneproof render`: report.md, report.html and the plots again from a report folder's own report.json. */
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../src/cli/errors';
import { writeReport } from '../../src/report/write';
import { buildReportFixture } from '../report/fixture';
import { runCli as cli } from './capture';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pruneproof-render-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const filesOf = (folder: string) =>
  Object.fromEntries(readdirSync(folder).map((f) => [f, readFileSync(join(folder, f), 'utf8')]));

describe('pruneproof render', () => {
  it('writes the same bytes writeReport wrote, from report.json alone', async () => {
    const { dir: folder } = await writeReport(buildReportFixture(), join(dir, 'reports'));
    const before = filesOf(folder);
    for (const f of Object.keys(before)) if (f !== 'report.json') rmSync(join(folder, f));
    writeFileSync(join(folder, 'report.md'), 'stale');
    const result = await cli(['render', folder]);
    expect(result.code).toBe(EXIT.ok);
    expect(filesOf(folder)).toEqual(before);
  });

  it('refuses a folder not named by its run id, and a report.json that is no report (exit 2)', async () => {
    const { dir: folder } = await writeReport(buildReportFixture({ seeds: [3] }), join(dir, 'named'));
    renameSync(folder, join(dir, 'named', 'renamed'));
    const renamed = await cli(['render', join(dir, 'named', 'renamed')]);
    expect(renamed.code).toBe(EXIT.badInput);
    expect(renamed.err).toMatch(/a report folder is named by its run id/);
    writeFileSync(join(dir, 'named', 'renamed', 'report.json'), '{"runId": 1}');
    const invalid = await cli(['render', join(dir, 'named', 'renamed')]);
    expect(invalid.code).toBe(EXIT.badInput);
    expect(invalid.err).toMatch(/is not a pruneproof report/);
  });
});
