/**
 * Report blocks (../blocks.ts) as HTML elements. Every piece of text goes through escapeHtml; the only markup
 * not built here is the plots' SVG, which pruneproof rendered itself (vega escapes the data in it).
 */
import { pieces, plainText, type Block, type Text } from '../blocks';
import { escapeHtml } from './escape';

/** SVG text of each plot file of the report folder, by file name. */
export type PlotSvgs = ReadonlyMap<string, string>;

const VERDICT_CLASS: Record<string, string> = {
  PASS: 'pass',
  CONFORMS: 'pass',
  'consistent with logarithmic scaling': 'pass',
  FAIL: 'fail',
  'BREAKS ITS CONTRACT': 'fail',
  'better explained by a power law': 'fail',
  'better explained by a saturating law': 'fail',
  VACUOUS: 'vacuous',
  UNDECIDED: 'undecided',
  inconclusive: 'undecided',
  'NOT APPLICABLE': 'na',
  'consistent with O(log m)': 'pass',
  'grows faster than log m': 'fail',
  undetermined: 'undecided',
  'no verdict changed': 'pass',
  'verdicts changed': 'undecided',
};

/** A verdict as a badge: its text, and a colour class that only repeats what the text says. */
export function badge(verdict: string): string {
  return `<span class="badge v-${VERDICT_CLASS[verdict] ?? 'other'}">${escapeHtml(verdict)}</span>`;
}

/** Inline text as HTML. */
export function inlineHtml(text: Text): string {
  return pieces(text)
    .map((p) => {
      if (typeof p === 'string') return escapeHtml(p);
      if ('data' in p) return escapeHtml(p.data);
      if ('strong' in p) return `<strong>${inlineHtml(p.strong)}</strong>`;
      if ('code' in p) return `<code>${escapeHtml(p.code)}</code>`;
      if ('anchor' in p) return `<a href="#${escapeHtml(p.anchor)}">${inlineHtml(p.text)}</a>`;
      return badge(p.verdict);
    })
    .join('');
}

const idAttribute = (anchor: string | undefined): string => (anchor === undefined ? '' : ` id="${escapeHtml(anchor)}"`);

/** Counts code blocks with a copy button, so each gets its own element id. */
interface RenderState {
  copyButtons: number;
}

function tableHtml(block: Extract<Block, { kind: 'table' }>): string {
  const head = block.header.map((h) => `<th scope="col">${inlineHtml(h)}</th>`).join('');
  const rows = block.rows.map(
    (row, i) =>
      `<tr${block.highlight?.[i] ? ' class="changed"' : ''}>${row.map((c) => `<td>${inlineHtml(c)}</td>`).join('')}</tr>`,
  );
  return `<div class="table"><table><thead><tr>${head}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table></div>`;
}

function codeHtml(block: Extract<Block, { kind: 'code' }>, state: RenderState): string {
  const cls = block.language ? ` class="language-${escapeHtml(block.language)}"` : '';
  if (!block.copy) return `<pre><code${cls}>${escapeHtml(block.text)}</code></pre>`;
  const id = `copy-${++state.copyButtons}`;
  return (
    `<div class="copyable"><pre><code id="${id}"${cls}>${escapeHtml(block.text)}</code></pre>` +
    `<button type="button" class="copy" data-copy="${id}">Copy</button></div>`
  );
}

function imageHtml(block: Extract<Block, { kind: 'image' }>, svgs: PlotSvgs): string {
  const svg = svgs.get(block.file);
  const caption = `<figcaption>${escapeHtml(block.title)}</figcaption>`;
  if (svg === undefined)
    return `<figure class="plot missing">${caption}<p>(plot ${escapeHtml(block.file)} not drawn)</p></figure>`;
  const labelled = svg.replace(
    /^\s*(<\?xml[^>]*>\s*)?<svg\b/,
    `<svg role="img" aria-label="${escapeHtml(block.title)}"`,
  );
  return `<figure class="plot">${labelled}${caption}</figure>`;
}

function blockHtml(block: Block, svgs: PlotSvgs, state: RenderState): string {
  const children = (blocks: readonly Block[]) => blocks.map((b) => blockHtml(b, svgs, state)).join('\n');
  switch (block.kind) {
    case 'heading':
      return `<h${block.level}${idAttribute(block.anchor)}>${inlineHtml(block.text)}</h${block.level}>`;
    case 'paragraph':
      return `<p>${inlineHtml(block.text)}</p>`;
    case 'list': {
      const tag = block.ordered ? 'ol' : 'ul';
      return `<${tag}>${block.items.map((i) => `<li>${inlineHtml(i)}</li>`).join('')}</${tag}>`;
    }
    case 'table':
      return tableHtml(block);
    case 'code':
      return codeHtml(block, state);
    case 'math':
      return `<pre class="math">${escapeHtml(block.latex)}</pre>`;
    case 'quote':
      return `<blockquote>${inlineHtml(block.text)}</blockquote>`;
    case 'image':
      return imageHtml(block, svgs);
    case 'details':
      return `<details><summary>${inlineHtml(block.summary)}</summary>\n${children(block.blocks)}\n</details>`;
    case 'headline':
      return (
        `<section class="headline" id="verdict"><p class="claim">${badge(block.verdict)} ${inlineHtml(block.text)}</p>\n` +
        `${children(block.blocks)}\n</section>`
      );
  }
}

/** The blocks as HTML, one element per line; a contents list of the level-2 headings follows the title. */
export function blocksHtml(blocks: readonly Block[], svgs: PlotSvgs): string {
  const state: RenderState = { copyButtons: 0 };
  const sections = blocks.filter(
    (b): b is Extract<Block, { kind: 'heading' }> => b.kind === 'heading' && b.level === 2 && b.anchor !== undefined,
  );
  const nav =
    sections.length > 0
      ? `<nav aria-label="Sections"><ul>${sections.map((h) => `<li><a href="#${escapeHtml(h.anchor!)}">${escapeHtml(plainText(h.text))}</a></li>`).join('')}</ul></nav>`
      : '';
  const html = blocks.map((b) => blockHtml(b, svgs, state));
  const title = blocks[0]?.kind === 'heading' && blocks[0].level === 1 ? 1 : 0;
  return [...html.slice(0, title), ...(nav ? [nav] : []), ...html.slice(title)].join('\n');
}
