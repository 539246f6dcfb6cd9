/**
 * One self-contained HTML page: inline CSS, the plots inline as SVG, the report's JSON in a
 * <script type="application/json"> element, and a Content-Security-Policy that allows no network at all: the
 * one inline style sheet and the one inline script (the copy buttons) are allowed by their SHA-256 hashes.
 * Pure: the same input gives the same bytes.
 */
import { createHash } from 'node:crypto';
import type { Block } from '../blocks';
import { escapeHtml, jsonForScript } from './escape';
import { blocksHtml, type PlotSvgs } from './render';

/** The element id of the embedded report JSON. */
export const REPORT_DATA_ID = 'report-data';

const STYLE = `
:root { --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg-soft: #f6f8fa; --link: #0550ae;
  --pass: #1a7f37; --fail: #cf222e; --warn: #9a6700; --na: #6e7781; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 1200px; padding: 1rem 1.25rem 3rem; color: var(--fg); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  overflow-wrap: anywhere; }
h1 { font-size: 1.5rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.25rem; margin: 2.25rem 0 .75rem; padding-bottom: .25rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
h4 { font-size: 1rem; margin: 1.25rem 0 .5rem; }
h2, h3, h4 { scroll-margin-top: .5rem; }
:target { background: #fff8c5; }
a { color: var(--link); }
code, pre { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
code { background: var(--bg-soft); padding: 0 .2em; border-radius: 3px; }
pre { background: var(--bg-soft); padding: .6rem .75rem; border-radius: 6px; overflow-x: auto; white-space: pre-wrap; }
pre code { background: none; padding: 0; }
pre.math { color: var(--muted); }
blockquote { margin: .5rem 0; padding: 0 .75rem; border-left: 3px solid var(--line); color: var(--muted); }
nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; padding: 0; margin: 0 0 1rem; font-size: .9rem; }
.table { overflow-x: auto; margin: .75rem 0; max-width: 100%; }
table { border-collapse: collapse; font-size: .85rem; overflow-wrap: normal; }
th, td { border: 1px solid var(--line); padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--bg-soft); }
td { min-width: 4ch; }
tbody tr:nth-child(even) { background: #fafbfc; }
.badge { display: inline-block; padding: 0 .45em; border-radius: 4px; border: 1px solid; font-weight: 600;
  font-size: .8rem; line-height: 1.5; white-space: nowrap; }
.v-pass { color: var(--pass); border-color: var(--pass); background: #dafbe1; }
.v-fail { color: var(--fail); border-color: var(--fail); background: #ffebe9; }
.v-vacuous, .v-undecided { color: var(--warn); border-color: var(--warn); background: #fff8c5; }
.v-na, .v-other { color: var(--na); border-color: var(--na); background: var(--bg-soft); }
.headline { border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; margin: 1rem 0; background: #fbfcfd; }
.headline .claim { font-size: 1.05rem; margin-top: 0; }
figure { margin: 1rem 0; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: .85rem; }
details { margin: .5rem 0; border: 1px solid var(--line); border-radius: 6px; padding: .25rem .75rem; }
summary { cursor: pointer; font-weight: 600; }
.copyable { position: relative; }
.copyable pre { padding-right: 4.5rem; }
button.copy { position: absolute; top: .35rem; right: .35rem; font: inherit; font-size: .8rem; padding: .1rem .6rem;
  border: 1px solid var(--line); border-radius: 4px; background: #fff; cursor: pointer; }
.changed td { background: #fff8c5; }
@media (max-width: 600px) { body { font-size: 14px; padding: .75rem; } h1 { font-size: 1.25rem; } }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  nav, button.copy { display: none; }
  details { border: none; padding: 0; }
  details::details-content { content-visibility: visible; display: block; }
  .table { overflow: visible; }
  h2, h3, h4 { break-after: avoid; }
  tr, figure { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
`;

/** Copy buttons (clipboard, or the text selected when the clipboard is refused); every <details> opened to print. */
const SCRIPT = `
for (const button of document.querySelectorAll('button[data-copy]')) {
  button.addEventListener('click', () => {
    const source = document.getElementById(button.dataset.copy);
    const done = (label) => { button.textContent = label; };
    const select = () => { const range = document.createRange(); range.selectNodeContents(source);
      const selection = getSelection(); selection.removeAllRanges(); selection.addRange(range); done('Selected'); };
    if (navigator.clipboard) navigator.clipboard.writeText(source.textContent).then(() => done('Copied'), select);
    else select();
  });
}
addEventListener('beforeprint', () => { for (const d of document.querySelectorAll('details')) d.open = true; });
`;

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The page's Content-Security-Policy: nothing from the network, only the page's own style sheet and script. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src ${sha256(STYLE)}`,
  `script-src ${sha256(SCRIPT)}`,
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export interface HtmlPage {
  /** The <title>. */
  title: string;
  blocks: readonly Block[];
  /** SVG text of the plots the image blocks name. */
  svgs: PlotSvgs;
  /** The JSON embedded in the page (report.json's text, or the comparison's). */
  json: string;
}

/** The complete page. */
export function renderHtmlPage(page: HtmlPage): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(CONTENT_SECURITY_POLICY)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(page.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    blocksHtml(page.blocks, page.svgs),
    '</main>',
    `<script type="application/json" id="${REPORT_DATA_ID}">${jsonForScript(page.json)}</script>`,
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
