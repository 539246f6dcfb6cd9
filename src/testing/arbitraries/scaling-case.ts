/**
 * `scalingCase()`: the inputs of one scaling experiment — an m grid and everything else held fixed across
 * it (input dimension, labels, seed, parameterisation, N, n, step fraction, T, target loss ε). The same seed
 * at every m gives nested inputs (generateSynthetic draws them in order) and the same initial network.
 */
import fc from 'fast-check';
import { PARAMETERISATIONS, type Parameterisation } from '../../model/types';
import { datasetSpec, type DatasetSpecConstraints } from './dataset-spec';
import { mGrid, type MGridConstraints } from './m-grid';
import { parameterisation } from './parameterisation';
import { parseDatasetSpec, type PruningCase } from './pruning-case';
import { resolveRange, type IntRange } from './range';
import { stepFraction } from './step-fraction';
import { subnetworkSize } from './subnetwork-size';
import { width } from './width';

/** A scaling experiment as a printable record: a dataset kind, a grid of m, a network, its training and the target ε. */
export interface ScalingCase {
  /** Dataset sizes, increasing. */
  mGrid: number[];
  d: number;
  labels: PruningCase['dataset']['labels'];
  seed: number;
  parameterisation: Parameterisation;
  width: number;
  n: number;
  stepFraction: number;
  iterations: number;
  /** Target normalised subnetwork loss ε of t_crit. */
  epsilon: number;
}

/** Ranges for `scalingCase`. */
export interface ScalingCaseConstraints {
  grid?: MGridConstraints;
  dataset?: Omit<DatasetSpecConstraints, 'm'>;
  parameterisations?: readonly Parameterisation[];
  width?: Partial<IntRange>;
  n?: Partial<IntRange>;
  stepPercent?: Partial<IntRange>;
  iterations?: Partial<IntRange>;
  /** Target losses to draw from, the first being the one shrinking goes to (default 0.02, 0.05, 0.01). */
  epsilons?: readonly number[];
}

/**
 * N from 20 to 160 against m up to 40 makes both N < m and N > m reachable at the largest m; ε ≤ 0.05 and
 * n ≤ 32 keep t_crit(m₀) away from 0 (a subnetwork that is already good at t = 0 gives no growth to compare).
 */
export const SCALING_DEFAULTS = {
  width: { min: 20, max: 160 },
  n: { min: 4, max: 32 },
  iterations: { min: 100, max: 300 },
  epsilons: [0.02, 0.05, 0.01],
} as const;

/**
 * Scaling cases for properties of t_crit(m) across a doubling grid (THEORY.md §4.7, §5.3).
 *
 * @param constraints - ranges of the fields.
 * @returns the arbitrary.
 */
export function scalingCase(constraints: ScalingCaseConstraints = {}): fc.Arbitrary<ScalingCase> {
  const op = 'scalingCase';
  const iterations = resolveRange(op, 'iterations', constraints.iterations, SCALING_DEFAULTS.iterations, 1);
  const epsilons = constraints.epsilons ?? SCALING_DEFAULTS.epsilons;
  if (epsilons.length === 0 || epsilons.some((e) => !(e > 0 && Number.isFinite(e)))) {
    throw new RangeError(
      `${op}: epsilons must be a non-empty list of finite numbers > 0, got [${epsilons.join(', ')}]`,
    );
  }
  return fc
    .record({
      mGrid: mGrid(constraints.grid),
      data: datasetSpec({ ...constraints.dataset, m: { min: 2, max: 2 } }),
      parameterisation: parameterisation(constraints.parameterisations),
      width: width({ ...SCALING_DEFAULTS.width, ...constraints.width }),
      n: subnetworkSize({ ...SCALING_DEFAULTS.n, ...constraints.n }),
      stepFraction: stepFraction(constraints.stepPercent),
      iterations: fc.integer(iterations),
      epsilon: fc.constantFrom(...epsilons),
    })
    .map(
      ({ data, ...rest }) => ({
        ...rest,
        n: Math.min(rest.n, rest.width),
        d: data.d,
        labels: data.labels,
        seed: data.seed,
      }),
      // A valid case is its own source (n ≤ N: the clamp is the identity), so stored cases can shrink.
      (value) => {
        const { d, labels, seed, ...rest } = parseScalingCase(value, op);
        return { ...rest, data: { m: 2, d, labels, seed } };
      },
    );
}

/**
 * A `ScalingCase` read from JSON.
 *
 * @param value - the parsed JSON.
 * @param op - the operation named in errors.
 * @returns the case.
 * @throws RangeError naming the first invalid field.
 */
export function parseScalingCase(value: unknown, op = 'parseScalingCase'): ScalingCase {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new RangeError(`${op}: case must be an object, got ${JSON.stringify(value)}`);
  const o = value as Record<string, unknown>;
  const grid = o.mGrid;
  if (
    !Array.isArray(grid) ||
    grid.length < 1 ||
    !grid.every((m, i) => Number.isInteger(m) && m >= 2 && m <= 5000 && (i === 0 || m > grid[i - 1]))
  ) {
    throw new RangeError(
      `${op}: mGrid must be an increasing list of integers in [2, 5000], got ${JSON.stringify(grid)}`,
    );
  }
  const spec = parseDatasetSpec({ m: grid[0], d: o.d, labels: o.labels, seed: o.seed }, op, 'case');
  const p = o.parameterisation;
  if (typeof p !== 'string' || !(PARAMETERISATIONS as readonly string[]).includes(p)) {
    throw new RangeError(
      `${op}: parameterisation must be one of ${PARAMETERISATIONS.join(', ')}, got ${JSON.stringify(p)}`,
    );
  }
  const int = (field: string, min: number, max: number): number => {
    const v = o[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      throw new RangeError(`${op}: ${field} must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
    return v;
  };
  const fraction = o.stepFraction;
  if (typeof fraction !== 'number' || !(fraction > 0 && fraction < 1))
    throw new RangeError(`${op}: stepFraction must be a number in (0, 1), got ${JSON.stringify(fraction)}`);
  const epsilon = o.epsilon;
  if (typeof epsilon !== 'number' || !(epsilon > 0 && Number.isFinite(epsilon)))
    throw new RangeError(`${op}: epsilon must be a finite number > 0, got ${JSON.stringify(epsilon)}`);
  const N = int('width', 1, 20000);
  return {
    mGrid: grid as number[],
    d: spec.d,
    labels: spec.labels,
    seed: spec.seed,
    parameterisation: p as Parameterisation,
    width: N,
    n: int('n', 1, N),
    stepFraction: fraction,
    iterations: int('iterations', 1, 100000),
    epsilon,
  };
}

/** The pruning case of one m of a scaling case. */
export function caseAtM(c: ScalingCase, m: number): PruningCase {
  return {
    dataset: { m, d: c.d, labels: c.labels, seed: c.seed },
    parameterisation: c.parameterisation,
    width: c.width,
    n: c.n,
    stepFraction: c.stepFraction,
    iterations: c.iterations,
  };
}
