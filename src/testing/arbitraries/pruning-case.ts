/**
 * `pruningCase()`: one complete pre-train-then-prune experiment as a printable record — dataset spec,
 * parameterisation, width N, subnetwork size n ≤ N, step as a fraction of the stability limit, and the
 * number of GD iterations T. Every field shrinks toward its simplest value (small m, d, N, n, T; teacher
 * labels; 'ntk'), so a failing case shrinks to the smallest one that still fails.
 *
 * n is drawn independently and clamped to N, so both "n ≪ N" and "n = N" occur and n ≤ N always holds
 * (pruners that select distinct neurons can serve every case).
 */
import fc from 'fast-check';
import { LABEL_KINDS } from '../../data/types';
import { PARAMETERISATIONS, type Parameterisation } from '../../model/types';
import { DATASET_DEFAULTS, datasetSpec, type DatasetSpec, type DatasetSpecConstraints } from './dataset-spec';
import { parameterisation } from './parameterisation';
import { resolveRange, type IntRange } from './range';
import { STEP_PERCENT_DEFAULTS, stepFraction } from './step-fraction';
import { SUBNETWORK_SIZE_DEFAULTS, subnetworkSize } from './subnetwork-size';
import { WIDTH_DEFAULTS, width } from './width';

/** A pruning problem as a printable record: a dataset spec, a network and its pre-training, and the subnetwork size n. */
export interface PruningCase {
  dataset: DatasetSpec;
  parameterisation: Parameterisation;
  /** Dense width N. */
  width: number;
  /** Subnetwork size n, 1 ≤ n ≤ N. */
  n: number;
  /** η as a fraction of the GD stability limit of the initial network (0 < fraction < 1). */
  stepFraction: number;
  /** Pre-training iterations T. */
  iterations: number;
}

/** Ranges for `pruningCase`: the dataset, width, n, step fraction, iterations and parameterisations. */
export interface PruningCaseConstraints {
  dataset?: DatasetSpecConstraints;
  parameterisations?: readonly Parameterisation[];
  width?: Partial<IntRange>;
  n?: Partial<IntRange>;
  /** Step size in percent of the stability limit (default 10–90). */
  stepPercent?: Partial<IntRange>;
  iterations?: Partial<IntRange>;
}

export const ITERATION_DEFAULTS: IntRange = { min: 0, max: 300 };

/**
 * Pruning cases: a dataset, a width N, n ≤ N, a step size as a fraction of the stability limit and T iterations;
 * every field shrinks toward its simplest value. `pretrainCase` of src/testing/pretrain.ts trains one.
 *
 * @param constraints - ranges of the fields.
 * @returns the arbitrary.
 */
export function pruningCase(constraints: PruningCaseConstraints = {}): fc.Arbitrary<PruningCase> {
  const iterations = resolveRange('pruningCase', 'iterations', constraints.iterations, ITERATION_DEFAULTS, 0);
  return fc
    .record({
      dataset: datasetSpec(constraints.dataset),
      parameterisation: parameterisation(constraints.parameterisations),
      width: width(constraints.width),
      n: subnetworkSize(constraints.n),
      stepFraction: stepFraction(constraints.stepPercent),
      iterations: fc.integer(iterations),
    })
    .map(
      (c) => ({ ...c, n: Math.min(c.n, c.width) }),
      // A valid case is its own source: with n ≤ N the clamp is the identity.
      (value) => parsePruningCase(value, 'pruningCase'),
    );
}

/** Largest sizes a stored or user-supplied case may have (a replayed case must stay a test-sized run). */
const CASE_LIMITS = { m: 5000, d: 1000, width: 20000, iterations: 100000 } as const;

function fail(op: string, message: string): never {
  throw new RangeError(`${op}: ${message}`);
}

function intField(
  op: string,
  obj: Record<string, unknown>,
  field: string,
  min: number,
  max: number,
  path = field,
): number {
  const v = obj[field];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    fail(op, `${path} must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
  return v;
}

function record(op: string, value: unknown, path: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    fail(op, `${path} must be an object, got ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

/** A `DatasetSpec` read from JSON, with errors naming the field. */
export function parseDatasetSpec(value: unknown, op: string, path = 'dataset'): DatasetSpec {
  const o = record(op, value, path);
  const labels = o.labels;
  if (typeof labels !== 'string' || !(LABEL_KINDS as readonly string[]).includes(labels)) {
    fail(op, `${path}.labels must be one of ${LABEL_KINDS.join(', ')}, got ${JSON.stringify(labels)}`);
  }
  return {
    m: intField(op, o, 'm', 2, CASE_LIMITS.m, `${path}.m`),
    d: intField(op, o, 'd', 2, CASE_LIMITS.d, `${path}.d`),
    labels: labels as DatasetSpec['labels'],
    seed: intField(op, o, 'seed', 0, 2 ** 31 - 1, `${path}.seed`),
  };
}

/**
 * A `PruningCase` read from JSON (e.g. a stored counterexample).
 *
 * @param value - the parsed JSON.
 * @param op - the operation named in errors.
 * @returns the case.
 * @throws RangeError naming the first invalid field.
 */
export function parsePruningCase(value: unknown, op = 'parsePruningCase'): PruningCase {
  const o = record(op, value, 'case');
  const p = o.parameterisation;
  if (typeof p !== 'string' || !(PARAMETERISATIONS as readonly string[]).includes(p)) {
    fail(op, `parameterisation must be one of ${PARAMETERISATIONS.join(', ')}, got ${JSON.stringify(p)}`);
  }
  const N = intField(op, o, 'width', 1, CASE_LIMITS.width);
  const fraction = o.stepFraction;
  if (typeof fraction !== 'number' || !(fraction > 0 && fraction < 1))
    fail(op, `stepFraction must be a number in (0, 1), got ${JSON.stringify(fraction)}`);
  return {
    dataset: parseDatasetSpec(o.dataset, op),
    parameterisation: p as Parameterisation,
    width: N,
    n: intField(op, o, 'n', 1, N),
    stepFraction: fraction,
    iterations: intField(op, o, 'iterations', 0, CASE_LIMITS.iterations),
  };
}

/** The defaults every range falls back to, for documentation and reports. */
export const PRUNING_CASE_DEFAULTS = {
  m: DATASET_DEFAULTS.m,
  d: DATASET_DEFAULTS.d,
  width: WIDTH_DEFAULTS,
  n: SUBNETWORK_SIZE_DEFAULTS,
  stepPercent: STEP_PERCENT_DEFAULTS,
  iterations: ITERATION_DEFAULTS,
} as const;
