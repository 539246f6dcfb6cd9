import { formatNumber } from '../../theory/format';

describe('formatNumber', () => {
  it.each([
    [512, '512'],
    [0.0025, '0.0025'],
    [0.001, '0.001'],
    [3.125e19, '3.13e19'],
    [1.6e20, '1.6e20'],
    [6.1e16, '6.1e16'],
    [12.345, '12.3'],
    [5e-6, '5e-6'],
    [-2.5e-7, '-2.5e-7'],
    [Infinity, '∞'],
    [NaN, 'NaN'],
  ])('formats %p as %p', (x, text) => {
    expect(formatNumber(x)).toBe(text);
  });
});
