import fc from 'fast-check';
import { escapeHtml, jsonForScript } from '../../../src/report/html/escape';
import { allElements, attr, byTag, parsePage, text } from './dom';

const page = (body: string) =>
  `<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>${body}</body></html>`;
const unrepresentable =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** What an HTML parser gives back for s: unrepresentable characters as U+FFFD, CR LF and CR as LF. */
const parsedForm = (s: string) => s.replace(unrepresentable, '\uFFFD').replace(/\r\n?/g, '\n');
const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom('</p><script>alert(1)</script>', '" onmouseover="x', "' x='", '<!--', '&amp;', '\r\n'),
);

/** The parsed <p title="e(s)">e(s)</p> is one p element whose text and title are s (as HTML parsing reads s). */
const roundTrips = (escape: (s: string) => string) =>
  fc.property(anyString, (s) => {
    const { document } = parsePage(page(`<p title="${escape(s)}">${escape(s)}</p>`));
    const body = byTag(document, 'body')[0];
    expect(allElements(body).map((e) => e.tagName)).toEqual(['p']);
    const [p] = byTag(body, 'p');
    expect(p.attrs.map((a) => a.name)).toEqual(['title']);
    expect(attr(p, 'title')).toBe(parsedForm(s));
    expect(text(p)).toBe(parsedForm(s));
  });

describe('escapeHtml', () => {
  it('for every string s, <p title="escaped s">escaped s</p> parses to one p element whose text and title are s', () => {
    fc.assert(roundTrips(escapeHtml), { seed: 25, numRuns: 300 });
  });

  it('the same property fails for text inserted unescaped (the property can fail)', () => {
    expect(
      fc.check(
        roundTrips((s) => s),
        { seed: 25, numRuns: 300 },
      ).failed,
    ).toBe(true);
  });
});

describe('jsonForScript', () => {
  it('for every JSON value v, a <script type="application/json"> holding it stays one element and its text parses to v', () => {
    const strings = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 20 }),
      fc.constantFrom('</script>', '<!--', '<script>', '</SCRIPT ', '\u2028'),
    );
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'grapheme' }), strings, (v, s) => {
        const value = { v, s };
        const json = jsonForScript(JSON.stringify(value));
        expect(json).not.toMatch(/<\/script|<!--/i);
        const { document } = parsePage(page(`<script type="application/json" id="d">${json}</script><p>after</p>`));
        const body = byTag(document, 'body')[0];
        expect(allElements(body).map((e) => e.tagName)).toEqual(['script', 'p']);
        expect(JSON.parse(text(byTag(body, 'script')[0]))).toEqual(value);
      }),
      { seed: 25, numRuns: 300 },
    );
  });
});
