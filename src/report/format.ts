/** Markdown helpers of the reports: tables, escaping, and numbers in theory's one format (`formatNumber`). */
import { formatNumber } from '../../theory';

const DASH = '—';

/**
 * A table cell's number: theory's `formatNumber`, or a dash for a missing value.
 *
 * @param x - the number, or null/undefined when nothing was measured.
 * @param digits - significant digits (default 3).
 * @returns the formatted number, or `—`.
 */
export function fmt(x: number | null | undefined, digits = 3): string {
  return x === null || x === undefined ? DASH : formatNumber(x, digits);
}

/**
 * "mean ± std" over seeds, or the single value.
 *
 * @param mean - the mean, null when nothing was measured (prints `—`).
 * @param std - the standard deviation (two significant digits).
 * @param count - how many values the mean is over; one prints the value alone.
 * @returns the cell text.
 */
export function fmtMeanStd(mean: number | null, std: number | null, count: number): string {
  if (mean === null) return DASH;
  return count > 1 && std !== null ? `${fmt(mean)} ± ${fmt(std, 2)}` : fmt(mean);
}

/**
 * Escapes text that came from data (details, statements) so markdown does not reinterpret it.
 *
 * @param text - raw text.
 * @returns the text with `\\ * _ \`` escaped and `<` as `&lt;`.
 */
export function esc(text: string): string {
  return text.replace(/[\\*_`]/g, (c) => `\\${c}`).replace(/</g, '&lt;');
}

/**
 * Makes a string safe inside a table cell (pipes and line breaks would end the cell).
 *
 * @param text - the cell's text.
 * @returns the text with `|` escaped and line breaks as spaces.
 */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/**
 * A markdown table.
 *
 * @param header - the column titles.
 * @param rows - the cells, row by row (made safe with `cell`).
 * @returns the table's lines joined by newlines.
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), `|${header.map(() => ' --- |').join('')}`, ...rows.map(line)].join('\n');
}
