/**
 * NumPy's .npy and .npz files (numpy.lib.format): an .npy file is the magic "\x93NUMPY", a version, a header
 * (a Python dict literal {'descr': '<f8', 'fortran_order': False, 'shape': (m, d), }) and the raw data; an .npz
 * file is a zip of .npy files, one per array (np.savez stores them, np.savez_compressed deflates them).
 *
 * Read here: little-endian (or one-byte) floats and integers in C order. Anything else — big-endian data,
 * Fortran order, object or structured arrays, a truncated file — is an NpyError naming the array and what it is.
 */
import { readFileSync } from 'node:fs';
import { unzipSync, zipSync } from 'fflate';

/** A file that is not a readable .npy / .npz (bad input at the CLI). */
export class NpyError extends Error {
  override name = 'NpyError';
}

/** The element types read, by NumPy's `dtype.str`. */
const DTYPES = {
  '<f4': { size: 4, read: (v: DataView, o: number) => v.getFloat32(o, true) },
  '<f8': { size: 8, read: (v: DataView, o: number) => v.getFloat64(o, true) },
  '|i1': { size: 1, read: (v: DataView, o: number) => v.getInt8(o) },
  '|u1': { size: 1, read: (v: DataView, o: number) => v.getUint8(o) },
  '|b1': { size: 1, read: (v: DataView, o: number) => v.getUint8(o) },
  '<i2': { size: 2, read: (v: DataView, o: number) => v.getInt16(o, true) },
  '<u2': { size: 2, read: (v: DataView, o: number) => v.getUint16(o, true) },
  '<i4': { size: 4, read: (v: DataView, o: number) => v.getInt32(o, true) },
  '<u4': { size: 4, read: (v: DataView, o: number) => v.getUint32(o, true) },
  '<i8': { size: 8, read: (v: DataView, o: number) => Number(v.getBigInt64(o, true)) },
  '<u8': { size: 8, read: (v: DataView, o: number) => Number(v.getBigUint64(o, true)) },
} as const;

/** A dtype this reader supports. */
export type NpyDtype = keyof typeof DTYPES;

/** One array: its dtype, shape (C order) and values (float32 as stored; others as float64, integers beyond 2^53 rounded). */
export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  values: Float32Array | Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function isDtype(descr: string): descr is NpyDtype {
  return Object.prototype.hasOwnProperty.call(DTYPES, descr);
}

/** Why a descr that NumPy wrote is not read here. */
function unsupportedDtype(descr: string): string {
  if (descr.startsWith('>')) return `big-endian dtype '${descr}' (convert with a.astype(a.dtype.newbyteorder('<')))`;
  if (descr.endsWith('O')) return `object array (dtype '${descr}'): only numbers can be read`;
  return `dtype '${descr}' (supported: float32, float64 and integers, little-endian)`;
}

interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

function parseHeader(text: string, fail: (why: string) => never): NpyHeader {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text);
  if (!descr) {
    if (/'descr'\s*:\s*\[/.test(text)) fail('structured array (a record dtype): store each field as its own array');
    fail(`no 'descr' in the header ${JSON.stringify(text.trim())}`);
  }
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  if (!fortran) fail(`no 'fortran_order' in the header ${JSON.stringify(text.trim())}`);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!shape) fail(`no 'shape' in the header ${JSON.stringify(text.trim())}`);
  const dims = shape![1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (!dims.every((s) => /^\d+L?$/.test(s))) fail(`shape (${shape![1]}) is not a tuple of sizes`);
  return { descr: descr![1], fortranOrder: fortran![1] === 'True', shape: dims.map((s) => parseInt(s, 10)) };
}

/** Parses one .npy file; `name` (e.g. "data.npz: x") prefixes every error. */
export function parseNpy(bytes: Uint8Array, name: string): NpyArray {
  const fail = (why: string): never => {
    throw new NpyError(`${name}: ${why}`);
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('not an .npy array (no \\x93NUMPY magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  if (major < 1 || major > 3) fail(`.npy format version ${major}.${bytes[7]} is not supported (1, 2 or 3)`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (bytes.length < start + headerLength) fail('truncated header');
  const text = Buffer.from(bytes.subarray(start, start + headerLength)).toString(major === 3 ? 'utf8' : 'latin1');
  const header = parseHeader(text, fail);
  if (!isDtype(header.descr)) return fail(unsupportedDtype(header.descr));
  const dims = header.shape;
  if (header.fortranOrder && dims.filter((s) => s > 1).length > 1)
    fail('Fortran-order array: save np.ascontiguousarray(a) (C order) instead');
  const { size } = DTYPES[header.descr];
  const count = dims.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLength;
  if (bytes.length - dataStart < count * size)
    fail(`truncated data: shape (${dims.join(', ')}) needs ${count * size} bytes, found ${bytes.length - dataStart}`);
  return { dtype: header.descr, shape: dims, values: readValues(bytes, dataStart, count, header.descr) };
}

function readValues(bytes: Uint8Array, start: number, count: number, descr: NpyDtype): Float32Array | Float64Array {
  const { size, read } = DTYPES[descr];
  if (descr === '<f4' || descr === '<f8') {
    // An aligned copy of the bytes, viewed as floats (the host is little-endian: see the check below).
    const copy = new Uint8Array(count * size);
    copy.set(bytes.subarray(start, start + count * size));
    return descr === '<f4' ? new Float32Array(copy.buffer) : new Float64Array(copy.buffer);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Float64Array(count);
  for (let i = 0, offset = start; i < count; i++, offset += size) values[i] = read(view, offset);
  return values;
}

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1)
  throw new Error('pruneproof: .npy reading assumes a little-endian host');

/** The arrays of an .npz file by name (the member "x.npy" is array "x"). */
export function parseNpz(bytes: Uint8Array, source: string): Map<string, NpyArray> {
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes);
  } catch (e) {
    throw new NpyError(`${source}: not an .npz (zip) file: ${(e as Error).message}`);
  }
  const arrays = new Map<string, NpyArray>();
  for (const [member, data] of Object.entries(members)) {
    if (!member.endsWith('.npy')) continue;
    const name = member.slice(0, -'.npy'.length);
    arrays.set(name, parseNpy(data, `${source}: array '${name}'`));
  }
  return arrays;
}

/** Reads an .npz file; every error names the file. */
export function readNpzFile(path: string): Map<string, NpyArray> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new NpyError(`cannot read ${path}: ${(e as Error).message}`);
  }
  return parseNpz(bytes, path);
}

/** The .npy bytes of an array (version 1.0, C order, the header padded to a multiple of 64 bytes as NumPy does). */
export function encodeNpy(array: NpyArray): Uint8Array {
  const { size } = DTYPES[array.dtype];
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  const dict = `{'descr': '${array.dtype}', 'fortran_order': False, 'shape': ${shape}, }`;
  const unpadded = 10 + dict.length + 1;
  const header = dict + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + array.values.length * size);
  out.set(MAGIC);
  out[6] = 1;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), 10);
  const write = writers[array.dtype];
  for (let i = 0, offset = 10 + header.length; i < array.values.length; i++, offset += size)
    write(view, offset, array.values[i]);
  return out;
}

const writers: Record<NpyDtype, (v: DataView, o: number, x: number) => void> = {
  '<f4': (v, o, x) => v.setFloat32(o, x, true),
  '<f8': (v, o, x) => v.setFloat64(o, x, true),
  '|i1': (v, o, x) => v.setInt8(o, x),
  '|u1': (v, o, x) => v.setUint8(o, x),
  '|b1': (v, o, x) => v.setUint8(o, x),
  '<i2': (v, o, x) => v.setInt16(o, x, true),
  '<u2': (v, o, x) => v.setUint16(o, x, true),
  '<i4': (v, o, x) => v.setInt32(o, x, true),
  '<u4': (v, o, x) => v.setUint32(o, x, true),
  '<i8': (v, o, x) => v.setBigInt64(o, BigInt(x), true),
  '<u8': (v, o, x) => v.setBigUint64(o, BigInt(x), true),
};

/** An .npz file's bytes (stored, or deflated like np.savez_compressed). */
export function encodeNpz(arrays: ReadonlyMap<string, NpyArray>, compressed = false): Uint8Array {
  const members: Record<string, Uint8Array> = {};
  for (const [name, array] of arrays) members[`${name}.npy`] = encodeNpy(array);
  return zipSync(members, { level: compressed ? 6 : 0 });
}
