/** Escaping for the HTML report: text and attribute values, and JSON inside a <script> element. */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Characters HTML text cannot hold: C0 controls other than tab, newline and return; DEL; lone surrogates. */
const UNREPRESENTABLE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text safe as HTML element content and as a double- or single-quoted attribute value. Characters HTML cannot
 * hold become U+FFFD, so the parsed text is the input with those replaced (and, as HTML parsing does, CR LF and
 * CR read as LF), nothing else.
 */
export function escapeHtml(text: string): string {
  return text.replace(UNREPRESENTABLE, '\uFFFD').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * JSON text that can sit inside <script type="application/json">: every "<" is written as the JSON escape
 * \u003c, so neither "</script" nor "<!--" can occur, and JSON.parse of the element's text gives the same value.
 */
export function jsonForScript(json: string): string {
  return json
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
