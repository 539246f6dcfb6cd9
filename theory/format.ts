/** Number and operator formatting for human-readable theory reports. */
import type { RelationOp } from './math';

/**
 * The one number format of every report, detail and message: `digits` significant digits, trailing zeros
 * dropped; scientific notation outside [1e-3, 1e4) unless the number is an integer below 1e6 (widths and sample
 * counts read better exact).
 *
 * @param x - the number; NaN and ±∞ print as `NaN`, `∞`, `−∞`.
 * @param digits - significant digits (default 3).
 * @returns the text, e.g. `512`, `0.0025`, `1.5e-4`, `3.13e19`.
 */
export function formatNumber(x: number, digits = 3): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '∞';
  if (x === -Infinity) return '−∞';
  if (Number.isInteger(x) && Math.abs(x) < 1e6) return String(x);
  const abs = Math.abs(x);
  if (abs >= 1e4 || abs < 1e-3) {
    const [mantissa, exponent] = x.toExponential(digits - 1).split('e');
    return `${String(Number(mantissa))}e${exponent.replace('+', '')}`;
  }
  return String(Number(x.toPrecision(digits)));
}

/** How each relation prints in reports: `<=` as `≤`, `>=` as `≥`, `==` as `=`. */
export const OP_TEXT: Record<RelationOp, string> = { '<': '<', '<=': '≤', '>': '>', '>=': '≥', '==': '=' };
