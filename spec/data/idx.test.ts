import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseIdxUbyte, readIdxUbyte, readIdxUbyteDims } from '../../src/data/idx';
import { DatasetError } from '../../src/data/validate';
import { isBadInput } from '../../src/cli/errors';

/** An unsigned-byte IDX file: magic 0x0000 08 rank, the sizes big-endian, then the values. */
function idxBytes(dims: number[], values: number[], typeByte = 0x08): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE((typeByte << 8) | dims.length, 0);
  dims.forEach((n, k) => header.writeUInt32BE(n, 4 + 4 * k));
  return Buffer.concat([header, Buffer.from(values)]);
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, but nothing was thrown');
}

describe('parseIdxUbyte', () => {
  it('reads the sizes and the values (row-major) of rank-1 and rank-3 files', () => {
    expect(parseIdxUbyte(idxBytes([3], [7, 0, 255]), 'l', 1)).toEqual({
      file: 'l',
      dims: [3],
      data: Uint8Array.from([7, 0, 255]),
    });
    const values = Array.from({ length: 2 * 3 * 2 }, (_, k) => k * 10);
    const cube = parseIdxUbyte(idxBytes([2, 3, 2], values), 'c', 3);
    expect(cube.dims).toEqual([2, 3, 2]);
    expect(Array.from(cube.data)).toEqual(values);
  });

  it('returns a view of the bytes it was given (no copy of the pixels)', () => {
    const bytes = idxBytes([4], [1, 2, 3, 4]);
    const { data } = parseIdxUbyte(bytes, 'v', 1);
    expect(data.buffer).toBe(bytes.buffer);
    expect(data.byteOffset).toBe(bytes.byteOffset + 8);
  });

  it('rejects, naming the file, a wrong magic number: another rank, another value type, or not IDX at all', () => {
    const rank3 = idxBytes([1, 1, 1], [5]);
    expect(() => parseIdxUbyte(rank3, 'f.idx', 1)).toThrow(/^f\.idx: magic number 0x00000803, expected 0x00000801/);
    const floats = idxBytes([1], [0, 0, 0, 0], 0x0d);
    expect(() => parseIdxUbyte(floats, 'g.idx', 1)).toThrow(
      /^g\.idx: magic number 0x00000d01, expected 0x00000801 \(unsigned-byte/,
    );
    expect(() => parseIdxUbyte(Buffer.from('{"not": "idx"}'), 'h.json', 1)).toThrow(/^h\.json: magic number/);
  });

  it('rejects, naming the file, a file shorter or longer than its header says (truncation is the usual case)', () => {
    const full = idxBytes([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
    expect(() => parseIdxUbyte(full.subarray(0, full.length - 1), 'cut', 3)).toThrow(
      /^cut: truncated: 23 bytes, but its header \(sizes 2×2×2\) needs 24$/,
    );
    expect(() => parseIdxUbyte(Buffer.concat([full, Buffer.from([0])]), 'long', 3)).toThrow(
      /^long: longer than its header says: 25 bytes/,
    );
    expect(() => parseIdxUbyte(full.subarray(0, 10), 'stub', 3)).toThrow(
      /^stub: 10 bytes, shorter than an IDX header of rank 3 \(16 bytes\)/,
    );
  });

  it('raises DatasetError, which the CLI reports as bad input (exit 2)', () => {
    const e = errorOf(() => parseIdxUbyte(Buffer.alloc(3), 'x', 1));
    expect(e).toBeInstanceOf(DatasetError);
    expect(isBadInput(e)).toBe(true);
  });
});

describe('readIdxUbyte', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pruneproof-idx-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a file from disk', () => {
    const file = path.join(dir, 'ok-idx1-ubyte');
    fs.writeFileSync(file, idxBytes([2], [9, 8]));
    expect(readIdxUbyte(file, 1)).toMatchObject({ file, dims: [2], data: Uint8Array.from([9, 8]) });
  });

  it('readIdxUbyteDims: the sizes from the header alone, with the same checks against the file length', () => {
    const file = path.join(dir, 'cube-idx3-ubyte');
    const full = idxBytes(
      [2, 2, 3],
      Array.from({ length: 12 }, (_, k) => k),
    );
    fs.writeFileSync(file, full);
    expect(readIdxUbyteDims(file, 3)).toEqual([2, 2, 3]);
    fs.writeFileSync(file, full.subarray(0, 20));
    expect(() => readIdxUbyteDims(file, 3)).toThrow(
      `${file}: truncated: 20 bytes, but its header (sizes 2×2×3) needs 28`,
    );
    fs.writeFileSync(file, full.subarray(0, 6));
    expect(() => readIdxUbyteDims(file, 3)).toThrow(
      `${file}: 6 bytes, shorter than an IDX header of rank 3 (16 bytes)`,
    );
    fs.writeFileSync(file, full);
    expect(() => readIdxUbyteDims(file, 1)).toThrow(/magic number 0x00000803, expected 0x00000801/);
    const absent = path.join(dir, 'absent');
    expect(() => readIdxUbyteDims(absent, 1)).toThrow(`cannot read the IDX file ${absent}: no such file`);
  });

  it('names a missing file in a DatasetError', () => {
    const file = path.join(dir, 'absent-idx3-ubyte');
    const e = errorOf(() => readIdxUbyte(file, 3));
    expect(e).toBeInstanceOf(DatasetError);
    expect(e.message).toBe(`cannot read the IDX file ${file}: no such file`);
  });
});
