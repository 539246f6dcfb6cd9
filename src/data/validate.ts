/**
 * Checks that a dataset satisfies the hypotheses THEORY.md §1/§4 puts on data: finite values,
 * ‖x_j‖ = 1 (H1), |y_j| ≤ C (H2), and no two inputs parallel (H3: λ0 > 0). Every failure
 * names the field and index, so a user can find the offending row in their file.
 */
import type { Dataset } from './types';
import { findParallelPairs, type ParallelPair, type ParallelPairs } from './pairwise';
import { copyRowScaled, rowNorms } from './rows';

// Module-level aliases: under jest every global lookup (Math, Number) costs ≈ 1 µs (test globals live
// in a vm context), which turns per-entry loops over 10^7 values into seconds.
const abs = Math.abs;
const isFiniteNumber = Number.isFinite;

/** A dataset that breaks a hypothesis of the theorem on data (THEORY.md §1.1), with the field named. */
export class DatasetError extends Error {
  /** For parallel-input failures: the offending pairs found (first ones) and their total count. */
  readonly parallel?: ParallelPairs;

  constructor(message: string, parallel?: ParallelPairs) {
    super(message);
    this.name = 'DatasetError';
    if (parallel) this.parallel = parallel;
  }
}

export interface ValidateOptions {
  /** Require ‖x_j‖ = 1 (H1). Default true. */
  requireUnitNorm?: boolean;
  /** C of H2: every |y| entry must be ≤ C. Default 1. */
  labelBound?: number;
  /**
   * Allowed |‖x_j‖ − 1|. Default 1e-4: rows normalised in float64 and stored in float32 are off by
   * ≤ 2⁻²⁴ ≈ 6e-8; the slack also accepts rows normalised in float32 or printed to ~6 digits in a file.
   */
  normTolerance?: number;
  /** Prefix for messages (e.g. the file or command); default the dataset's name. */
  context?: string;
  /** How the caller can normalise rows, added to the unit-norm error (e.g. "pass --normalise"); default none. */
  normaliseHint?: string;
}

/**
 * The label checks of validateDataset alone (finite, consistent with `classes`, within C, not all zero): cheap,
 * so a sweep runs them on every (m, seed) before computing anything.
 */
export function validateLabels(ds: Dataset, opts: Pick<ValidateOptions, 'labelBound' | 'context'> = {}): void {
  const error =
    checkShapes(ds) ??
    nonFinite(ds.y, ds.outputs, 'y') ??
    checkClasses(ds) ??
    labelOverBound(ds, opts.labelBound ?? 1) ??
    allZeroLabels(ds);
  if (error) throw new DatasetError(`${opts.context ?? ds.name}: ${error}`);
}

/**
 * Checks a dataset against the theorem's data hypotheses (THEORY.md §1.1, §4.1): finite values, consistent shapes,
 * ‖x_j‖ = 1 (H1), |y_j| ≤ C (H2), no two inputs parallel (H3: λ0 > 0).
 *
 * @param ds - the dataset.
 * @param opts - which hypotheses to require and the context named in errors.
 * @throws DatasetError naming the first violation.
 */
export function validateDataset(ds: Dataset, opts: ValidateOptions = {}): void {
  const fail = (msg: string, parallel?: ParallelPairs): never => {
    throw new DatasetError(`${opts.context ?? ds.name}: ${msg}`, parallel);
  };
  const labelBound = opts.labelBound ?? 1;
  const normTolerance = opts.normTolerance ?? 1e-4;
  if (!(labelBound >= 0)) fail(`validateDataset: labelBound must be ≥ 0, got ${labelBound}`);
  if (!(normTolerance >= 0)) fail(`validateDataset: normTolerance must be ≥ 0, got ${normTolerance}`);

  const shapeError = checkShapes(ds);
  if (shapeError) fail(shapeError);
  const valueError =
    nonFinite(ds.x, ds.d, 'x') ??
    nonFinite(ds.y, ds.outputs, 'y') ??
    checkClasses(ds) ??
    labelOverBound(ds, labelBound) ??
    allZeroLabels(ds);
  if (valueError) fail(valueError);
  const norms = rowNorms(ds.x, ds.m, ds.d);
  const normError =
    zeroRow(norms) ?? (opts.requireUnitNorm === false ? null : nonUnitRow(norms, normTolerance, opts.normaliseHint));
  if (normError) fail(normError);

  const parallel = findParallelPairs(ds.x, ds.m, ds.d);
  if (parallel.total > 0) fail(describeParallel(ds, parallel), parallel);
}

/** A copy of `ds` with every input scaled to unit norm (float64 norms); a zero row is an error. */
export function normaliseRows(ds: Dataset): Dataset {
  if (ds.x.length !== ds.m * ds.d) {
    throw new DatasetError(`normaliseRows(${ds.name}): x has ${ds.x.length} values, expected m·d = ${ds.m * ds.d}`);
  }
  const norms = rowNorms(ds.x, ds.m, ds.d);
  const x = new Float32Array(ds.x.length);
  for (let i = 0; i < ds.m; i++) {
    if (!(norms[i] > 0) || !isFiniteNumber(norms[i])) {
      const what = norms[i] === 0 ? 'is the zero vector' : `has norm ${norms[i]}`;
      throw new DatasetError(`normaliseRows(${ds.name}): x[${i}] ${what} and cannot be normalised`);
    }
    copyRowScaled(ds.x, i, x, i, ds.d, norms[i]);
  }
  return { ...ds, x };
}

function isCount(n: number, min: number): boolean {
  return Number.isInteger(n) && n >= min;
}

function checkShapes(ds: Dataset): string | null {
  if (!isCount(ds.m, 2)) return `m = ${ds.m}, but at least 2 samples are needed`;
  if (!isCount(ds.d, 1)) return `d = ${ds.d}, but the input dimension must be an integer ≥ 1`;
  if (!isCount(ds.outputs, 1)) return `outputs = ${ds.outputs}, but the label dimension C must be an integer ≥ 1`;
  if (ds.x.length !== ds.m * ds.d) {
    return `x has ${ds.x.length} values, expected m·d = ${ds.m}·${ds.d} = ${ds.m * ds.d}`;
  }
  if (ds.y.length !== ds.m * ds.outputs) {
    return `y has ${ds.y.length} values, expected m·C = ${ds.m}·${ds.outputs} = ${ds.m * ds.outputs}`;
  }
  if (ds.classes && ds.classes.length !== ds.m) return `classes has ${ds.classes.length} entries, expected m = ${ds.m}`;
  return null;
}

/** "x[12][3]" for a matrix entry, "y[7]" for a scalar label. */
function entryName(field: string, flatIndex: number, cols: number): string {
  return cols === 1 ? `${field}[${flatIndex}]` : `${field}[${Math.floor(flatIndex / cols)}][${flatIndex % cols}]`;
}

function nonFinite(values: Float32Array, cols: number, field: string): string | null {
  for (let k = 0; k < values.length; k++) {
    if (!isFiniteNumber(values[k])) return `${entryName(field, k, cols)} is ${values[k]}`;
  }
  return null;
}

function checkClasses(ds: Dataset): string | null {
  if (!ds.classes) return null;
  for (let j = 0; j < ds.m; j++) {
    const c = ds.classes[j];
    if (!(c >= 0 && c < ds.outputs)) return `classes[${j}] = ${c} is not a class index in 0..${ds.outputs - 1}`;
    for (let k = 0; k < ds.outputs; k++) {
      if (ds.y[j * ds.outputs + k] !== (k === c ? 1 : 0))
        return `classes[${j}] = ${c} but y[${j}] is not the one-hot vector of class ${c}`;
    }
  }
  return null;
}

function labelOverBound(ds: Dataset, bound: number): string | null {
  for (let k = 0; k < ds.y.length; k++) {
    const v = abs(ds.y[k]);
    if (v > bound) return `|${entryName('y', k, ds.outputs)}| = ${v} exceeds the label bound C = ${bound}`;
  }
  return null;
}

/**
 * Labels that are all zero make the problem degenerate: the zero network already fits them, the label energy
 * ‖y‖²/(2m) that relative targets scale is 0, and no pre-training or pruning is needed or measurable.
 */
function allZeroLabels(ds: Dataset): string | null {
  if (ds.y.some((v) => v !== 0)) return null;
  const what =
    ds.outputs > 1 ? `every one of the ${ds.m} label vectors is all zero (no class set)` : 'every label is 0';
  return `${what}: the zero network already fits y, the label energy ‖y‖²/(2m) is 0 and the problem is degenerate; pass labels that are not all zero`;
}

function zeroRow(norms: Float64Array): string | null {
  const i = norms.findIndex((n) => n === 0);
  return i < 0 ? null : `x[${i}] is the zero vector: its ReLU features vanish, λ0 = 0 and the theory's H3 fails`;
}

function nonUnitRow(norms: Float64Array, tolerance: number, hint?: string): string | null {
  const i = norms.findIndex((n) => abs(n - 1) > tolerance);
  if (i < 0) return null;
  const how = hint ? `; ${hint}` : '';
  return `x[${i}] has norm ${formatNorm(norms[i])}; the theory requires ‖x_j‖ = 1 (scale the rows to unit norm first${how})`;
}

/** Three significant digits, or enough to show how far a norm close to 1 is from 1. */
function formatNorm(n: number): string {
  return Math.abs(n - 1) >= 0.005 ? Number(n.toPrecision(3)).toString() : n.toPrecision(7);
}

/** Six decimals as in the messages, more when that would print a near-parallel cosine as exactly ±1. */
function formatCos(cos: number): string {
  const short = cos.toFixed(6);
  return Math.abs(cos) !== 1 && Math.abs(Number(short)) === 1 ? cos.toPrecision(10) : short;
}

/**
 * λ_min of the 2×2 principal block of H∞ on a pair (Cauchy interlacing: an upper bound on λ0).
 * H∞_jk = x_jᵀx_k (π − arccos cos_jk) / (2π), so H∞_jj = ‖x_j‖²/2.
 */
function pairLambdaBound(normI: number, normJ: number, cos: number): number {
  const a = (normI * normI) / 2;
  const b = (normJ * normJ) / 2;
  const c = (normI * normJ * cos * (Math.PI - Math.acos(cos))) / (2 * Math.PI);
  const lambda = (a + b) / 2 - Math.hypot((a - b) / 2, c);
  // Exactly parallel pairs give 0 up to float64 rounding of a + b.
  return lambda <= 1e-12 * (a + b) ? 0 : lambda;
}

function describePair(ds: Dataset, p: ParallelPair): string {
  const head = `x[${p.i}] and x[${p.j}]`;
  const cos = formatCos(p.cos);
  if (p.kind === 'antiparallel') {
    return `${head} are antiparallel (cos = ${cos}): Du et al.'s guarantee λ0 > 0 assumes no two inputs are parallel or antiparallel, so the theory's H3 is not established`;
  }
  if (p.kind === 'duplicate')
    return `${head} are duplicates (identical inputs, cos = ${cos}): λ0 = 0 and the theory's H3 fails`;
  const normOf = (i: number) => rowNorms(ds.x.subarray(i * ds.d, (i + 1) * ds.d), 1, ds.d)[0];
  const bound = pairLambdaBound(normOf(p.i), normOf(p.j), p.cos);
  const lambda = bound === 0 ? 'λ0 = 0' : `λ0 ≤ ${bound.toExponential(1)} (their 2×2 block of H∞), so λ0 ≈ 0`;
  return `${head} are parallel (cos = ${cos}): ${lambda} and the theory's H3 fails`;
}

function describeParallel(ds: Dataset, found: ParallelPairs): string {
  const first = describePair(ds, found.pairs[0]);
  if (found.total === 1) return first;
  const more = found.pairs
    .slice(1, 6)
    .map((p) => `(${p.i}, ${p.j}) ${p.kind}`)
    .join(', ');
  const count = found.complete ? `${found.total}` : `at least ${found.total}`;
  return `${first} [${count} such pairs in all; next: ${more}${found.total > 6 ? ', …' : ''}]`;
}
