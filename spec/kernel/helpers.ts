/** Small generated cases shared by the kernel specs. All randomness comes from Rng. */
import { tf, type Tensor2D } from '../../src/backend/tf';
import type { Dataset } from '../../src/data/types';
import type { TwoLayerWeights } from '../../src/model/types';
import type { NeuronFeatures } from '../../src/pruning/types';
import { Rng } from '../../src/rng';

/** m inputs uniform on the unit sphere of R^d (float32). */
export function sphereDataset(m: number, d: number, seed: number): Dataset {
  const rng = new Rng(seed).fork('sphere');
  const x = new Float32Array(m * d);
  for (let j = 0; j < m; j++) {
    const row = Array.from({ length: d }, () => rng.normal());
    const norm = Math.hypot(...row);
    for (let i = 0; i < d; i++) x[j * d + i] = row[i] / norm;
  }
  return { name: `sphere(m=${m},d=${d},seed=${seed})`, m, d, outputs: 1, x, y: new Float32Array(m), classes: null };
}

export function gaussianWeights(N: number, d: number, seed: number): TwoLayerWeights {
  const rng = new Rng(seed).fork('weights');
  return {
    parameterisation: 'ntk',
    width: N,
    inputDim: d,
    outputs: 1,
    w: rng.normalArray(N * d),
    v: Float32Array.from({ length: N }, () => rng.sign()),
  };
}

export interface FeatureCase {
  features: NeuronFeatures;
  /** Random targets y, m×C. */
  targets: Tensor2D;
  dispose(): void;
}

/** Φ_r = ReLU(X w_r) ⊗ v_r for random unit inputs (d = 3), Gaussian w_r and v_r. */
export function randomFeatures(m: number, N: number, C: number, seed: number): FeatureCase {
  const rng = new Rng(seed).fork('features');
  const d = 3;
  const ds = sphereDataset(m, d, seed);
  const w = rng.normalArray(N * d);
  const v = rng.normalArray(N * C);
  const y = rng.normalArray(m * C);
  const activations = tf.tidy(
    () => tf.relu(tf.matMul(tf.tensor2d(ds.x, [m, d]), tf.transpose(tf.tensor2d(w, [N, d])))) as Tensor2D,
  );
  const activationsT = tf.transpose(activations) as Tensor2D;
  const outWeights = tf.tensor2d(v, [N, C]);
  const targets = tf.tensor2d(y, [m, C]);
  return {
    features: { activations, activationsT, outWeights, m, width: N, outputs: C },
    targets,
    dispose() {
      tf.dispose([activations, activationsT, outWeights, targets]);
    },
  };
}

/** The explicit feature vectors vec Φ_r ∈ R^{mC} (index j·C + c), in float64 from the float32 tensors. */
export function explicitPhi(features: NeuronFeatures): Float64Array[] {
  const { m, width: N, outputs: C } = features;
  const a = features.activations.dataSync();
  const v = features.outWeights.dataSync();
  return Array.from({ length: N }, (_, r) => {
    const phi = new Float64Array(m * C);
    for (let j = 0; j < m; j++) for (let c = 0; c < C; c++) phi[j * C + c] = a[j * N + r] * v[r * C + c];
    return phi;
  });
}

/** The features with their Gram G_rs = ⟨Φ_r, Φ_s⟩ attached (as the engine supplies it): float64, times `scale`, rounded once. */
export function withExactGram(features: NeuronFeatures, scale = 1): NeuronFeatures {
  const phi = explicitPhi(features);
  const N = features.width;
  const gram = new Float32Array(N * N);
  for (let r = 0; r < N; r++) {
    for (let s = 0; s < N; s++) {
      let sum = 0;
      for (let i = 0; i < phi[r].length; i++) sum += phi[r][i] * phi[s][i];
      gram[r * N + s] = scale * sum;
    }
  }
  return { ...features, gram };
}

export function distSq(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s;
}

/** Σ_r p_r Φ_r. */
export function combine(phi: Float64Array[], p: ArrayLike<number>): Float64Array {
  const out = new Float64Array(phi[0].length);
  phi.forEach((f, r) => f.forEach((x, i) => (out[i] += p[r] * x)));
  return out;
}
