/**
 * The report's document model: what a report says, as blocks (headings, paragraphs, tables, …) and inline
 * pieces, with no output format in it. report.md (renderBlocksMarkdown below) and report.html (html/render.ts)
 * both render the same blocks, so the two pages cannot say different things.
 *
 * Two kinds of text: a plain string is written by pruneproof and printed as it is in markdown; `{ data }` came
 * from a run, a config file or the user (pruner names, error texts, paths) and is escaped for every format.
 */
import { esc, table } from './format';

/** One piece of inline text. */
export type Inline =
  | string
  | { data: string }
  | { strong: Text }
  | { code: string }
  /** A link to a section of the same report, by its anchor (e.g. "INV-B2"). */
  | { anchor: string; text: Text }
  /** A verdict, shown as a badge with its text in HTML. */
  | { verdict: string };

/** Inline text: one piece or a sequence (nested sequences are read in order). */
export type Text = Inline | readonly Text[];

/** One block of a report page. */
export type Block =
  /** Headings of level 2 and 3 carry the anchor of their section (HTML id). */
  | { kind: 'heading'; level: 1 | 2 | 3 | 4; text: Text; anchor?: string }
  | { kind: 'paragraph'; text: Text }
  | { kind: 'list'; items: readonly Text[]; ordered?: boolean }
  /** `highlight[i]` marks row i (HTML shades it; markdown relies on the row's own text to say why). */
  | { kind: 'table'; header: readonly Text[]; rows: readonly (readonly Text[])[]; highlight?: readonly boolean[] }
  /** Code to copy; `copy` adds a copy button in HTML. */
  | { kind: 'code'; language: string; text: string; copy?: boolean }
  | { kind: 'math'; latex: string }
  | { kind: 'quote'; text: Text }
  /** A plot of the report folder (its SVG file); HTML inlines it. */
  | { kind: 'image'; file: string; title: string }
  /** Folded content (long tables, counterexamples): HTML <details>, markdown prints the summary then the blocks. */
  | { kind: 'details'; summary: Text; blocks: readonly Block[] }
  /** The paper's claim in plain words, at the top of the page. */
  | { kind: 'headline'; verdict: string; text: Text; blocks: readonly Block[] };

/** Text that came from data or a user: escaped in every format. */
export const data = (text: string): Inline => ({ data: text });
/** Emphasised text. */
export const strong = (text: Text): Inline => ({ strong: text });
/** Inline code (a command, a path, an expression). */
export const code = (text: string): Inline => ({ code: text });
/** A paragraph. */
export const paragraph = (text: Text): Block => ({ kind: 'paragraph', text });
/** A heading; `anchor` is its section's HTML id. */
export const heading = (level: 1 | 2 | 3 | 4, text: Text, anchor?: string): Block =>
  anchor === undefined ? { kind: 'heading', level, text } : { kind: 'heading', level, text, anchor };
/** A table: header cells and rows of cells. */
export const tableBlock = (header: readonly Text[], rows: readonly (readonly Text[])[]): Block => ({
  kind: 'table',
  header,
  rows,
});
/** A bulleted list. */
export const list = (items: readonly Text[]): Block => ({ kind: 'list', items });

/** The anchor of a section named by free text: letters, digits and - _ . kept, everything else "-". */
export function anchorOf(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '') || 'section';
}

/** The pieces of a text, nested sequences flattened. */
export function pieces(text: Text): Inline[] {
  return Array.isArray(text) ? (text as readonly Text[]).flatMap(pieces) : [text as Inline];
}

/** The text as a reader sees it, with no markup (for titles, alt texts and tests). */
export function plainText(text: Text): string {
  return pieces(text)
    .map((p) => {
      if (typeof p === 'string') return p;
      if ('data' in p) return p.data;
      if ('strong' in p) return plainText(p.strong);
      if ('code' in p) return p.code;
      if ('anchor' in p) return plainText(p.text);
      return p.verdict;
    })
    .join('');
}

// ---------------------------------------------------------------------------------------------
// Markdown.

/** The HTML page beside report.md, which holds the anchors markdown links point to. */
export const HTML_PAGE = 'report.html';

/** Markdown of inline text; `bold` is the style of a verdict (FAIL only, or every verdict). */
export function inlineMarkdown(text: Text, boldVerdicts: 'fail' | 'all' = 'fail'): string {
  return pieces(text)
    .map((p) => {
      if (typeof p === 'string') return p;
      if ('data' in p) return esc(p.data);
      if ('strong' in p) return `**${inlineMarkdown(p.strong, boldVerdicts)}**`;
      if ('code' in p) return `\`${p.code}\``;
      if ('anchor' in p) return `[${inlineMarkdown(p.text, boldVerdicts)}](${HTML_PAGE}#${p.anchor})`;
      return boldVerdicts === 'all' || p.verdict === 'FAIL' ? `**${p.verdict}**` : p.verdict;
    })
    .join('');
}

function blockMarkdown(block: Block, boldVerdicts: 'fail' | 'all'): string {
  const md = (t: Text) => inlineMarkdown(t, boldVerdicts);
  switch (block.kind) {
    case 'heading':
      return `${'#'.repeat(block.level)} ${md(block.text)}`;
    case 'paragraph':
      return md(block.text);
    case 'list':
      return block.items.map((item, i) => `${block.ordered ? `${i + 1}.` : '-'} ${md(item)}`).join('\n');
    case 'table':
      return table(
        block.header.map(md),
        block.rows.map((row) => row.map(md)),
      );
    case 'code':
      return [`\`\`\`${block.language}`, block.text, '```'].join('\n');
    case 'math':
      return ['$$', block.latex, '$$'].join('\n');
    case 'quote':
      return `> ${md(block.text)}`;
    case 'image':
      return `![${esc(block.title)}](${block.file})`;
    case 'details':
      return [md(block.summary), ...block.blocks.map((b) => blockMarkdown(b, boldVerdicts))].join('\n\n');
    case 'headline':
      return [
        `**${block.verdict}**: ${md(block.text)}`,
        ...block.blocks.map((b) => blockMarkdown(b, boldVerdicts)),
      ].join('\n\n');
  }
}

/** report.md of a block document: blocks separated by one blank line, ending in a newline. */
export function renderBlocksMarkdown(blocks: readonly Block[], boldVerdicts: 'fail' | 'all' = 'fail'): string {
  return `${blocks.map((b) => blockMarkdown(b, boldVerdicts)).join('\n\n')}\n`;
}
