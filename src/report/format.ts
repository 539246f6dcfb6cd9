/** Number formatting for the markdown report: 3 significant digits, exponents for big and small. */

const DASH = '—';

export function fmt(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined) return DASH;
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (Number.isInteger(x) && abs < 1e6) return String(x);
  if (abs >= 1e4 || abs < 1e-3) return x.toExponential(digits - 1).replace('e+', 'e');
  return String(Number(x.toPrecision(digits)));
}

/** "mean ± std" over seeds, or the single value. */
export function fmtMeanStd(mean: number | null, std: number | null, count: number): string {
  if (mean === null) return DASH;
  return count > 1 && std !== null ? `${fmt(mean)} ± ${fmt(std, 2)}` : fmt(mean);
}

/** Escapes text that came from data (details, statements) so markdown does not reinterpret it. */
export function esc(text: string): string {
  return text.replace(/[\\*_`]/g, (c) => `\\${c}`).replace(/</g, '&lt;');
}

/** Makes a string safe inside a table cell (pipes and line breaks would end the cell). */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), `|${header.map(() => ' --- |').join('')}`, ...rows.map(line)].join('\n');
}
