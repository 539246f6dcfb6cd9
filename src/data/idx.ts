/**
 * Reading IDX files (the format of the MNIST distribution, http://yann.lecun.com/exdb/mnist/):
 * a big-endian header — two zero bytes, a type byte (0x08 = unsigned byte), the number of
 * dimensions k — then k 32-bit big-endian sizes, then the values row-major.
 *
 * Only unsigned-byte files are read, straight into a Uint8Array view of the file's bytes (no copy,
 * no conversion: 60,000 MNIST images are 47 MB as bytes, 188 MB as float32). Every defect names the
 * file and raises a DatasetError, which the CLI reports as bad input (exit 2).
 */
import * as fs from 'fs';
import { DatasetError } from './validate';

/** Type byte of unsigned-byte IDX data. */
const IDX_UBYTE = 0x08;

/** An unsigned-byte IDX array: its sizes and its values, a view of the bytes read from `file`. */
export interface IdxUbyteArray {
  file: string;
  /** Sizes, outermost first (e.g. [60000, 28, 28] for MNIST training images). */
  dims: number[];
  /** ∏dims values, row-major. */
  data: Uint8Array;
}

/** Reads an unsigned-byte IDX file whose header declares exactly `rank` dimensions. */
export function readIdxUbyte(file: string, rank: number): IdxUbyteArray {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw unreadable(file, e);
  }
  return parseIdxUbyte(bytes, file, rank);
}

/**
 * The sizes of an unsigned-byte IDX file of rank `rank`, checked against the file's length, reading only
 * its header: the same checks as readIdxUbyte (except on the values), for catching a bad file up front.
 */
export function readIdxUbyteDims(file: string, rank: number): number[] {
  let header: Buffer;
  let fileLength: number;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      fileLength = fs.fstatSync(fd).size;
      header = Buffer.alloc(Math.min(fileLength, 4 + 4 * rank));
      fs.readSync(fd, header, 0, header.length, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    throw unreadable(file, e);
  }
  return parseIdxHeader(header, fileLength, file, rank);
}

/** Parses IDX bytes (see readIdxUbyte); `file` only names the source in error messages. */
export function parseIdxUbyte(bytes: Uint8Array, file: string, rank: number): IdxUbyteArray {
  const dims = parseIdxHeader(bytes, bytes.length, file, rank);
  return { file, dims, data: bytes.subarray(4 + 4 * rank) };
}

/** The sizes in `header` (the file's first bytes), checked: magic number, rank, and `fileLength`. */
function parseIdxHeader(header: Uint8Array, fileLength: number, file: string, rank: number): number[] {
  const fail = (msg: string): never => {
    throw new DatasetError(`${file}: ${msg}`);
  };
  const headerLength = 4 + 4 * rank;
  if (fileLength < headerLength) {
    fail(`${fileLength} bytes, shorter than an IDX header of rank ${rank} (${headerLength} bytes)`);
  }
  const view = new DataView(header.buffer, header.byteOffset, headerLength);
  const magic = view.getUint32(0);
  const expectedMagic = (IDX_UBYTE << 8) | rank;
  if (magic !== expectedMagic) {
    fail(`magic number 0x${hex(magic)}, expected 0x${hex(expectedMagic)} (unsigned-byte IDX data of rank ${rank})`);
  }
  const dims = Array.from({ length: rank }, (_, k) => view.getUint32(4 + 4 * k));
  const expectedLength = headerLength + dims.reduce((a, b) => a * b, 1);
  if (fileLength !== expectedLength) {
    const what = fileLength < expectedLength ? 'truncated' : 'longer than its header says';
    fail(`${what}: ${fileLength} bytes, but its header (sizes ${dims.join('×')}) needs ${expectedLength}`);
  }
  return dims;
}

function unreadable(file: string, e: unknown): DatasetError {
  const code = (e as { code?: unknown }).code;
  const reason = code === 'ENOENT' ? 'no such file' : String((e as Error).message ?? e);
  return new DatasetError(`cannot read the IDX file ${file}: ${reason}`);
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}
