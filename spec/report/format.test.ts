import fc from 'fast-check';
import { cell, esc, fmt, fmtMeanStd } from '../../src/report/format';
import { formatNumber } from '../../theory';

describe('report number formatting', () => {
  it('fmt keeps 3 significant digits: |parse(fmt(x)) − x| ≤ 0.5e-2·|x| for every finite x', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 }), (x) => {
        const back = Number(fmt(x));
        // Rounding to 3 significant digits moves a value by at most half a unit in the third digit.
        return Number.isFinite(back) && Math.abs(back - x) <= 5e-3 * Math.abs(x);
      }),
      { seed: 42, numRuns: 2000 },
    );
  });

  it('fmt uses d.dde±k notation, trailing zeros dropped, exactly outside [1e-3, 1e4) (integers below 1e6 stay plain)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: 1e-300, max: 1e300 }), (x) => {
        const text = fmt(x);
        const big = x >= 1e4 && !(Number.isInteger(x) && x < 1e6);
        return big || x < 1e-3 ? /^\d(\.\d?[1-9])?e-?\d+$/.test(text) : !text.includes('e');
      }),
      { seed: 42, numRuns: 2000 },
    );
  });

  it('prints special values readably', () => {
    expect([fmt(null), fmt(undefined), fmt(NaN), fmt(Infinity), fmt(-Infinity), fmt(0), fmt(-0)]).toEqual([
      '—',
      '—',
      'NaN',
      '∞',
      '−∞',
      '0',
      '0',
    ]);
    expect([fmt(12), fmt(123456), fmt(1234567), fmt(0.000123), fmt(0.0123), fmt(12.345)]).toEqual([
      '12',
      '123456',
      '1.23e6',
      '1.23e-4',
      '0.0123',
      '12.3',
    ]);
    expect([fmt(1.5e-4), fmt(1e-7), fmt(2.5e7, 2)]).toEqual(['1.5e-4', '1e-7', '2.5e7']);
    expect(fmt(1.5e-4)).toBe(formatNumber(1.5e-4)); // one format: the report's and theory's agree
    expect(fmtMeanStd(0.5, 0.01, 3)).toBe('0.5 ± 0.01');
    expect(fmtMeanStd(0.5, 0, 1)).toBe('0.5');
    expect(fmtMeanStd(null, null, 0)).toBe('—');
  });

  it('escapes markdown in data and keeps table cells on one line', () => {
    expect(esc('T*(m) f_S `x` a\\b <b>')).toBe('T\\*(m) f\\_S \\`x\\` a\\\\b &lt;b>');
    expect(cell('a | b\nc')).toBe('a \\| b c');
  });
});
