/**
 * Test fixtures for the pruners: fast-check arbitraries of small factored feature sets
 * (activations ≥ 0 m×N, output weights N×C, targets m×C, C ∈ {1, 3}, both N < m and N > m),
 * their tensor form, and float64 brute-force evaluations that build every Φ_r explicitly.
 */
import fc from 'fast-check';
import { tf } from '../../src/backend/tf';
import type { NeuronFeatures, PruneInput } from '../../src/pruning/types';

export interface FeatureCase {
  m: number;
  N: number;
  C: number;
  d: number;
  /** m×N, ≥ 0 (ReLU outputs). */
  activations: Float32Array;
  /** N×C. */
  outWeights: Float32Array;
  /** m×C. */
  targets: Float32Array;
  /** Hidden weights N×d (only magnitude pruning reads them). */
  hidden: Float32Array;
  /** G = (AᵀA) ⊙ (VVᵀ), N×N, when the features come with their Gram (as the engine supplies them). */
  gram?: Float32Array;
}

/** The case with its Gram attached: exact in float64, rounded once to float32. */
export function withExactGram(c: FeatureCase): FeatureCase {
  const gram = new Float32Array(c.N * c.N);
  for (let r = 0; r < c.N; r++) {
    for (let q = 0; q < c.N; q++) {
      let aa = 0;
      let vv = 0;
      for (let j = 0; j < c.m; j++) aa += c.activations[j * c.N + r] * c.activations[j * c.N + q];
      for (let k = 0; k < c.C; k++) vv += c.outWeights[r * c.C + k] * c.outWeights[q * c.C + k];
      gram[r * c.N + q] = aa * vv;
    }
  }
  return { ...c, gram };
}

/** Values on a 1/256 grid: exactly representable, with exact zeros and exact ties among them. */
const gridValue = (min: number, max: number) => fc.integer({ min: min * 256, max: max * 256 }).map((k) => k / 256);
const activation = fc.oneof(fc.constant(0), gridValue(0, 4));
const floats = (length: number, value: fc.Arbitrary<number>) =>
  fc.array(value, { minLength: length, maxLength: length }).map((values) => Float32Array.from(values));

/** N < m ("narrow") and N > m ("wide") shapes, both always in the mix. */
const narrowShape = fc
  .integer({ min: 2, max: 10 })
  .chain((m) => fc.tuple(fc.constant(m), fc.integer({ min: 1, max: m - 1 })));
const wideShape = fc
  .integer({ min: 1, max: 8 })
  .chain((m) => fc.tuple(fc.constant(m), fc.integer({ min: m + 1, max: 16 })));

export const featureCaseArb: fc.Arbitrary<FeatureCase> = fc
  .record({ shape: fc.oneof(narrowShape, wideShape), C: fc.constantFrom(1, 3), d: fc.integer({ min: 1, max: 3 }) })
  .chain(({ shape: [m, N], C, d }) =>
    fc.record({
      m: fc.constant(m),
      N: fc.constant(N),
      C: fc.constant(C),
      d: fc.constant(d),
      activations: floats(m * N, activation),
      outWeights: floats(N * C, gridValue(-2, 2)),
      targets: floats(m * C, gridValue(-2, 2)),
      hidden: floats(N * d, gridValue(-2, 2)),
    }),
  );

/** A scalar-output case where every neuron is the same (activations and output weights 1) and y = 0. */
export function uniformCase(m: number, N: number, d = 1): FeatureCase {
  return {
    m,
    N,
    C: 1,
    d,
    activations: new Float32Array(m * N).fill(1),
    outWeights: new Float32Array(N).fill(1),
    targets: new Float32Array(m),
    hidden: new Float32Array(N * d),
  };
}

/** Builds the tensors of a case; `dispose()` frees them. */
export function makeInput(c: FeatureCase, n: number, seed = 1): PruneInput & { dispose(): void } {
  const activations = tf.tensor2d(c.activations, [c.m, c.N]);
  const activationsT = tf.transpose(activations);
  const outWeights = tf.tensor2d(c.outWeights, [c.N, c.C]);
  const targets = tf.tensor2d(c.targets, [c.m, c.C]);
  const features: NeuronFeatures = {
    activations,
    activationsT,
    outWeights,
    m: c.m,
    width: c.N,
    outputs: c.C,
    ...(c.gram ? { gram: c.gram } : {}),
  };
  return {
    features,
    targets,
    weights: { parameterisation: 'meanfield', width: c.N, inputDim: c.d, outputs: c.C, w: c.hidden, v: c.outWeights },
    n,
    seed,
    dispose() {
      [activations, activationsT, outWeights, targets].forEach((t) => t.dispose());
    },
  };
}

/** Φ_r = A[:, r] ⊗ V[r, :] as a float64 m×C vector (row-major). */
export function phi(c: FeatureCase, r: number): Float64Array {
  const out = new Float64Array(c.m * c.C);
  for (let j = 0; j < c.m; j++)
    for (let k = 0; k < c.C; k++) out[j * c.C + k] = c.activations[j * c.N + r] * c.outWeights[r * c.C + k];
  return out;
}

export function allPhi(c: FeatureCase): Float64Array[] {
  return Array.from({ length: c.N }, (_, r) => phi(c, r));
}

export function squaredDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < a.length; i++) total += (a[i] - b[i]) ** 2;
  return total;
}

export function squaredNorm(a: ArrayLike<number>): number {
  return squaredDistance(a, new Float64Array(a.length));
}

/** Σ_{r∈S} Φ_r (multiset). */
export function phiSum(phis: Float64Array[], selection: readonly number[], length: number): Float64Array {
  const sum = new Float64Array(length);
  for (const r of selection) for (let i = 0; i < length; i++) sum[i] += phis[r][i];
  return sum;
}

/** f_S = (1/|S|) Σ_{r∈S} Φ_r. */
export function subnetworkBrute(phis: Float64Array[], selection: readonly number[], length: number): Float64Array {
  return phiSum(phis, selection, length).map((v) => v / selection.length);
}

/** ‖f_S − y‖² (unnormalised). */
export function residualBrute(c: FeatureCase, phis: Float64Array[], selection: readonly number[]): number {
  return squaredDistance(subnetworkBrute(phis, selection, c.m * c.C), c.targets);
}

/** Scale of every loss-like quantity of a case: (max_r ‖Φ_r‖ + ‖y‖)². Float tolerances are relative to it. */
export function lossScale(c: FeatureCase, phis: Float64Array[]): number {
  const maxPhi = Math.max(...phis.map((p) => Math.sqrt(squaredNorm(p))));
  return (maxPhi + Math.sqrt(squaredNorm(c.targets))) ** 2;
}

/** Plain copies of all tensor and array values of an input, to check it was not mutated. */
export function snapshot(input: PruneInput): number[][] {
  const { features, targets, weights } = input;
  return [
    ...[features.activations, features.activationsT, features.outWeights, targets].map((t) => Array.from(t.dataSync())),
    Array.from(weights.w),
    Array.from(weights.v),
  ];
}

/** Fixed fast-check parameters: reproducible runs. */
export const FC_SEED = 42;
