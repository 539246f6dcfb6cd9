import { stableJson } from '../../src/files/json';
import { renderReportHtml } from '../../src/report/html/report';
import { verifyOutcomes } from '../../src/cli/json-output';
import { junitXml } from '../../src/cli/junit';
import { buildReportFixture } from '../report/fixture';
import { parsePage, byId } from '../report/html/dom';

describe('verifyOutcomes: JUnit failure messages link to the check’s section of report.html', () => {
  const doc = buildReportFixture();
  const outcomes = verifyOutcomes(doc, 'runs/x');
  const { document } = parsePage(renderReportHtml(doc, stableJson(doc), new Map()));

  it('gives each check with a section its report.html anchor, and that anchor exists in the page', () => {
    const linked = outcomes.filter((o) => o.link);
    expect(linked.map((o) => o.kind)).toEqual(expect.arrayContaining(['invariant', 'claim']));
    for (const o of linked) {
      expect(o.link).toMatch(/^runs\/x\/report\.html#/);
      expect(byId(document, o.link!.split('#')[1])).toBeDefined();
    }
    expect(verifyOutcomes(doc).every((o) => o.link === null)).toBe(true);
  });

  it("puts the link into the failure's message", () => {
    const failed = outcomes.find((o) => o.failed && o.link)!;
    const xml = junitXml('pruneproof verify', [failed]);
    expect(xml).toMatch(
      new RegExp(`<failure message="[^"]*details: ${failed.link!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    );
  });
});
