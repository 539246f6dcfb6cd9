/** Number and operator formatting for human-readable theory reports. */
import type { RelationOp } from './math';

/**
 * Three significant digits, trailing zeros dropped; scientific notation outside [1e-3, 1e4) unless the
 * number is a small integer (widths and sample counts read better exact): 512, 0.0025, 3.13e19.
 */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '∞';
  if (x === -Infinity) return '−∞';
  if (Number.isInteger(x) && Math.abs(x) < 1e6) return String(x);
  const abs = Math.abs(x);
  if (abs >= 1e4 || abs < 1e-3) {
    const [mantissa, exponent] = x.toExponential(2).split('e');
    return `${String(Number(mantissa))}e${exponent.replace('+', '')}`;
  }
  return String(Number(x.toPrecision(3)));
}

export const OP_TEXT: Record<RelationOp, string> = { '<': '<', '<=': '≤', '>': '>', '>=': '≥', '==': '=' };
