/**
 * The .npy / .npz codec: whatever it writes it reads back to the same dtype, shape and values (fast-check), and
 * every file it cannot read faithfully — big-endian, Fortran order, object or structured arrays, truncated data,
 * not a zip — is an NpyError naming the array and why.
 */
import fc from 'fast-check';
import { zipSync } from 'fflate';
import {
  encodeNpy,
  encodeNpz,
  NpyError,
  parseNpy,
  parseNpz,
  type NpyArray,
  type NpyDtype,
} from '../../src/interop/npz';

const RANGES: Record<NpyDtype, fc.Arbitrary<number>> = {
  '<f4': fc.float({ noNaN: true, noDefaultInfinity: true }).map(Math.fround),
  '<f8': fc.double({ noNaN: true, noDefaultInfinity: true }),
  '|i1': fc.integer({ min: -128, max: 127 }),
  '|u1': fc.integer({ min: 0, max: 255 }),
  '|b1': fc.integer({ min: 0, max: 1 }),
  '<i2': fc.integer({ min: -32768, max: 32767 }),
  '<u2': fc.integer({ min: 0, max: 65535 }),
  '<i4': fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  '<u4': fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  '<i8': fc.maxSafeInteger(),
  '<u8': fc.maxSafeNat(),
};

const anArray: fc.Arbitrary<NpyArray> = fc
  .tuple(
    fc.constantFrom(...(Object.keys(RANGES) as NpyDtype[])),
    fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
  )
  .chain(([dtype, shape]) => {
    const count = shape.reduce((a, b) => a * b, 1);
    return fc.array(RANGES[dtype], { minLength: count, maxLength: count }).map((values) => ({
      dtype,
      shape,
      values: dtype === '<f4' ? Float32Array.from(values) : Float64Array.from(values),
    }));
  });

/** An .npy file with a hand-written header (as another writer may produce it). */
function npyWithHeader(dict: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const header = dict + ' '.repeat(Math.max(0, 117 - dict.length)) + '\n';
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), 10);
  out.set(data, 10 + header.length);
  return out;
}

describe('.npy and .npz', () => {
  it('parseNpy(encodeNpy(a)) = a: dtype, shape and every value, for every supported dtype and rank 0–3', () => {
    fc.assert(
      fc.property(anArray, (a) => {
        const back = parseNpy(encodeNpy(a), 'a');
        expect(back.dtype).toBe(a.dtype);
        expect(back.shape).toEqual(a.shape);
        expect(Array.from(back.values)).toEqual(Array.from(a.values));
      }),
      { numRuns: 200, seed: 24 },
    );
  });

  it('parseNpz(encodeNpz(arrays)) gives the same arrays by name, stored or deflated', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.stringMatching(/^[a-zA-Z_]\w{0,8}$/), anArray, { maxKeys: 4 }),
        fc.boolean(),
        (dict, compressed) => {
          const arrays = new Map(Object.entries(dict));
          const back = parseNpz(encodeNpz(arrays, compressed), 'f.npz');
          expect([...back.keys()].sort()).toEqual([...arrays.keys()].sort());
          for (const [name, a] of arrays) expect(Array.from(back.get(name)!.values)).toEqual(Array.from(a.values));
        },
      ),
      { numRuns: 50, seed: 24 },
    );
  });

  it('names what it cannot read: big-endian, Fortran order, object and structured arrays, truncated data, not a zip', () => {
    const f8 = new Uint8Array(16);
    expect(() =>
      parseNpy(npyWithHeader("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", f8), 'd.npz: x'),
    ).toThrow("d.npz: x: big-endian dtype '>f8'");
    expect(() =>
      parseNpy(npyWithHeader("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 1), }", f8), 'x'),
    ).not.toThrow();
    expect(() =>
      parseNpy(npyWithHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", f8), 'd.npz: x'),
    ).toThrow('d.npz: x: Fortran-order array: save np.ascontiguousarray(a) (C order) instead');
    expect(() => parseNpy(npyWithHeader("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", f8), 'x')).toThrow(
      "x: object array (dtype '|O')",
    );
    expect(() =>
      parseNpy(
        npyWithHeader("{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (2,), }", f8),
        'x',
      ),
    ).toThrow('x: structured array');
    expect(() =>
      parseNpy(npyWithHeader("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", f8), 'x'),
    ).toThrow("x: dtype '<c16' (supported: float32, float64 and integers, little-endian)");
    expect(() => parseNpy(npyWithHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", f8), 'x')).toThrow(
      'x: truncated data: shape (3) needs 24 bytes, found 16',
    );
    expect(() => parseNpy(new Uint8Array(20), 'x')).toThrow('x: not an .npy array');
    expect(() => parseNpz(new Uint8Array([1, 2, 3]), 'd.npz')).toThrow(/^d.npz: not an .npz \(zip\) file/);
    const bad = zipSync({ 'x.npy': npyWithHeader("{'descr': '>i4', 'fortran_order': False, 'shape': (0,), }") });
    expect(() => parseNpz(bad, 'd.npz')).toThrow(NpyError);
    expect(() => parseNpz(bad, 'd.npz')).toThrow("d.npz: array 'x': big-endian dtype '>i4'");
  });
});
