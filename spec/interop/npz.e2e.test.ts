/**
 * .npz files written by the real NumPy (np.savez and np.savez_compressed): every dtype NumPy writes for data read
 * back value for value, and the arrays pruneproof cannot take faithfully named in the error.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpzFile } from '../../src/interop/npz';
import { requirePythonWithNumpy, runPython } from './python/require-python';

let python: string;
let dir: string;

beforeAll(() => {
  python = requirePythonWithNumpy();
  dir = mkdtempSync(join(tmpdir(), 'pruneproof-npz-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const WRITE = `
import json, sys
import numpy as np
rng = np.random.default_rng(3)
arrays = {
    "f4": rng.standard_normal((5, 3)).astype(np.float32),
    "f8": rng.standard_normal((4,)),
    "i8": np.array([[1, -1], [3, 2**40]], dtype=np.int64),
    "i4": np.arange(-3, 3, dtype=np.int32),
    "u1": np.array([0, 255], dtype=np.uint8),
    "b": np.array([True, False]),
    "scalar": np.float64(2.5),
    "empty": np.zeros((0, 3), dtype=np.float32),
}
for name, save in (("plain.npz", np.savez), ("compressed.npz", np.savez_compressed)):
    save(sys.argv[1] + "/" + name, **arrays)
print(json.dumps({k: [str(v.dtype.str), list(v.shape), np.asarray(v, dtype=np.float64).ravel().tolist()] for k, v in arrays.items()}))
`;

describe('.npz files written by NumPy', () => {
  it('np.savez and np.savez_compressed: every array read back with its dtype, shape and values', () => {
    const expected = JSON.parse(runPython(python, WRITE, [dir])) as Record<string, [string, number[], number[]]>;
    for (const file of ['plain.npz', 'compressed.npz']) {
      const arrays = readNpzFile(join(dir, file));
      expect([...arrays.keys()].sort()).toEqual(Object.keys(expected).sort());
      for (const [name, [dtype, shape, values]] of Object.entries(expected)) {
        const a = arrays.get(name)!;
        expect([name, a.dtype, a.shape]).toEqual([name, dtype, shape]);
        expect(Array.from(a.values)).toEqual(values);
      }
    }
  });

  it('big-endian, Fortran-order and object arrays written by NumPy are named in the error', () => {
    runPython(
      python,
      `import sys, numpy as np
d = sys.argv[1]
np.savez(d + "/big.npz", x=np.ones((2, 2), dtype=">f8"))
np.savez(d + "/fortran.npz", x=np.asfortranarray(np.ones((2, 3), dtype=np.float32)))
np.savez(d + "/object.npz", x=np.array([1, "a"], dtype=object))`,
      [dir],
    );
    expect(() => readNpzFile(join(dir, 'big.npz'))).toThrow(
      `${join(dir, 'big.npz')}: array 'x': big-endian dtype '>f8'`,
    );
    expect(() => readNpzFile(join(dir, 'fortran.npz'))).toThrow("array 'x': Fortran-order array");
    expect(() => readNpzFile(join(dir, 'object.npz'))).toThrow("array 'x': object array (dtype '|O')");
  });
});
