import fc from 'fast-check';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { datasetFromJson, datasetToJson, readDatasetFile, writeDatasetFile } from '../../src/data/io';
import { DatasetError } from '../../src/data/validate';
import type { Dataset } from '../../src/data/types';

const float32 = fc.float({ noNaN: true, noDefaultInfinity: true });

/** Arbitrary datasets with float32 values; C = 1 (flat y) or C ≥ 2 (matrix y). */
const datasetArb = fc
  .record({
    m: fc.integer({ min: 1, max: 6 }),
    d: fc.integer({ min: 1, max: 5 }),
    outputs: fc.integer({ min: 1, max: 4 }),
  })
  .chain(({ m, d, outputs }) =>
    fc.record({
      name: fc.string({ maxLength: 12 }),
      x: fc.array(float32, { minLength: m * d, maxLength: m * d }),
      y: fc.array(float32, { minLength: m * outputs, maxLength: m * outputs }),
      m: fc.constant(m),
      d: fc.constant(d),
      outputs: fc.constant(outputs),
    }),
  )
  .map((r): Dataset => ({ ...r, x: Float32Array.from(r.x), y: Float32Array.from(r.y), classes: null }));

/** Equal as numbers, entry by entry (JSON cannot keep the sign of −0, so −0 reads back as 0). */
function sameValues(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((v, k) => v === b[k]);
}

function throughText(ds: Dataset): Dataset {
  return datasetFromJson(JSON.parse(JSON.stringify(datasetToJson(ds))), 'mem.json');
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pruneproof-io-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeText(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('dataset JSON round trip', () => {
  it('datasetFromJson ∘ JSON text ∘ datasetToJson is the identity on float32 values, shapes and name', () => {
    fc.assert(
      fc.property(datasetArb, (ds) => {
        const back = throughText(ds);
        expect(back).toMatchObject({ name: ds.name, m: ds.m, d: ds.d, outputs: ds.outputs });
        expect(sameValues(back.x, ds.x)).toBe(true);
        expect(sameValues(back.y, ds.y)).toBe(true);
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it('writes y flat when C = 1 and as rows when C ≥ 2', () => {
    const base = { name: 'n', m: 2, d: 1, x: Float32Array.from([1, 2]), classes: null };
    expect(datasetToJson({ ...base, outputs: 1, y: Float32Array.from([0.5, -1]) }).y).toEqual([0.5, -1]);
    expect(datasetToJson({ ...base, outputs: 2, y: Float32Array.from([1, 0, 0, 1]) }).y).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('round-trips through a file exactly (writeDatasetFile, readDatasetFile)', () => {
    fc.assert(
      fc.property(datasetArb, (ds) => {
        const file = path.join(dir, 'roundtrip.json');
        writeDatasetFile(file, ds);
        const back = readDatasetFile(file);
        expect(sameValues(back.x, ds.x) && sameValues(back.y, ds.y)).toBe(true);
        expect(back.name).toBe(ds.name);
      }),
      { seed: 43, numRuns: 30 },
    );
  });

  it('fills classes when every row of a matrix y is one-hot, and only then', () => {
    const x = [[1], [2], [3]];
    const oneHot = datasetFromJson(
      {
        x,
        y: [
          [0, 1, 0],
          [1, 0, 0],
          [0, 0, 1],
        ],
      },
      'a.json',
    );
    expect(Array.from(oneHot.classes ?? [])).toEqual([1, 0, 2]);
    expect(
      datasetFromJson(
        {
          x,
          y: [
            [0, 1, 0],
            [1, 0, 0],
            [0, 0.5, 1],
          ],
        },
        'b.json',
      ).classes,
    ).toBeNull();
    expect(
      datasetFromJson(
        {
          x,
          y: [
            [0, 1],
            [1, 1],
            [0, 1],
          ],
        },
        'c.json',
      ).classes,
    ).toBeNull();
    expect(
      datasetFromJson(
        {
          x,
          y: [
            [0, 0],
            [1, 0],
            [0, 1],
          ],
        },
        'd.json',
      ).classes,
    ).toBeNull();
    expect(datasetFromJson({ x, y: [1, 1, 1] }, 'e.json').classes).toBeNull();
  });

  it('names the dataset after its source when the file has no name', () => {
    expect(datasetFromJson({ x: [[1]], y: [0] }, 'data.json').name).toBe('data.json');
  });
});

describe('malformed dataset files', () => {
  const x10 = Array.from({ length: 100 }, (_, j) => Array.from({ length: 10 }, (_, k) => j + k));
  const y100 = Array.from({ length: 100 }, () => 0);

  function errorFor(obj: unknown, source = 'data.json'): string {
    try {
      datasetFromJson(obj, source);
    } catch (e) {
      expect(e).toBeInstanceOf(DatasetError);
      return (e as Error).message;
    }
    throw new Error('expected an error');
  }

  it('a row of x with the wrong length: names the file, the row and both lengths', () => {
    const x = x10.map((r, j) => (j === 3 ? r.slice(1) : r));
    expect(errorFor({ x, y: y100 })).toBe('data.json: x[3] has 9 entries, expected 10');
  });

  it('y and x with different numbers of rows', () => {
    expect(errorFor({ x: x10, y: y100.slice(1) })).toBe('data.json: y has 99 rows but x has 100');
    expect(errorFor({ x: x10, y: y100.slice(1).map((v) => [v, 1]) })).toBe('data.json: y has 99 rows but x has 100');
  });

  it('a ragged matrix y', () => {
    expect(errorFor({ x: [[1], [2]], y: [[1, 0], [1]] })).toBe('data.json: y[1] has 1 entries, expected 2');
  });

  it('missing, empty or mistyped fields', () => {
    expect(errorFor({ y: [1] })).toBe("data.json: missing field 'x'");
    expect(errorFor({ x: [[1]] })).toBe("data.json: missing field 'y'");
    expect(errorFor({ x: [], y: [] })).toBe('data.json: x is empty');
    expect(errorFor({ x: [[]], y: [1] })).toBe('data.json: x[0] is empty');
    expect(errorFor({ x: 'abc', y: [1] })).toBe('data.json: x must be an array of rows, got the string "abc"');
    expect(errorFor({ x: [1, 2], y: [1, 2] })).toBe('data.json: x[0] must be an array of numbers, got a number');
    expect(errorFor({ x: [[1, 2], 3], y: [1, 2] })).toBe('data.json: x[1] must be an array of numbers, got a number');
    expect(errorFor({ x: [[1, 'a']], y: [1] })).toBe('data.json: x[0][1] must be a number, got the string "a"');
    expect(errorFor({ x: [[1]], y: [null] })).toBe('data.json: y[0] must be a number, got null');
    expect(errorFor({ x: [[1]], y: {} })).toBe('data.json: y must be an array, got an object');
    expect(errorFor({ x: [[1]], y: [1], name: 3 })).toBe('data.json: name must be a string, got a number');
  });

  it('numbers outside the float32 range', () => {
    expect(errorFor({ x: [[1, 1e39]], y: [1] })).toBe('data.json: x[0][1] = 1e+39 is outside the float32 range');
  });

  it('an unknown field (a typo such as "labels") or a non-object document', () => {
    expect(errorFor({ x: [[1]], labels: [1] })).toBe("data.json: unknown field 'labels' (expected x, y, name)");
    expect(errorFor([1, 2])).toBe('data.json: expected an object {"x": [[…]], "y": […]}, got an array');
  });

  it('a file that is not JSON: names the file and quotes the parser', () => {
    const file = writeText('broken.json', '{"x": [[1]], "y": [1');
    expect(() => readDatasetFile(file)).toThrow(new RegExp(`^${escape(file)}: not valid JSON \\(.+\\)$`));
  });

  it('a file that does not exist: names the file and the system error', () => {
    const file = path.join(dir, 'missing.json');
    expect(() => readDatasetFile(file)).toThrow(new RegExp(`^cannot read ${escape(file)}: ENOENT`));
  });

  it('a file that cannot be written: names the file', () => {
    const file = path.join(dir, 'no-such-dir', 'out.json');
    const ds = datasetFromJson({ x: [[1]], y: [1] }, 'x');
    expect(() => writeDatasetFile(file, ds)).toThrow(new RegExp(`^cannot write ${escape(file)}: ENOENT`));
  });

  it('errors in a file name the file path', () => {
    const file = writeText('ragged.json', JSON.stringify({ x: [[1, 2], [3]], y: [1, 2] }));
    expect(() => readDatasetFile(file)).toThrow(`${file}: x[1] has 1 entries, expected 2`);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
