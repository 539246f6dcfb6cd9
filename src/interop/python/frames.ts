/**
 * The framed protocol between pruneproof and its Python shim (python/pruneproof_bridge.py): a 4-byte
 * little-endian length, a UTF-8 JSON header, then the raw bytes of the arrays the header lists in
 * `arrays` ({name, dtype, shape}), little-endian and C order, in the header's order.
 */

/** The dtypes the protocol carries, in NumPy's spelling. */
export type FrameDtype = '<f4' | '<f8';

/** One array of a frame. */
export interface FrameArray {
  name: string;
  dtype: FrameDtype;
  shape: number[];
  data: Float32Array | Float64Array;
}

/** A decoded frame: the header's other fields, and the arrays by name. */
export interface Frame {
  header: Record<string, unknown>;
  arrays: Map<string, FrameArray>;
}

/** The peer broke the protocol (a frame that cannot be decoded). */
export class FrameError extends Error {
  override name = 'FrameError';
}

const ITEM_SIZE: Record<FrameDtype, number> = { '<f4': 4, '<f8': 8 };
const LENGTH_BYTES = 4;
/** Largest header accepted (headers hold names and shapes only). */
const MAX_HEADER_BYTES = 1 << 20;

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('pruneproof: the Python bridge assumes a little-endian host');
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The chunks of one frame: written in order, the array chunks are views of the arrays (no copy). */
export function encodeFrame(header: Record<string, unknown>, arrays: readonly FrameArray[] = []): Buffer[] {
  const specs = arrays.map(({ name, dtype, shape, data }) => {
    if (data.length !== elementCount(shape))
      throw new RangeError(`encodeFrame: ${name} has ${data.length} values for shape [${shape.join(', ')}]`);
    return { name, dtype, shape };
  });
  const text = Buffer.from(JSON.stringify({ ...header, arrays: specs }), 'utf8');
  const length = Buffer.alloc(LENGTH_BYTES);
  length.writeUInt32LE(text.length, 0);
  return [length, text, ...arrays.map((a) => Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength))];
}

function arraySpec(value: unknown, index: number): Omit<FrameArray, 'data'> {
  const spec = value as Partial<FrameArray> | null;
  const ok =
    spec !== null &&
    typeof spec === 'object' &&
    typeof spec.name === 'string' &&
    (spec.dtype === '<f4' || spec.dtype === '<f8') &&
    Array.isArray(spec.shape) &&
    spec.shape.every((s) => Number.isInteger(s) && s >= 0);
  if (!ok) throw new FrameError(`frame header: arrays[${index}] is not {name, dtype '<f4' | '<f8', shape}`);
  return { name: spec.name!, dtype: spec.dtype!, shape: spec.shape! };
}

/** Collects stream chunks and yields complete frames. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes the frame under way needs, once its header is known (so a large frame is joined once, not per chunk). */
  private needed = LENGTH_BYTES;

  push(chunk: Buffer): Frame[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Frame[] = [];
    for (let frame = this.next(); frame; frame = this.next()) frames.push(frame);
    return frames;
  }

  private next(): Frame | null {
    if (this.buffered < this.needed) return null;
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    this.chunks = [all];
    const headerBytes = all.readUInt32LE(0);
    if (headerBytes > MAX_HEADER_BYTES) throw new FrameError(`frame header of ${headerBytes} bytes`);
    if (all.length < LENGTH_BYTES + headerBytes) {
      this.needed = LENGTH_BYTES + headerBytes;
      return null;
    }
    let header: Record<string, unknown>;
    try {
      header = JSON.parse(all.subarray(LENGTH_BYTES, LENGTH_BYTES + headerBytes).toString('utf8')) as Record<
        string,
        unknown
      >;
    } catch (e) {
      throw new FrameError(`frame header is not JSON: ${(e as Error).message}`);
    }
    const specs = (Array.isArray(header.arrays) ? header.arrays : []).map(arraySpec);
    const total = specs.reduce((sum, s) => sum + elementCount(s.shape) * ITEM_SIZE[s.dtype], 0);
    const end = LENGTH_BYTES + headerBytes + total;
    this.needed = end;
    if (all.length < end) return null;
    const arrays = new Map<string, FrameArray>();
    let offset = LENGTH_BYTES + headerBytes;
    for (const spec of specs) {
      const bytes = elementCount(spec.shape) * ITEM_SIZE[spec.dtype];
      // A copy into a fresh, aligned buffer: the chunk's offset need not be a multiple of the item size.
      const copy = new Uint8Array(bytes);
      copy.set(all.subarray(offset, offset + bytes));
      const data = spec.dtype === '<f4' ? new Float32Array(copy.buffer) : new Float64Array(copy.buffer);
      arrays.set(spec.name, { ...spec, data });
      offset += bytes;
    }
    this.chunks = end < all.length ? [all.subarray(end)] : [];
    this.buffered = all.length - end;
    this.needed = LENGTH_BYTES;
    const rest = { ...header };
    delete rest.arrays;
    return { header: rest, arrays };
  }
}
