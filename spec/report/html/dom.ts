/** A small DOM over parse5's tree for the HTML report's tests: elements by tag, attributes and text. */
import { parse, type DefaultTreeAdapterMap } from 'parse5';

type Node = DefaultTreeAdapterMap['node'];
export type Element = DefaultTreeAdapterMap['element'];

function isElement(node: Node): node is Element {
  return 'tagName' in node;
}

function childrenOf(node: Node): Node[] {
  const own = 'childNodes' in node ? node.childNodes : [];
  // <template> content is not part of the page's tree.
  return own as Node[];
}

/** Every element under `root` in document order. */
export function allElements(root: Node): Element[] {
  const out: Element[] = [];
  const walk = (node: Node) => {
    for (const child of childrenOf(node)) {
      if (isElement(child)) out.push(child);
      walk(child);
    }
  };
  walk(root);
  return out;
}

export const byTag = (root: Node, tag: string): Element[] => allElements(root).filter((e) => e.tagName === tag);

export function attr(element: Element, name: string): string | undefined {
  return element.attrs.find((a) => a.name === name)?.value;
}

/** The element's text, as textContent gives it. */
export function text(node: Node): string {
  if ('value' in node && node.nodeName === '#text') return node.value;
  return childrenOf(node).map(text).join('');
}

/** Parses a whole page; parse errors are collected (a well-formed page has none). */
export function parsePage(html: string): { document: DefaultTreeAdapterMap['document']; errors: string[] } {
  const errors: string[] = [];
  const document = parse(html, { onParseError: (e) => errors.push(`${e.code} at ${e.startLine}:${e.startCol}`) });
  return { document, errors };
}

export function byId(root: Node, id: string): Element | undefined {
  return allElements(root).find((e) => attr(e, 'id') === id);
}

/** Element with a class among its classes. */
export const hasClass = (e: Element, cls: string): boolean => (attr(e, 'class') ?? '').split(/\s+/).includes(cls);
