/**
 * Geometry of the neuron feature cloud {Φ_r} ⊂ R^{m×C} (THEORY.md §4, §5): the diameters D_t and D_y of
 * B2/B2′, the dense residual R, and the radius ρ_t of the ball that B4 puts inside the hull.
 *
 * Φ_r = a_r ⊗ v_r (a_r = activations[:, r], v_r = outWeights[r, :]) stays factored: inner products are
 * ⟨Φ_r, Φ_s⟩ = (a_rᵀa_s)(v_rᵀv_s) and ⟨Φ_r, Z⟩ = v_rᵀ(Aᵀ Z)_r. The pairwise maximum D_t uses the N×N Gram
 * G = (AᵀA) ⊙ (VVᵀ) in float32: the one that came with the features, else formed on the backend one block of
 * rows at a time. When N > mC (the only case where B4 is not void) the centred features are formed explicitly
 * in float64 (mC·N < N² numbers) for λ_min(Σ_t) and the centred norms, since ρ_t is what the B4 invariant
 * rests on.
 */
import { tf, tidyRead, type Tensor2D } from '../backend/tf';
import type { NeuronFeatures } from '../model/types';
import { extremeEigenvalues } from './eigen';

/** The geometry of a checkpoint's neuron features against the targets (THEORY.md §4.6, §5.1): D_t, D_y, ρ_t. */
export interface FeatureGeometry {
  /** D_t = max_{r,s} ‖Φ_r − Φ_s‖. */
  diameter: number;
  /** D_y = max_r ‖Φ_r − y‖. */
  diameterToTarget: number;
  /** R = ‖u − y‖², u = (1/N) Σ_r Φ_r. */
  denseResidual: number;
  /** λ_min(Σ_t), Σ_t = (1/N) Σ_r (Φ_r − u)(Φ_r − u)ᵀ on R^{mC}; 0 when ballVoid. */
  covarianceLambdaMin: number;
  /** max_r ‖Φ_r − u‖. */
  maxCentredNorm: number;
  /** ρ_t = λ_min(Σ_t) / (2 max_r ‖Φ_r − u‖); 0 when ballVoid. */
  rho: number;
  /** True when N ≤ mC: the hull is not full-dimensional, ρ = 0 and B4 is void. */
  ballVoid: boolean;
}

/** Rows of G per block when scanning for the diameter: block·N floats ≈ 2^22. */
const GRAM_BLOCK_FLOATS = 2 ** 22;

export function checkFeatures(features: NeuronFeatures, targets: Tensor2D, op: string): void {
  const { m, width: N, outputs: C } = features;
  const expect = (name: string, shape: number[], want: number[]): void => {
    if (shape.length !== 2 || shape[0] !== want[0] || shape[1] !== want[1]) {
      throw new RangeError(`${op}: ${name} has shape [${shape.join(', ')}], expected [${want.join(', ')}]`);
    }
  };
  if (!Number.isInteger(N) || N < 1) throw new RangeError(`${op}: features.width must be a positive integer, got ${N}`);
  expect('features.activations', features.activations.shape, [m, N]);
  expect('features.activationsT', features.activationsT.shape, [N, m]);
  expect('features.outWeights', features.outWeights.shape, [N, C]);
  expect('targets', targets.shape, [m, C]);
}

/**
 * The diameters D_t and D_y and the radius ρ_t of the features' hull around the targets (THEORY.md §4.6, §5.1).
 *
 * @param features - the network's neuron features at a checkpoint.
 * @param targets - the targets y (m×C).
 * @returns the geometry.
 * @throws Error when the shapes disagree.
 */
export function featureGeometry(features: NeuronFeatures, targets: Tensor2D): FeatureGeometry {
  const op = 'featureGeometry';
  checkFeatures(features, targets, op);
  const { m, width: N, outputs: C } = features;
  const ballVoid = N <= m * C;
  const diameter = Math.sqrt(maxPairwiseDistanceSq(features));
  const f = factoredQuantities(features, targets);
  let maxCentredNormSq = f.maxCentredNormSq;
  let covarianceLambdaMin = 0;
  if (!ballVoid) {
    const centred = centredCovariance(features);
    covarianceLambdaMin = centred.lambdaMin;
    maxCentredNormSq = centred.maxCentredNormSq;
  }
  const maxCentredNorm = Math.sqrt(maxCentredNormSq);
  const rho = ballVoid || maxCentredNorm === 0 ? 0 : covarianceLambdaMin / (2 * maxCentredNorm);
  return {
    diameter,
    diameterToTarget: Math.sqrt(f.maxDistanceToTargetSq),
    denseResidual: f.denseResidual,
    covarianceLambdaMin,
    maxCentredNorm,
    rho,
    ballVoid,
  };
}

/** max_{r,s} (g_r + g_s − 2G_rs) with g_r = ‖Φ_r‖² = G_rr, over the G that came with the features. */
function maxPairwiseDistanceSqOfGram(gram: Float32Array, N: number): number {
  let best = 0;
  for (let r = 0; r < N; r++) {
    const gr = gram[r * N + r];
    for (let s = r + 1; s < N; s++) best = Math.max(best, gr + gram[s * N + s] - 2 * gram[r * N + s]);
  }
  return best;
}

/** max_{r,s} (g_r + g_s − 2G_rs) with g_r = ‖Φ_r‖², scanning G by blocks of rows. */
function maxPairwiseDistanceSq(features: NeuronFeatures): number {
  if (features.gram) return maxPairwiseDistanceSqOfGram(features.gram, features.width);
  const { activations: A, activationsT: AT, outWeights: V, width: N } = features;
  const block = Math.max(1, Math.min(N, Math.floor(GRAM_BLOCK_FLOATS / N)));
  const VT = tf.transpose(V);
  const g = tf.tidy(() => tf.mul(tf.sum(tf.square(AT), 1), tf.sum(tf.square(V), 1)));
  let best = 0;
  for (let start = 0; start < N; start += block) {
    const size = Math.min(block, N - start);
    const blockMax = tf.tidy(() => {
      const rows = tf.slice(AT, [start, 0], [size, -1]);
      const gram = tf.mul(tf.matMul(rows, A), tf.matMul(tf.slice(V, [start, 0], [size, -1]), VT));
      const gRows = tf.reshape(tf.slice(g, [start], [size]), [size, 1]);
      const dist = tf.sub(tf.add(gRows, tf.reshape(g, [1, N])), tf.mul(gram, 2));
      return tf.max(dist);
    });
    best = Math.max(best, blockMax.dataSync()[0]);
    blockMax.dispose();
  }
  VT.dispose();
  g.dispose();
  return best;
}

/** R, max_r ‖Φ_r − y‖² and max_r ‖Φ_r − u‖² from m×N×C products (no N×N Gram). */
function factoredQuantities(
  features: NeuronFeatures,
  targets: Tensor2D,
): { denseResidual: number; maxDistanceToTargetSq: number; maxCentredNormSq: number } {
  const { activations: A, activationsT: AT, outWeights: V, width: N } = features;
  const [uData, yData, normsSq, withY, withU] = tidyRead(() => {
    const u = tf.div(tf.matMul(A, V), N);
    const innerWith = (Z: Tensor2D) => tf.sum(tf.mul(tf.matMul(AT, Z), V), 1);
    const norms = tf.mul(tf.sum(tf.square(AT), 1), tf.sum(tf.square(V), 1));
    return [u, tf.clone(targets), norms, innerWith(targets), innerWith(u as Tensor2D)];
  });
  let denseResidual = 0;
  let ySq = 0;
  let uSq = 0;
  for (let i = 0; i < uData.length; i++) {
    denseResidual += (uData[i] - yData[i]) ** 2;
    ySq += yData[i] ** 2;
    uSq += uData[i] ** 2;
  }
  let maxDistanceToTargetSq = 0;
  let maxCentredNormSq = 0;
  for (let r = 0; r < N; r++) {
    maxDistanceToTargetSq = Math.max(maxDistanceToTargetSq, normsSq[r] - 2 * withY[r] + ySq);
    maxCentredNormSq = Math.max(maxCentredNormSq, normsSq[r] - 2 * withU[r] + uSq);
  }
  return { denseResidual, maxDistanceToTargetSq, maxCentredNormSq };
}

/**
 * λ_min(Σ_t) and max_r ‖Φ_r − u‖² in float64 from the explicit centred features P (mC×N, row (j,c)):
 * Σ_t = P Pᵀ / N. Only called when N > mC, so P has fewer than N² entries.
 */
function centredCovariance(features: NeuronFeatures): { lambdaMin: number; maxCentredNormSq: number } {
  const { m, width: N, outputs: C } = features;
  const a = Float64Array.from(features.activations.dataSync()); // m×N
  const v = Float64Array.from(features.outWeights.dataSync()); // N×C
  const dim = m * C;
  const P = new Float64Array(dim * N);
  for (let j = 0; j < m; j++) {
    for (let c = 0; c < C; c++) {
      const row = (j * C + c) * N;
      let mean = 0;
      for (let r = 0; r < N; r++) {
        const value = a[j * N + r] * v[r * C + c];
        P[row + r] = value;
        mean += value;
      }
      mean /= N;
      for (let r = 0; r < N; r++) P[row + r] -= mean;
    }
  }
  let maxCentredNormSq = 0;
  for (let r = 0; r < N; r++) {
    let s = 0;
    for (let i = 0; i < dim; i++) s += P[i * N + r] ** 2;
    maxCentredNormSq = Math.max(maxCentredNormSq, s);
  }
  const sigma = rowGram(P, dim, N);
  for (let i = 0; i < sigma.length; i++) sigma[i] /= N;
  // Σ_t is positive semidefinite: a slightly negative computed λ_min is rounding, the ball radius is then 0.
  const lambdaMin = Math.max(0, extremeEigenvalues({ n: dim, a: sigma }).min);
  return { lambdaMin, maxCentredNormSq };
}

/**
 * P Pᵀ for a row-major rows×len matrix, by 4×4 blocks of row dot products (the O(rows²·len) part): 8 loads
 * feed 16 products, 1.3× the throughput of 2×2 blocks. Each entry is still one sequential sum over r, so the
 * blocking does not change a bit of the result.
 */
function rowGram(P: Float64Array, rows: number, len: number): Float64Array {
  const out = new Float64Array(rows * rows);
  // Rows past the end are clamped to the last row; their products are simply not stored.
  const offset = (i: number) => Math.min(i, rows - 1) * len;
  const put = (i: number, k: number, value: number): void => {
    if (i >= rows || k >= rows) return;
    out[i * rows + k] = value;
    out[k * rows + i] = value;
  };
  for (let i = 0; i < rows; i += 4) {
    const [a0o, a1o, a2o, a3o] = [offset(i), offset(i + 1), offset(i + 2), offset(i + 3)];
    for (let k = i; k < rows; k += 4) {
      const [b0o, b1o, b2o, b3o] = [offset(k), offset(k + 1), offset(k + 2), offset(k + 3)];
      // prettier-ignore
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0,
        s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let r = 0; r < len; r++) {
        // prettier-ignore
        {
          const a0 = P[a0o + r], a1 = P[a1o + r], a2 = P[a2o + r], a3 = P[a3o + r];
          const b0 = P[b0o + r], b1 = P[b1o + r], b2 = P[b2o + r], b3 = P[b3o + r];
          s00 += a0 * b0; s01 += a0 * b1; s02 += a0 * b2; s03 += a0 * b3;
          s10 += a1 * b0; s11 += a1 * b1; s12 += a1 * b2; s13 += a1 * b3;
          s20 += a2 * b0; s21 += a2 * b1; s22 += a2 * b2; s23 += a2 * b3;
          s30 += a3 * b0; s31 += a3 * b1; s32 += a3 * b2; s33 += a3 * b3;
        }
      }
      const sums = [s00, s01, s02, s03, s10, s11, s12, s13, s20, s21, s22, s23, s30, s31, s32, s33];
      for (let q = 0; q < 16; q++) put(i + (q >> 2), k + (q & 3), sums[q]);
    }
  }
  return out;
}
