/**
 * Synthetic regression data satisfying THEORY.md §1: inputs on the unit sphere S^{d−1},
 * labels with max |y| ≤ 1 (C = 1), nested across m like the inputs. Inputs and labels come from separate forks of the seed
 * ('inputs', 'labels'), so e.g. switching the label kind leaves the inputs unchanged.
 */
import { Rng } from '../rng';
import { LABEL_KINDS, type Dataset, type LabelKind } from './types';

// Module-level aliases: under jest every global lookup (Math, Number) costs ≈ 1 µs (test globals live
// in a vm context), which turns per-entry loops over 10^7 values into seconds.

/** A synthetic dataset's size, dimension, label kind and seed. */
export interface SyntheticOptions {
  m: number;
  d: number;
  labels: LabelKind;
  seed: number;
  /** 'teacher': hidden units of the random ReLU teacher. Default 8. */
  teacherWidth?: number;
  /** 'clusters': number of cluster centres K. Default 4. */
  clusters?: number;
  /** 'clusters': noise norm around each centre before re-normalising (≈ angular radius). Default 0.2. */
  clusterSpread?: number;
}

const DEFAULT_TEACHER_WIDTH = 8;
const DEFAULT_CLUSTERS = 4;
const DEFAULT_SPREAD = 0.2;

/**
 * A synthetic dataset: m unit-norm inputs in d dimensions and labels with |y| ≤ 1 (THEORY.md §1.1) from a
 * teacher network, clusters or random signs.
 *
 * @param opts - size, dimension, label kind, seed.
 * @returns the dataset, the same bytes for the same options.
 */
export function generateSynthetic(opts: SyntheticOptions): Dataset {
  checkOptions(opts);
  const root = new Rng(opts.seed);
  const inputRng = root.fork('inputs');
  const labelRng = root.fork('labels');
  const { m, d } = opts;
  let x: Float32Array;
  let y: Float64Array;
  let detail: string;
  switch (opts.labels) {
    case 'teacher': {
      const width = opts.teacherWidth ?? DEFAULT_TEACHER_WIDTH;
      ({ x, y } = teacherLabels(labelRng, inputRng, m, d, width));
      detail = `width=${width}`;
      break;
    }
    case 'random':
      x = sphereInputs(inputRng, m, d);
      y = Float64Array.from({ length: m }, () => labelRng.sign());
      detail = '';
      break;
    case 'clusters': {
      const k = opts.clusters ?? DEFAULT_CLUSTERS;
      const spread = opts.clusterSpread ?? DEFAULT_SPREAD;
      ({ x, y } = clusterData(inputRng, labelRng, m, d, k, spread));
      detail = `K=${k},spread=${spread}`;
      break;
    }
  }
  const params = [`m=${m}`, `d=${d}`, detail, `seed=${opts.seed}`].filter((s) => s !== '').join(',');
  return { name: `${opts.labels}(${params})`, m, d, outputs: 1, x, y: Float32Array.from(y), classes: null };
}

function checkOptions(opts: SyntheticOptions): void {
  const fail = (msg: string): never => {
    throw new RangeError(`generateSynthetic: ${msg}`);
  };
  const requireCount = (name: string, v: number | undefined, min: number) => {
    if (v !== undefined && !(Number.isInteger(v) && v >= min)) fail(`${name} must be an integer ≥ ${min}, got ${v}`);
  };
  requireCount('m', opts.m, 1);
  requireCount('d', opts.d, 1);
  requireCount('teacherWidth', opts.teacherWidth, 1);
  requireCount('clusters', opts.clusters, 1);
  if (!Number.isInteger(opts.seed)) fail(`seed must be an integer, got ${opts.seed}`);
  if (!(LABEL_KINDS as readonly string[]).includes(opts.labels)) {
    fail(`unknown labels '${opts.labels}' (expected one of ${LABEL_KINDS.join(', ')})`);
  }
  const spread = opts.clusterSpread;
  if (spread !== undefined && !(spread > 0 && Number.isFinite(spread))) {
    fail(
      `clusterSpread must be a finite number > 0, got ${spread} (0 would put every point of a cluster on its centre: duplicate inputs)`,
    );
  }
}

/** A standard Gaussian vector in float64. */
function gaussian(rng: Rng, d: number): Float64Array {
  return Float64Array.from({ length: d }, () => rng.normal());
}

/** Scales v to unit norm in place (a Gaussian vector is zero with probability 0; redraws guard anyway). */
function normaliseInPlace(v: Float64Array): boolean {
  let sq = 0;
  for (let k = 0; k < v.length; k++) sq += v[k] * v[k];
  const norm = Math.sqrt(sq);
  if (!(norm > 0)) return false;
  for (let k = 0; k < v.length; k++) v[k] /= norm;
  return true;
}

function unitGaussian(rng: Rng, d: number): Float64Array {
  for (;;) {
    const v = gaussian(rng, d);
    if (normaliseInPlace(v)) return v;
  }
}

/** m points uniform on S^{d−1}: normalised standard Gaussians. */
function sphereInputs(rng: Rng, m: number, d: number): Float32Array {
  const x = new Float32Array(m * d);
  for (let j = 0; j < m; j++) x.set(unitGaussian(rng, d), j * d);
  return x;
}

/**
 * Teacher labels are scaled by the teacher's largest |output| over a fixed reference sample: the first
 * TEACHER_REFERENCE_INPUTS inputs of the same seeded input stream (the first m of which are the data). The scale
 * depends on the teacher and the seed only, so labels are nested across m like the inputs and max |y| ≤ 1 for every
 * m up to the reference size; a per-sample maximum would shrink the label energy as m grows.
 */
export const TEACHER_REFERENCE_INPUTS = 16384;

function teacherLabels(
  rng: Rng,
  inputRng: Rng,
  m: number,
  d: number,
  width: number,
): { x: Float32Array; y: Float64Array } {
  const teacher = randomTeacher(rng, d, width);
  const reference = Math.max(m, TEACHER_REFERENCE_INPUTS);
  const all = sphereInputs(inputRng, reference, d);
  const outputs = evaluateTeacher(teacher, all, reference, d);
  const scale = outputs.reduce((mx, v) => Math.max(mx, Math.abs(v)), 0) || 1;
  return { x: all.slice(0, m * d), y: outputs.slice(0, m).map((v) => v / scale) };
}

interface Teacher {
  w: Float64Array[];
  a: number[];
}

function randomTeacher(rng: Rng, d: number, width: number): Teacher {
  const w = Array.from({ length: width }, () => gaussian(rng, d));
  const a = Array.from({ length: width }, () => rng.sign());
  return { w, a };
}

function evaluateTeacher({ w, a }: Teacher, x: Float32Array, m: number, d: number): Float64Array {
  const width = w.length;
  const y = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let out = 0;
    for (let r = 0; r < width; r++) {
      let pre = 0;
      for (let k = 0; k < d; k++) pre += w[r][k] * x[j * d + k];
      out += a[r] * (pre > 0 ? pre : 0);
    }
    y[j] = out;
  }
  return y;
}

/**
 * K centres uniform on the sphere with labels ±1 (balanced: a seeded half of the centres get +1);
 * point j belongs to a uniformly drawn cluster and is normalise(centre + noise), noise ~
 * N(0, spread²/d · I_d) so that ‖noise‖ ≈ spread whatever d is.
 */
function clusterData(
  inputRng: Rng,
  labelRng: Rng,
  m: number,
  d: number,
  k: number,
  spread: number,
): { x: Float32Array; y: Float64Array } {
  const centres = Array.from({ length: k }, () => unitGaussian(inputRng, d));
  const order = labelRng.permutation(k);
  const centreLabel = new Float64Array(k);
  order.forEach((c, rank) => (centreLabel[c] = rank < Math.ceil(k / 2) ? 1 : -1));
  const x = new Float32Array(m * d);
  const y = new Float64Array(m);
  const noiseStd = spread / Math.sqrt(d);
  for (let j = 0; j < m; j++) {
    const c = inputRng.int(k);
    let point: Float64Array;
    do {
      point = centres[c].map((v) => v + noiseStd * inputRng.normal());
    } while (!normaliseInPlace(point));
    x.set(point, j * d);
    y[j] = centreLabel[c];
  }
  return { x, y };
}
