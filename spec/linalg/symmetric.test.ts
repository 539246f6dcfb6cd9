import fc from 'fast-check';
import { Matrix } from 'ml-matrix';
import { symmetricMatVec, toMatrix } from '../../src/linalg/symmetric';

describe('symmetric row-major arrays', () => {
  it('toMatrix keeps every entry, and symmetricMatVec(S, v) equals ml-matrix S·v up to rounding', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 20 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: n * n, maxLength: n * n }),
              fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: n, maxLength: n }),
            ),
          ),
        ([n, entries, v]) => {
          const a = Float64Array.from(entries);
          const M = toMatrix({ n, a });
          expect(M.rows).toBe(n);
          expect(Float64Array.from(M.to1DArray())).toEqual(a);
          const out = new Float64Array(n);
          symmetricMatVec({ n, a }, Float64Array.from(v), out);
          const reference = M.mmul(Matrix.columnVector(v)).getColumn(0);
          reference.forEach((r, i) => expect(Math.abs(out[i] - r)).toBeLessThanOrEqual(1e-12 * n * 100));
        },
      ),
      { seed: 5, numRuns: 100 },
    );
  });
});
