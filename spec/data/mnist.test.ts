import {
  loadMnistPool,
  mnistHeldOut,
  mnistSubsets,
  MNIST_CLASSES,
  MNIST_PIXELS,
  MNIST_POOL_SIZE,
  type MnistPool,
} from '../../src/data/mnist';
import { validateDataset } from '../../src/data/validate';
import type { Dataset } from '../../src/data/types';

const d = MNIST_PIXELS;
/** Digits per class among the first 10,000 MNIST training images (the `mnist` package). */
const POOL_CLASS_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
/** Digits per class in the official MNIST test set. */
const TEST_CLASS_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];
/** Sizes around the water-filling regime: class 5 (863 digits) runs out above m = 8630. */
const SIZES = [10, 11, 15, 99, 1000, 8630, 8631, 9000, 9999, 10000];

let pool: MnistPool;
/** Pool index of each image, keyed by its bytes (the pool holds no two equal images: checked below). */
let poolIndexOf: Map<string, number>;
let subsets: Dataset[];
let rawSubsets: Dataset[];

// Module-level aliases: under jest each global lookup (Math.*) costs ≈ 1 µs, too much per pixel.
const { abs, round, sqrt } = Math;

const keyBytes = Buffer.alloc(d);
/** The 784 pixel bytes of row j (values byte/255, possibly scaled by `scale`) as a string key. */
function imageKey(x: Float32Array, j: number, scale = 1): string {
  for (let k = 0; k < d; k++) keyBytes[k] = round(x[j * d + k] * scale * 255);
  return keyBytes.toString('latin1');
}

/** Number of entries of `a` failing `ok` (a plain loop: 7.8M calls of `every` are slow under jest). */
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

function rowNorm(x: Float32Array, j: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) s += x[j * d + k] ** 2;
  return sqrt(s);
}

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

beforeAll(() => {
  pool = loadMnistPool();
  poolIndexOf = new Map();
  for (let i = 0; i < pool.count; i++) poolIndexOf.set(imageKey(pool.pixels, i), i);
  subsets = mnistSubsets({ sizes: SIZES, seed: 1 });
  rawSubsets = mnistSubsets({ sizes: SIZES, seed: 1, unitNorm: false });
});

describe('loadMnistPool', () => {
  it('holds the first 10,000 MNIST training digits: 10,000×784 pixels, the known class counts, 10,000 distinct images', () => {
    expect(pool.count).toBe(MNIST_POOL_SIZE);
    expect(pool.pixels).toHaveLength(MNIST_POOL_SIZE * d);
    const counts = new Array<number>(10).fill(0);
    pool.labels.forEach((c) => counts[c]++);
    expect(counts).toEqual(POOL_CLASS_COUNTS);
    expect(poolIndexOf.size).toBe(MNIST_POOL_SIZE);
  });

  it('stores byte/255 pixels: every value is in [0, 1] and 255·v is an integer (float32 error ≤ 255·2⁻²⁴ < 2e-5)', () => {
    expect(countFailing(pool.pixels, (v) => v >= 0 && v <= 1)).toBe(0);
    expect(maxOf(pool.pixels)).toBe(1);
    expect(countFailing(pool.pixels, (v) => abs(v * 255 - round(v * 255)) < 2e-5)).toBe(0);
  });

  it('looks like handwritten digits: the mean image is blank at the border and inked in the centre; 1s use the least ink', () => {
    const mean = new Float64Array(d);
    const ink = new Array<number>(10).fill(0);
    for (let i = 0; i < pool.count; i++) {
      for (let k = 0; k < d; k++) {
        mean[k] += pool.pixels[i * d + k] / pool.count;
        ink[pool.labels[i]] += pool.pixels[i * d + k] / POOL_CLASS_COUNTS[pool.labels[i]];
      }
    }
    const border = Array.from(mean).filter((_, k) => [0, 27].includes(k % 28) || [0, 27].includes(Math.floor(k / 28)));
    expect(Math.max(...border)).toBeLessThan(0.01);
    expect(mean[14 * 28 + 14]).toBeGreaterThan(0.3);
    expect(ink.indexOf(Math.min(...ink))).toBe(1);
  });

  it('is loaded once per process (the same object every call)', () => {
    expect(loadMnistPool()).toBe(pool);
  });
});

describe('mnistSubsets', () => {
  it('returns one m×784 dataset with one-hot 10-class labels per requested size', () => {
    subsets.forEach((ds, s) => {
      expect(ds).toMatchObject({ m: SIZES[s], d, outputs: MNIST_CLASSES, name: `mnist(m=${SIZES[s]},seed=1)` });
      expect(ds.x).toHaveLength(SIZES[s] * d);
      expect(ds.classes).toHaveLength(SIZES[s]);
    });
    expect(rawSubsets[0].name).toBe('mnist(m=10,seed=1,raw)');
  });

  it('is class-balanced: a class with digits to spare has at least max count − 1 (water-filling when a class runs out)', () => {
    for (const ds of subsets) {
      const counts = classCounts(ds);
      const top = Math.max(...counts);
      counts.forEach((c, k) => {
        expect(c).toBeLessThanOrEqual(POOL_CLASS_COUNTS[k]);
        if (c < POOL_CLASS_COUNTS[k]) expect(c).toBeGreaterThanOrEqual(top - 1);
      });
      expect(counts.reduce((a, b) => a + b, 0)).toBe(ds.m);
    }
    expect(classCounts(subsets[0])).toEqual(new Array(10).fill(1));
    expect(classCounts(subsets[SIZES.indexOf(10000)])).toEqual(POOL_CLASS_COUNTS);
  });

  it('is nested: the subset of size m is the first m rows of every larger subset (so contained in it)', () => {
    for (let s = 1; s < SIZES.length; s++) {
      const small = subsets[s - 1];
      const large = subsets[s];
      expect(bytes(large.x.subarray(0, small.m * d)).equals(bytes(small.x))).toBe(true);
      expect(Array.from(large.classes!.subarray(0, small.m))).toEqual(Array.from(small.classes!));
    }
  });

  it('is nested whatever order and combination of sizes is asked for', () => {
    const [a, b] = mnistSubsets({ sizes: [300, 40], seed: 1 });
    expect(bytes(a.x.subarray(0, 40 * d)).equals(bytes(b.x))).toBe(true);
    expect(bytes(b.x).equals(bytes(subsets[0].x))).toBe(false);
    expect(bytes(subsets[SIZES.indexOf(1000)].x.subarray(0, 40 * d)).equals(bytes(b.x))).toBe(true);
  });

  it('draws distinct real pool images, each labelled with its own digit', () => {
    for (const ds of [rawSubsets[SIZES.indexOf(1000)], rawSubsets[SIZES.indexOf(10000)]]) {
      const seen = new Set<number>();
      const mislabelled: number[] = [];
      for (let j = 0; j < ds.m; j++) {
        const i = poolIndexOf.get(imageKey(ds.x, j));
        if (i === undefined || ds.classes![j] !== pool.labels[i]) mislabelled.push(j);
        else seen.add(i);
      }
      expect(mislabelled).toEqual([]);
      expect(seen.size).toBe(ds.m);
    }
  });

  it('is deterministic under the seed, and different seeds give different subsets', () => {
    const [again] = mnistSubsets({ sizes: [1000], seed: 1 });
    expect(bytes(again.x).equals(bytes(subsets[SIZES.indexOf(1000)].x))).toBe(true);
    const [other] = mnistSubsets({ sizes: [1000], seed: 2 });
    const keys = new Set(Array.from({ length: 1000 }, (_, j) => imageKey(rawSubsets[SIZES.indexOf(1000)].x, j)));
    const [otherRaw] = mnistSubsets({ sizes: [1000], seed: 2, unitNorm: false });
    const shared = Array.from({ length: 1000 }, (_, j) => imageKey(otherRaw.x, j)).filter((k) => keys.has(k)).length;
    expect(bytes(other.x).equals(bytes(again.x))).toBe(false);
    // Two independent balanced 10% samples share ≈ 10% of their digits.
    expect(shared).toBeLessThan(200);
  });

  it('labels are one-hot rows consistent with classes', () => {
    for (const ds of subsets) {
      let inconsistent = 0;
      for (let e = 0; e < ds.y.length; e++) {
        if (ds.y[e] !== (e % MNIST_CLASSES === ds.classes![Math.floor(e / MNIST_CLASSES)] ? 1 : 0)) inconsistent++;
      }
      expect(inconsistent).toBe(0);
    }
  });

  it('normalises inputs to unit norm (|‖x_j‖ − 1| ≤ 1e-6: float32 rounding of a float64 division) along the raw image direction', () => {
    const unit = subsets[SIZES.indexOf(1000)];
    const raw = rawSubsets[SIZES.indexOf(1000)];
    const worstNormError = Math.max(...Array.from({ length: unit.m }, (_, j) => Math.abs(rowNorm(unit.x, j) - 1)));
    expect(worstNormError).toBeLessThanOrEqual(1e-6);
    const offDirection = Array.from({ length: unit.m }, (_, j) => j).filter(
      (j) => imageKey(unit.x, j, rowNorm(raw.x, j)) !== imageKey(raw.x, j),
    );
    expect(offDirection).toEqual([]);
  });

  it('keeps raw [0, 1] pixels when unitNorm = false', () => {
    const raw = rawSubsets[SIZES.indexOf(1000)];
    expect(countFailing(raw.x, (v) => v >= 0 && v <= 1)).toBe(0);
    expect(maxOf(raw.x)).toBe(1);
  });

  it('all 10,000 digits satisfy H1 and H3: no two are parallel or duplicates (|cos| < 1 − 1e-6)', () => {
    expect(() => validateDataset(subsets[SIZES.indexOf(10000)])).not.toThrow();
  });

  it('rejects sizes that are not integers in [10, 10000], and an empty size list', () => {
    expect(() => mnistSubsets({ sizes: [5], seed: 1 })).toThrow(/mnistSubsets: size m = 5 is invalid; m must be an integer in \[10, 10000\]/);
    expect(() => mnistSubsets({ sizes: [100, 10001], seed: 1 })).toThrow(/size m = 10001 is invalid/);
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

  it('is disjoint from the training pool, so from every training subset: no test image equals a pool image', () => {
    const shared = Array.from({ length: all.m }, (_, j) => j).filter((j) => poolIndexOf.has(imageKey(all.x, j)));
    expect(shared).toEqual([]);
  });

  it('is class-balanced, unit-norm by default, nested in count and deterministic under the seed', () => {
    const small = mnistHeldOut({ count: 500, seed: 3 });
    const large = mnistHeldOut({ count: 1200, seed: 3 });
    expect(classCounts(small)).toEqual(new Array(10).fill(50));
    const worstNormError = Math.max(...Array.from({ length: small.m }, (_, j) => Math.abs(rowNorm(small.x, j) - 1)));
    expect(worstNormError).toBeLessThanOrEqual(1e-6);
    expect(bytes(large.x.subarray(0, 500 * d)).equals(bytes(small.x))).toBe(true);
    expect(bytes(mnistHeldOut({ count: 500, seed: 3 }).x).equals(bytes(small.x))).toBe(true);
    expect(bytes(mnistHeldOut({ count: 500, seed: 4 }).x).equals(bytes(small.x))).toBe(false);
  });

  it('rejects counts that are not integers in [1, 10000]', () => {
    expect(() => mnistHeldOut({ count: 0, seed: 1 })).toThrow(/mnistHeldOut: count = 0 is invalid; it must be an integer in \[1, 10000\]/);
    expect(() => mnistHeldOut({ count: 10001, seed: 1 })).toThrow(/count = 10001 is invalid/);
    expect(() => mnistHeldOut({ count: 2.5, seed: 1 })).toThrow(/count = 2.5 is invalid/);
  });
});
