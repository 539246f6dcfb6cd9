import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stableJson } from '../../../src/files/json';
import { plainText } from '../../../src/report/blocks';
import { reportBlocks, summaryAnchor } from '../../../src/report/verify/markdown';
import { CONTENT_SECURITY_POLICY, REPORT_DATA_ID } from '../../../src/report/html/page';
import { renderReportHtml } from '../../../src/report/html/report';
import type { ReportDocument } from '../../../src/report/types';
import { buildReportFixture } from '../fixture';
import { allElements, attr, byId, byTag, hasClass, parsePage, text, type Element } from './dom';

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>';
const svgsFor = (doc: ReportDocument) =>
  new Map(
    reportBlocks(doc)
      .flatMap((b) =>
        b.kind === 'image'
          ? [b.file]
          : b.kind === 'headline'
            ? b.blocks.flatMap((x) => (x.kind === 'image' ? [x.file] : []))
            : [],
      )
      .map((file) => [file, SVG]),
  );
const page = (doc: ReportDocument) => renderReportHtml(doc, stableJson(doc), svgsFor(doc));

const sha256 = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

/** The first table after the Summary heading. */
function summaryTable(html: string): Element {
  const { document } = parsePage(html);
  const heading = byId(document, 'summary')!;
  return byTag(document, 'table').find((t) => pageOrder(document, t) > pageOrder(document, heading))!;
}

function pageOrder(root: Parameters<typeof byTag>[0], element: Element): number {
  let i = 0;
  let found = -1;
  const walk = (node: Parameters<typeof byTag>[0]) => {
    for (const child of 'childNodes' in node ? node.childNodes : []) {
      if (child === element) found = i;
      i++;
      walk(child);
    }
  };
  walk(root);
  return found;
}

describe('report.html of a verify report (parsed with parse5)', () => {
  const doc = buildReportFixture({ classification: true });
  const html = page(doc);
  const { document, errors } = parsePage(html);

  it('is a well-formed HTML document with a Content-Security-Policy that allows no network', () => {
    expect(errors).toEqual([]);
    const csp = byTag(document, 'meta').find((m) => attr(m, 'http-equiv') === 'Content-Security-Policy');
    expect(attr(csp!, 'content')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toMatch(/^default-src 'none';/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|https?:|\*/);
  });

  it('allows exactly its own style sheet and script by their SHA-256 (a changed byte would be blocked)', () => {
    const [style] = byTag(document, 'style');
    const scripts = byTag(document, 'script').filter((s) => attr(s, 'type') === undefined);
    expect(scripts).toHaveLength(1);
    expect(CONTENT_SECURITY_POLICY).toContain(`style-src ${sha256(text(style))}`);
    expect(CONTENT_SECURITY_POLICY).toContain(`script-src ${sha256(text(scripts[0]))}`);
    expect(CONTENT_SECURITY_POLICY).not.toContain(sha256(`${text(scripts[0])} `));
  });

  it('loads nothing: no src, no external href, no stylesheet link', () => {
    const elements = [...byTag(document, 'img'), ...byTag(document, 'link'), ...byTag(document, 'iframe')];
    expect(elements).toEqual([]);
    for (const a of byTag(document, 'a')) expect(attr(a, 'href')).toMatch(/^#/);
    for (const s of byTag(document, 'script')) expect(attr(s, 'src')).toBeUndefined();
  });

  it("embeds report.json: the JSON element's text parses to the document", () => {
    const data = byId(document, REPORT_DATA_ID)!;
    expect(attr(data, 'type')).toBe('application/json');
    expect(JSON.parse(text(data))).toEqual(JSON.parse(stableJson(doc)));
  });

  it("has the summary table's rows and verdicts of report.json, each verdict a badge with its text", () => {
    const rows = byTag(summaryTable(html), 'tr').slice(1);
    const cells = rows.map((r) => byTag(r, 'td'));
    expect(cells.map((c) => [text(c[0]), text(c[1]), text(c[2]), text(c[3])])).toEqual(
      doc.summary.map((s) => [s.check, s.kind, s.verdict, s.detail]),
    );
    for (const c of cells) expect(byTag(c[2], 'span').filter((s) => hasClass(s, 'badge'))).toHaveLength(1);
  });

  it('links every check and scaling row the report has a section for to that section, and every link resolves', () => {
    const ids = allElements(document)
      .map((e) => attr(e, 'id'))
      .filter((id): id is string => id !== undefined);
    expect(new Set(ids).size).toBe(ids.length);
    const links = byTag(document, 'a').map((a) => attr(a, 'href')!.slice(1));
    expect(links.length).toBeGreaterThan(10);
    for (const target of links) expect({ target, resolves: ids.includes(target) }).toEqual({ target, resolves: true });
    for (const c of doc.checks) expect(ids).toContain(c.id);
    const linked = doc.summary.filter((row) => summaryAnchor(doc, row) !== null);
    expect(linked.map((r) => r.kind)).toEqual(expect.arrayContaining(['invariant', 'claim']));
    expect(byTag(summaryTable(html), 'a')).toHaveLength(linked.length);
  });

  it('folds the per-m checkpoint tables and the critical times of every run into <details>', () => {
    const summaries = byTag(document, 'summary').map(text);
    for (const m of new Set(doc.runs.map((r) => r.m)))
      expect(summaries.some((s) => s.startsWith(`Checkpoints at m = ${m}:`))).toBe(true);
    expect(summaries.some((s) => s.startsWith('Critical times of every run'))).toBe(true);
  });

  it('puts the verdict on the paper’s claim with its plot first, then the summary; configuration and replay last', () => {
    const headline = byId(document, 'verdict')!;
    expect(pageOrder(document, headline)).toBeLessThan(pageOrder(document, byId(document, 'summary')!));
    expect(byTag(headline, 'svg')).toHaveLength(1);
    const h2 = byTag(document, 'h2').map((h) => attr(h, 'id'));
    expect(h2.slice(0, 2)).toEqual(['summary', 'checks']);
    expect(h2.slice(-2)).toEqual(['configuration', 'how-to-replay']);
  });

  it('has the replay command with a copy button pointing at it', () => {
    const button = byTag(document, 'button').find((b) => hasClass(b, 'copy'))!;
    expect(text(byId(document, attr(button, 'data-copy')!)!)).toBe(doc.command);
  });

  it('renders the same blocks as report.md: every heading of the document model, in order', () => {
    const headings = reportBlocks(doc).flatMap((b) => (b.kind === 'heading' ? [plainText(b.text)] : []));
    const rendered = allElements(document)
      .filter((e) => /^h[1-4]$/.test(e.tagName))
      .map(text);
    expect(rendered).toEqual(headings);
  });

  it('is deterministic: the same report.json gives the same bytes, whatever the key order', () => {
    const reordered = JSON.parse(stableJson(doc)) as ReportDocument;
    expect(page(reordered)).toBe(page(doc));
    expect(page(structuredClone(doc))).toBe(html);
  });

  it('matches the golden page (UPDATE_GOLDEN=1 rewrites it after an intended change)', () => {
    const golden = join(__dirname, 'golden', 'fixture-report.html');
    const fresh = page(JSON.parse(stableJson(buildReportFixture())) as ReportDocument);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, fresh);
    expect(fresh === readFileSync(golden, 'utf8')).toBe(true);
  });
});

describe('report.html escapes what users supply', () => {
  const base = buildReportFixture();
  /** Puts `s` into every user-supplied field the page shows. */
  function withUserText(s: string): ReportDocument {
    const doc = structuredClone(base);
    doc.config.name = s;
    doc.config.pruners = ['greedy', s];
    doc.config.dataset = { kind: 'file', path: s };
    doc.config.theory = { constants: { [`c${s}`]: 1 }, expressions: { [`e${s}`]: s } } as typeof doc.config.theory;
    doc.configRationale = [s];
    doc.summary[0].detail = s;
    doc.command = s;
    doc.checks[0].detail = s;
    doc.runs[0].checks[0].failures.push({ t: 1, n: 2, detail: s });
    return doc;
  }
  /** What HTML parsing gives back for a string: unrepresentable characters as U+FFFD, CR LF and CR as LF. */
  const unrepresentable =
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
  const parsedForm = (s: string) => s.replace(unrepresentable, '\uFFFD').replace(/\r\n?/g, '\n');

  it('for every string s in pruner names, error texts, paths, config names and theory overrides, the parsed page has the same elements as without it and shows s verbatim', () => {
    const reference = allElements(parsePage(page(withUserText('x'))).document).map((e) => e.tagName);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 40 }),
          fc.constantFrom(
            '</script><script>alert(1)</script>',
            '<!--',
            '"><img src=x onerror=alert(1)>',
            "'&amp;",
            ']]>',
          ),
        ),
        (s) => {
          const html = page(withUserText(s));
          const { document } = parsePage(html);
          expect(allElements(document).map((e) => e.tagName)).toEqual(reference);
          const shown = parsedForm(s);
          const copy = byTag(document, 'code').find((c) => attr(c, 'id') === 'copy-1')!;
          expect(text(copy)).toBe(shown);
          expect(text(byTag(document, 'main')[0])).toContain(`detail: ${shown}`);
          expect(JSON.parse(text(byId(document, REPORT_DATA_ID)!)).command).toBe(s);
        },
      ),
      { seed: 25, numRuns: 40 },
    );
  });
});
