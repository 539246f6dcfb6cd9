/**
 * Dataset and weights files by extension: .npz arrays become the same Dataset / TwoLayerWeights as the JSON
 * formats, and every array that does not fit is an exit-2 error naming it; --init-weights records the file's
 * SHA-256 and refuses a file that changed since.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDatasetFile } from '../../src/data/io';
import { generateSynthetic } from '../../src/data/synthetic';
import { initWeightsSetting, readDataset, readInitWeights, readWeights } from '../../src/interop/files';
import { encodeNpz, type NpyArray } from '../../src/interop/npz';
import { initNetwork } from '../../src/model/init';
import { writeWeightsFile } from '../../src/model/io';
import { Rng } from '../../src/rng';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pruneproof-files-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const f4 = (shape: number[], values: ArrayLike<number>): NpyArray => ({
  dtype: '<f4',
  shape,
  values: Float32Array.from(values),
});
const f8 = (shape: number[], values: ArrayLike<number>): NpyArray => ({
  dtype: '<f8',
  shape,
  values: Float64Array.from(values),
});

function npz(name: string, arrays: Record<string, NpyArray>): string {
  const path = join(dir, name);
  writeFileSync(path, encodeNpz(new Map(Object.entries(arrays))));
  return path;
}

describe('reading files by extension', () => {
  it('an .npz dataset equals the JSON one (float32 x, float64 y; one-hot y gets its classes)', () => {
    const ds = generateSynthetic({ m: 7, d: 3, labels: 'teacher', seed: 4 });
    const json = join(dir, 'd.json');
    writeDatasetFile(json, ds);
    const fromNpz = readDataset(npz('d.npz', { x: f4([7, 3], ds.x), y: f8([7], ds.y) }));
    const fromJson = readDataset(json);
    expect({ ...fromNpz, name: '' }).toEqual({ ...fromJson, name: '' });
    const oneHot = readDataset(
      npz('c.npz', {
        x: f4([2, 1], [1, 1]),
        y: { dtype: '<i8', shape: [2, 3], values: Float64Array.from([0, 1, 0, 1, 0, 0]) },
      }),
    );
    expect(Array.from(oneHot.classes!)).toEqual([1, 0]);
  });

  it('.npz weights equal the JSON ones; a and b name the parameterisation', () => {
    for (const parameterisation of ['ntk', 'meanfield'] as const) {
      const w = initNetwork({ parameterisation, width: 5, inputDim: 3, outputs: 2, rng: new Rng(8) });
      const json = join(dir, `${parameterisation}.json`);
      writeWeightsFile(json, w);
      const field = parameterisation === 'ntk' ? 'a' : 'b';
      const path = npz(`${parameterisation}.npz`, { W: f4([5, 3], w.w), [field]: f8([5, 2], w.v) });
      expect(readWeights(path)).toEqual(readWeights(json));
      expect(readWeights(path, parameterisation)).toEqual(readWeights(json));
    }
  });

  it('exit-2 errors name the array: missing, wrong shape, both a and b, a not ±1, non-finite, a conflicting --parameterisation', () => {
    const x = f4([2, 2], [1, 0, 0, 1]);
    expect(() => readDataset(npz('e1.npz', { x, Y: f8([2], [1, 2]) }))).toThrow(
      "e1.npz: missing array 'y' (found: x, Y)",
    );
    expect(() => readDataset(npz('e2.npz', { x, y: f8([3], [1, 2, 3]) }))).toThrow(
      "array 'y' has shape (3); expected (2,) or (2, C), one row per row of x",
    );
    expect(() => readDataset(npz('e3.npz', { x: f4([4], [1, 2, 3, 4]), y: f8([4], [1, 2, 3, 4]) }))).toThrow(
      "array 'x' has shape (4); expected (m, d)",
    );
    expect(() => readDataset(npz('e4.npz', { x, y: f8([2], [1, NaN]) }))).toThrow(
      "array 'y': entry 1 (flat, C order) = NaN is not a finite float32",
    );
    const W = f4([2, 2], [1, 2, 3, 4]);
    expect(() => readWeights(npz('w1.npz', { W, a: f8([2], [1, -1]), b: f8([2], [1, 1]) }))).toThrow(
      "has both 'a' (ntk) and 'b' (mean-field)",
    );
    expect(() => readWeights(npz('w2.npz', { W }))).toThrow("w2.npz: missing array 'a' (ntk) or 'b' (mean-field)");
    expect(() => readWeights(npz('w3.npz', { W, a: f8([2], [1, 0.5]) }))).toThrow(
      "a[1] must be ±1 for parameterisation 'ntk', got 0.5",
    );
    expect(() => readWeights(npz('w4.npz', { W, a: f8([3], [1, 1, 1]) }))).toThrow('a has 3 entries, expected 2');
    expect(() => readWeights(npz('w5.npz', { W, b: f8([2], [1, 1]) }), 'ntk')).toThrow(
      "holds 'meanfield' weights but --parameterisation is 'ntk'",
    );
  });

  it('initWeights records the SHA-256 of the file; a file changed since is refused, naming both hashes', () => {
    const path = join(dir, 'init.json');
    writeWeightsFile(
      path,
      initNetwork({ parameterisation: 'ntk', width: 3, inputDim: 2, outputs: 1, rng: new Rng(1) }),
    );
    const setting = initWeightsSetting(path);
    expect(setting.sha256).toBe(createHash('sha256').update(readFileSync(path)).digest('hex'));
    expect(readInitWeights(setting, 'ntk').width).toBe(3);
    writeWeightsFile(
      path,
      initNetwork({ parameterisation: 'ntk', width: 3, inputDim: 2, outputs: 1, rng: new Rng(2) }),
    );
    expect(() => readInitWeights(setting, 'ntk')).toThrow(
      `not the ${setting.sha256} this configuration records (the file changed)`,
    );
    expect(() => initWeightsSetting(join(dir, 'missing.onnx'))).toThrow(`cannot read ${join(dir, 'missing.onnx')}`);
  });
});
