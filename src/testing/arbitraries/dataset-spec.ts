/**
 * `datasetSpec()`: synthetic training sets as plain, printable records {m, d, labels, seed}; `buildDataset`
 * turns one into a `Dataset`. Specs rather than arrays are generated so that a counterexample prints in one
 * line and replays exactly (generateSynthetic is a function of the spec).
 */
import fc from 'fast-check';
import { generateSynthetic } from '../../data/synthetic';
import { LABEL_KINDS, type Dataset, type LabelKind } from '../../data/types';
import { resolveRange, type IntRange } from './range';

/** A synthetic dataset as a printable record: m points in d dimensions, a label kind and a seed (THEORY.md §1.1). */
export interface DatasetSpec {
  /** Number of samples m (≥ 2). */
  m: number;
  /** Input dimension d (≥ 2: on S⁰ = {±1} every pair of inputs is parallel, so λ0 = 0). */
  d: number;
  /** Label generator; shrinks toward the first of `labels` ('teacher' by default: the simplest labels). */
  labels: LabelKind;
  /** Seed of the inputs and labels; shrinks toward 0. */
  seed: number;
}

/** Ranges for `datasetSpec`: m, d, the allowed label kinds. */
export interface DatasetSpecConstraints {
  m?: Partial<IntRange>;
  d?: Partial<IntRange>;
  /** Label kinds to draw from, simplest first (default teacher, clusters, random). */
  labels?: readonly LabelKind[];
  /** Largest seed (default 2³¹ − 1). */
  maxSeed?: number;
}

export const DATASET_DEFAULTS = { m: { min: 2, max: 40 }, d: { min: 2, max: 8 } } as const;
const SIMPLEST_FIRST: readonly LabelKind[] = ['teacher', 'clusters', 'random'];

/**
 * Dataset specs; m, d and seed shrink toward their minimum, labels toward the first kind listed.
 *
 * @param constraints - ranges of m and d and the allowed label kinds (defaults: m 2–40, d 2–8, every kind).
 * @returns the arbitrary.
 */
export function datasetSpec(constraints: DatasetSpecConstraints = {}): fc.Arbitrary<DatasetSpec> {
  const op = 'datasetSpec';
  const m = resolveRange(op, 'm', constraints.m, DATASET_DEFAULTS.m, 2);
  const d = resolveRange(op, 'd', constraints.d, DATASET_DEFAULTS.d, 2);
  const labels = constraints.labels ?? SIMPLEST_FIRST;
  if (labels.length === 0 || labels.some((k) => !(LABEL_KINDS as readonly string[]).includes(k))) {
    throw new RangeError(
      `${op}: labels must be a non-empty list of ${LABEL_KINDS.join(', ')}, got [${labels.join(', ')}]`,
    );
  }
  const maxSeed = constraints.maxSeed ?? 2 ** 31 - 1;
  if (!Number.isInteger(maxSeed) || maxSeed < 0)
    throw new RangeError(`${op}: maxSeed must be a non-negative integer, got ${maxSeed}`);
  return fc.record({
    m: fc.integer(m),
    d: fc.integer(d),
    labels: fc.constantFrom(...labels),
    seed: fc.integer({ min: 0, max: maxSeed }),
  });
}

/**
 * The synthetic dataset of a spec (unit-norm inputs, |y| ≤ 1; THEORY.md §1.1).
 *
 * @param spec - the spec.
 * @returns the dataset, the same for the same spec.
 */
export function buildDataset(spec: DatasetSpec): Dataset {
  return generateSynthetic({ m: spec.m, d: spec.d, labels: spec.labels, seed: spec.seed });
}

/**
 * `datasetSpec` mapped through `buildDataset`, for properties that want the data itself.
 *
 * @param constraints - as for `datasetSpec`.
 * @returns the arbitrary.
 */
export function dataset(constraints: DatasetSpecConstraints = {}): fc.Arbitrary<Dataset> {
  return datasetSpec(constraints).map(buildDataset);
}
