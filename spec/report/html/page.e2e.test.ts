/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * report.html and compare.html in headless Chromium: every committed reference (rendered afresh from its
 * report.json), a fresh `verify --quick` report, a check-pruner report and the comparison page of two references. Each page loads from
 * file:// with every other request blocked and no console error, shows report.json's summary, has no dead
 * in-page link, opens its <details>, has no horizontal scroll at 1280 px or 390 px, and leaves screenshots in
 * test-output/html/.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import type { PrunerReportDocument } from '../../../src/report/properties/report';
import type { Comparison } from '../../../src/report/compare';
import type { ReportDocument } from '../../../src/report/types';
import { readStoredReport, reconcludeDocument } from '../../../src/cli/reconclude';
import { validateReport } from '../../../src/report/verify/schema';
import { writeReport } from '../../../src/report/write';
import { openFile, startBrowser, type Browser } from './browser';

const run = promisify(execFile);
const ROOT = join(__dirname, '../../..');
const CLI = join(ROOT, 'dist/src/cli/main.js');
const SHOTS = join(ROOT, 'test-output/html');
const REFERENCES = readdirSync(join(ROOT, 'reports')).filter((d) => !d.startsWith('.'));

let browser: Browser;
let work: string;

beforeAll(async () => {
  browser = await startBrowser();
  work = mkdtempSync(join(tmpdir(), 'pruneproof-html-e2e-'));
  mkdirSync(SHOTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The table that follows the heading with this id. */
async function tableRows(page: Page, headingId: string): Promise<string[][]> {
  return page.evaluate((id) => {
    const table = document.querySelector(`#${id} ~ div.table table`);
    if (!table) return [];
    return [...table.querySelectorAll('tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''),
    );
  }, headingId);
}

/** Every check of the page the issue asks for, at both widths; screenshots named after `name`. */
async function checkPage(file: string, name: string): Promise<Page> {
  const { page, blocked, errors } = await openFile(browser, file);
  expect({ blocked, errors }).toEqual({ blocked: [], errors: [] });

  const deadLinks = await page.evaluate(() =>
    [...document.querySelectorAll('a')]
      .map((a) => a.getAttribute('href') ?? '')
      .filter((href) => !href.startsWith('#') || document.getElementById(decodeURIComponent(href.slice(1))) === null),
  );
  expect(deadLinks).toEqual([]);
  expect(await page.locator('a[href^="#"]').count()).toBeGreaterThan(3);

  // A real click opens the first <details>; then every one is opened and its content takes space.
  const details = page.locator('details');
  const count = await details.count();
  expect(count).toBeGreaterThan(0);
  await details.first().locator('summary').click();
  expect(await details.first().evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
  const closed = await page.evaluate(() => {
    for (const d of document.querySelectorAll('details')) if (!d.open) d.querySelector('summary')!.click();
    return [...document.querySelectorAll('details')].filter(
      (d) => !d.open || (d.lastElementChild as HTMLElement).getBoundingClientRect().height === 0,
    ).length;
  });
  expect(closed).toBe(0);

  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    const layout = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      fontPx: parseFloat(getComputedStyle(document.body).fontSize),
    }));
    expect({ width, horizontalScroll: layout.scrollWidth > layout.innerWidth }).toEqual({
      width,
      horizontalScroll: false,
    });
    expect(layout.fontPx).toBeGreaterThanOrEqual(14);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  return page;
}

async function checkReportPage(dir: string, name: string): Promise<void> {
  const doc = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as ReportDocument;
  const page = await checkPage(join(dir, 'report.html'), name);
  const rows = await tableRows(page, 'summary');
  expect(rows.map((r) => [r[0], r[1], r[2]])).toEqual(doc.summary.map((s) => [s.check, s.kind, s.verdict]));
  expect(await page.evaluate(() => JSON.parse(document.getElementById('report-data')!.textContent!).runId)).toBe(
    doc.runId,
  );
  const copy = page.locator('button.copy').first();
  await copy.click();
  await page.waitForFunction(() => document.querySelector('button.copy')?.textContent !== 'Copy');
  expect(['Copied', 'Selected']).toContain(await copy.textContent());
  await page.close();
}

const rendered = new Map<string, Promise<string>>();

/**
 * A committed reference written afresh into the work folder from its report.json; a report.json of an older schema
 * is first re-concluded from its own runs (`pruneproof reconclude`), as the lead's regeneration will.
 */
function renderedReference(reference: string): Promise<string> {
  if (!rendered.has(reference)) {
    const file = join(ROOT, 'reports', reference, 'report.json');
    const stored = JSON.parse(readFileSync(file, 'utf8')) as ReportDocument;
    const doc = validateReport(stored).valid ? stored : reconcludeDocument(readStoredReport(file), file);
    rendered.set(
      reference,
      writeReport(doc, join(work, 'references')).then((r) => r.dir),
    );
  }
  return rendered.get(reference)!;
}

describe('report.html in Chromium', () => {
  it.each(REFERENCES)(
    'the committed reference %s, rendered from its report.json, passes every page check',
    async (reference) => {
      await checkReportPage(await renderedReference(reference), `reference-${reference}`);
    },
    1_200_000,
  );

  it('a fresh verify --quick report passes every page check', async () => {
    await run(process.execPath, [CLI, 'verify', '--quick', '--quiet', '--out', join(work, 'quick')], {
      cwd: work,
      maxBuffer: 64 << 20,
    });
    const [runId] = readdirSync(join(work, 'quick'));
    await checkReportPage(join(work, 'quick', runId), 'verify-quick');
  }, 900_000);
});

describe('report.html of check-pruner in Chromium', () => {
  it('the report on the broken example pruner passes every page check and shows report.json’s summary', async () => {
    const out = join(work, 'check-pruner');
    const pruner = join(ROOT, 'examples/pruners/broken-pruner.js');
    await run(process.execPath, [CLI, 'check-pruner', pruner, '--quick', '--out', out]).catch((e: { code: number }) =>
      expect(e.code).toBe(1),
    );
    const [runId] = readdirSync(out);
    const doc = JSON.parse(readFileSync(join(out, runId, 'report.json'), 'utf8')) as PrunerReportDocument;
    const page = await checkPage(join(out, runId, 'report.html'), 'check-pruner');
    const rows = await tableRows(page, 'summary');
    expect(rows.map((r) => [r[0], r[1], r[2]])).toEqual(doc.summary.map((s) => [s.id, s.kind, s.verdict]));
    expect(await page.locator('#verdict .badge').first().textContent()).toBe('BREAKS ITS CONTRACT');
    await page.close();
  }, 1_200_000);
});

describe('compare.html in Chromium', () => {
  it('the comparison of two references passes every page check and shows compare.json’s verdicts side by side', async () => {
    const [a, b] = await Promise.all(REFERENCES.slice(0, 2).map(renderedReference));
    const out = join(work, 'comparison');
    const result = await run(process.execPath, [CLI, 'compare', a, b, '--out', out]).catch(
      (e: { code: number; stdout: string }) => e,
    );
    const comparison = JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8')) as Comparison;
    expect('code' in result ? result.code : 0).toBe(comparison.verdictChanged ? 1 : 0);
    const page = await checkPage(join(out, 'compare.html'), 'compare');
    const rows = await tableRows(page, 'verdicts');
    expect(rows).toEqual(
      comparison.verdicts.map((v) => [
        v.check,
        v.kind,
        ...v.verdicts.map((x) => x ?? '(absent)'),
        v.changed ? 'changed' : '',
      ]),
    );
    const highlighted = await page.evaluate(() => document.querySelectorAll('#verdicts ~ div.table tr.changed').length);
    expect(highlighted).toBe(comparison.verdicts.filter((v) => v.changed).length);
    await page.close();
  }, 1_200_000);
});
