/**
 * Full-batch gradient-descent pre-training (THEORY.md §1), with hand-written gradients (backprop.ts):
 *  - 'ntk':       W ← W − η ∇_W ½R;                       output signs a fixed.
 *  - 'meanfield': θ ← θ − ηN ∇_θ L, L = R/(2m), θ = (W, b); i.e. a step ηN/m on ½R for both layers.
 * R(t) = ‖U(t) − Y‖_F² is recorded for every t = 0..T; a run that blows up throws a DivergenceError
 * naming the stability limit instead of returning NaN. Minibatch SGD (`batch`) is an option: the earlier
 * versions of the paper analyse SGD; the theory checked here (Du et al.) is for full-batch GD.
 */
import { formatNumber } from '../../theory';
import type { Rng } from '../rng';
import { tf, type Scalar, type Tensor2D } from '../backend/tf';
import type { DataTensors } from '../data/tensors';
import { forward, residual, vjp } from './backprop';
import { disposeResident, downloadWeights, uploadWeights, type ResidentWeights } from './resident';
import { stabilityInfo, type StabilityInfo } from './stability';
import type { TwoLayerWeights } from './types';
import {
  requireConsistentWeights,
  requireDataShapes,
  requireNonNegativeInteger,
  requirePositiveFinite,
  requirePositiveInteger,
} from './validate';

export interface Checkpoint {
  /** Number of GD steps taken. */
  t: number;
  /** A host copy of the weights after t steps. */
  weights: TwoLayerWeights;
  /** R(t). */
  residual: number;
}

/** GD pre-training: iterations T, step size η, checkpoints, precision, minibatches. */
export interface TrainOptions {
  /** Step size η (see the header for how each parameterisation uses it). */
  eta: number;
  /** Number of GD steps T. */
  iterations: number;
  /** Steps t ∈ [0, T] at which to copy the weights; default logSpacedCheckpoints(T, 12). */
  checkpoints?: number[];
  /** Called at each checkpoint, in order, as soon as it is reached. */
  onCheckpoint?: (checkpoint: Checkpoint) => void;
  /** Called after each GD step with the number of steps done. */
  onProgress?: (done: number, total: number) => void;
  /** R(t) > divergenceFactor · max(R(0), ‖Y‖²) counts as divergence; default 1e3. */
  divergenceFactor?: number;
  /** Stability info already computed for these initial weights and data (skips the eigen-solve). */
  stability?: StabilityInfo;
  /**
   * Minibatch SGD instead of full-batch GD: each step uses `batch.size` samples drawn without
   * replacement, with the gradient scaled by m/size so it is an unbiased estimate of the full-batch one.
   * R(t) is still the full-batch residual. The batch of absolute step t is drawn from
   * `batch.rng.fork(\`sgd-${t}\`)`, so it depends only on (the stream's seed, t): a run restarted from
   * a checkpoint (with `startStep`) draws the same batches as the original run.
   */
  batch?: { size: number; rng: Rng };
  /**
   * The absolute step of `initial` (default 0): step t of this call is step startStep + t of the run.
   * Only the SGD batches depend on it; residuals and checkpoints stay indexed from 0 in this call.
   */
  startStep?: number;
  /**
   * Read R back from the backend every this many steps (and at t = 0, T and checkpoints); default 32.
   * Reading every step cost ~20 % at tiny sizes (m = 20, N = 50: 0.45 vs 0.37 ms/step on wasm) and
   * nothing measurable at m = N = 500; divergence is then reported up to 31 steps later, still at
   * the first offending t.
   */
  residualReadInterval?: number;
}

/** Pre-training's result: the final weights, the checkpoints and the residual R(t) along the way. */
export interface TrainResult {
  /** R(t) for t = 0..T (length T + 1). */
  residuals: Float64Array;
  checkpoints: Checkpoint[];
  /** The weights after T steps. */
  final: TwoLayerWeights;
  stability: StabilityInfo;
}

/** GD blew up: R(step) = residual is non-finite or past the divergence threshold. */
export class DivergenceError extends Error {
  constructor(
    readonly eta: number,
    readonly stabilityLimit: number,
    readonly step: number,
    readonly residual: number,
    readonly initialResidual: number,
    readonly stability: StabilityInfo,
  ) {
    super(divergenceMessage(eta, step, residual, initialResidual, stability));
    this.name = 'DivergenceError';
  }
}

const DEFAULT_CHECKPOINT_COUNT = 12;
export const DEFAULT_DIVERGENCE_FACTOR = 1e3;
const DEFAULT_READ_INTERVAL = 32;

/**
 * Up to `count` checkpoints in [0, T], spaced evenly in log(t) between 1 and T, plus 0: sorted, unique
 * integers, always containing 0 and T; exactly min(count, T + 1) of them (crowded small t are pushed
 * apart to consecutive integers).
 */
export function logSpacedCheckpoints(T: number, count: number): number[] {
  const op = 'logSpacedCheckpoints';
  requireNonNegativeInteger(T, 'T', op);
  requirePositiveInteger(count, 'count', op);
  if (count < 2 && T > 0) throw new RangeError(`${op}: count must be ≥ 2 to include both 0 and T = ${T}, got ${count}`);
  if (T + 1 <= count) return Array.from({ length: T + 1 }, (_, t) => t);
  const points = [0];
  for (let k = 1; k < count; k++) {
    const fraction = count === 2 ? 1 : (k - 1) / (count - 2); // position of point k between t = 1 and T
    const target = Math.round(Math.exp(Math.log(T) * fraction));
    points.push(Math.max(points[k - 1] + 1, target));
  }
  for (let k = count - 1; k >= 0; k--) points[k] = Math.min(points[k], T - (count - 1 - k));
  return points;
}

/**
 * Runs T steps of full-batch GD (or SGD) from `initial` on `data` (THEORY.md §1.3).
 *
 * @param initial - the initial weights (`initNetwork`).
 * @param data - the dataset as tensors.
 * @param opts - iterations, step size, checkpoints.
 * @returns the final weights, checkpoints and residuals.
 * @throws DivergenceError when the residual becomes non-finite.
 */
export function trainNetwork(initial: TwoLayerWeights, data: DataTensors, opts: TrainOptions): TrainResult {
  requireDataShapes(data, initial, 'trainNetwork');
  const plan = planTraining(initial, data.x.shape[0], opts, 'trainNetwork');
  const stability = { ...(opts.stability ?? stabilityInfo(initial, data)), eta: opts.eta };
  const run = new GdRun(initial, data, opts, stability);
  try {
    for (let t = 0; t <= plan.iterations; t++) {
      const snapshot = plan.checkpointSet.has(t) ? run.copyWeights(t) : null;
      run.step(t, t < plan.iterations);
      if (snapshot || t === 0 || t === plan.iterations || run.pendingCount() >= plan.readInterval) run.flush();
      if (snapshot) run.recordCheckpoint(t, snapshot);
      if (t < plan.iterations) opts.onProgress?.(t + 1, plan.iterations);
    }
    const last = run.checkpoints[run.checkpoints.length - 1];
    const final = last?.t === plan.iterations ? last.weights : run.copyWeights(plan.iterations);
    return { residuals: run.residuals, checkpoints: run.checkpoints, final, stability };
  } finally {
    run.dispose();
  }
}

export interface TrainingPlan {
  iterations: number;
  checkpointSet: Set<number>;
  readInterval: number;
}

/** Validates the weights and options of a training call on m samples (the data's shapes are checked by the caller). */
export function planTraining(initial: TwoLayerWeights, m: number, opts: TrainOptions, op: string): TrainingPlan {
  requireConsistentWeights(initial, op);
  requirePositiveFinite(opts.eta, 'eta', op);
  requireNonNegativeInteger(opts.iterations, 'iterations', op);
  requireNonNegativeInteger(opts.startStep ?? 0, 'startStep', op);
  const factor = opts.divergenceFactor ?? DEFAULT_DIVERGENCE_FACTOR;
  if (!Number.isFinite(factor) || factor <= 1) {
    throw new RangeError(`${op}: divergenceFactor must be a finite number > 1, got ${factor}`);
  }
  if (opts.batch) {
    if (!Number.isInteger(opts.batch.size) || opts.batch.size < 1 || opts.batch.size > m) {
      throw new RangeError(`${op}: batch.size must be an integer in [1, m = ${m}], got ${opts.batch.size}`);
    }
  }
  const readInterval = opts.residualReadInterval ?? DEFAULT_READ_INTERVAL;
  requirePositiveInteger(readInterval, 'residualReadInterval', op);
  const checkpoints = opts.checkpoints ?? logSpacedCheckpoints(opts.iterations, DEFAULT_CHECKPOINT_COUNT);
  for (const t of checkpoints) {
    if (!Number.isInteger(t) || t < 0 || t > opts.iterations) {
      throw new RangeError(`${op}: checkpoint ${t} must be an integer in [0, iterations = ${opts.iterations}]`);
    }
  }
  return { iterations: opts.iterations, checkpointSet: new Set(checkpoints), readInterval };
}

/** The mutable state of one GD run: resident weights, unread residual scalars, the recorded series. */
class GdRun {
  readonly residuals: Float64Array;
  readonly checkpoints: Checkpoint[] = [];
  private weights: ResidentWeights;
  private readonly learningRate: number;
  private readonly trainsOutput: boolean;
  private readonly divergenceFactor: number;
  private readonly labelNorm2: number;
  private pending: Scalar[] = [];
  private recorded = 0;

  constructor(
    initial: TwoLayerWeights,
    private readonly data: DataTensors,
    private readonly opts: TrainOptions,
    private readonly stability: StabilityInfo,
  ) {
    const m = data.x.shape[0];
    this.residuals = new Float64Array(opts.iterations + 1);
    this.trainsOutput = initial.parameterisation === 'meanfield';
    // ηN on L = R/(2m) is a step ηN/m on ½R (THEORY.md §1).
    this.learningRate = this.trainsOutput ? (opts.eta * initial.width) / m : opts.eta;
    this.divergenceFactor = opts.divergenceFactor ?? DEFAULT_DIVERGENCE_FACTOR;
    this.labelNorm2 = tf.tidy(() => tf.sum(tf.square(data.y)).dataSync()[0]);
    this.weights = uploadWeights(initial);
  }

  /** Computes R at the current weights and, if `update`, replaces the weights by one GD step. */
  step(step: number, update: boolean): void {
    const current = this.weights;
    const batch = update && this.opts.batch ? this.drawBatch(this.opts.batch, step) : null;
    const [value, wT, vT] = tf.tidy(() => {
      const pass = forward(current, this.data.x);
      const { error, value } = residual(pass, this.data.y);
      if (!update) return [value];
      if (batch) return [value, ...this.sgdStep(current, batch)];
      // vjp is linear in the cotangent: scaling the m×C error gives lr·∇(½R) without a pass over d×N.
      const stepVector = vjp(current, pass, this.data.xT, tf.mul(error, this.learningRate), this.trainsOutput);
      const wT = tf.sub(current.wT, stepVector.wT);
      return stepVector.vT ? [value, wT, tf.sub(current.vT, stepVector.vT)] : [value, wT];
    });
    this.pending.push(value as Scalar);
    if (wT) this.replaceWeights(wT as Tensor2D, (vT as Tensor2D | undefined) ?? null);
  }

  /** Seeded minibatch indices for local step `step`. */
  private drawBatch(batch: { size: number; rng: Rng }, step: number): Int32Array {
    return sgdBatchIndices(batch, this.data.x.shape[0], (this.opts.startStep ?? 0) + step);
  }

  /** One SGD step on the rows `indices`: ∇(½R) estimated by (m/b)·∇(½R_batch). Returns [wᵀ, vᵀ?]. */
  private sgdStep(current: ResidentWeights, indices: Int32Array): Tensor2D[] {
    const idx = tf.tensor1d(indices, 'int32');
    const xb = tf.gather(this.data.x, idx) as Tensor2D;
    const xbT = tf.gather(this.data.xT, idx, 1) as Tensor2D;
    const yb = tf.gather(this.data.y, idx) as Tensor2D;
    const pass = forward(current, xb);
    const { error } = residual(pass, yb);
    const scale = (this.learningRate * this.data.x.shape[0]) / indices.length;
    const stepVector = vjp(current, pass, xbT, tf.mul(error, scale), this.trainsOutput);
    const wT = tf.sub(current.wT, stepVector.wT) as Tensor2D;
    return stepVector.vT ? [wT, tf.sub(current.vT, stepVector.vT) as Tensor2D] : [wT];
  }

  /** Swaps in the new weights and frees the old ones; v (N×C) follows vᵀ when the output layer moved. */
  private replaceWeights(wT: Tensor2D, vT: Tensor2D | null): void {
    const old = this.weights;
    this.weights = vT ? { ...old, wT, vT, v: tf.transpose(vT) } : { ...old, wT };
    old.wT.dispose();
    if (vT) tf.dispose([old.vT, old.v]);
  }

  pendingCount(): number {
    return this.pending.length;
  }

  /** Reads the pending R values into `residuals` and checks them for divergence. */
  flush(): void {
    if (this.pending.length === 0) return;
    const values = tf.tidy(() => tf.stack(this.pending).dataSync());
    tf.dispose(this.pending);
    this.pending = [];
    for (const value of values) {
      const t = this.recorded++;
      this.residuals[t] = value;
      this.checkDivergence(t, value);
    }
  }

  /**
   * Divergence rule: R(t) non-finite, or R(t) > factor · max(R(0), ‖Y‖², 1e-12). Below the stability
   * limit the linearised residual contracts (R(t) ≤ R(0)), and nonlinear transients (activation patterns
   * switching) stay within a small multiple of the start; above it the unstable mode grows like
   * |1 − sλ|^{2t}, so it crosses any fixed factor within O(log factor) steps. The factor sets only how
   * late divergence is detected, not whether. The ‖Y‖² floor keeps a net that starts almost on the labels
   * (tiny R(0)) from being flagged for harmless rises that are still negligible at the data's scale.
   */
  private checkDivergence(t: number, value: number): void {
    checkDivergence(t, value, {
      initialResidual: this.residuals[0],
      labelNorm2: this.labelNorm2,
      factor: this.divergenceFactor,
      eta: this.opts.eta,
      stability: this.stability,
    });
  }

  copyWeights(t: number): TwoLayerWeights {
    const weights = downloadWeights(this.weights);
    if (!allFinite(weights.w) || !allFinite(weights.v)) {
      // Possible only on backends where ReLU(NaN) = 0 hides NaN weights from R.
      this.flush();
      throw new DivergenceError(this.opts.eta, this.stability.limit, t, NaN, this.residuals[0], this.stability);
    }
    return weights;
  }

  recordCheckpoint(t: number, weights: TwoLayerWeights): void {
    const checkpoint = { t, weights, residual: this.residuals[t] };
    this.checkpoints.push(checkpoint);
    this.opts.onCheckpoint?.(checkpoint);
  }

  dispose(): void {
    tf.dispose(this.pending);
    this.pending = [];
    disposeResident(this.weights);
  }
}

/** The minibatch of absolute step t: `size` rows of m without replacement, from `rng.fork(\`sgd-${t}\`)`. */
export function sgdBatchIndices(batch: { size: number; rng: Rng }, m: number, absoluteStep: number): Int32Array {
  return Int32Array.from(batch.rng.fork(`sgd-${absoluteStep}`).sampleWithoutReplacement(m, batch.size));
}

export interface DivergenceContext {
  /** R(0) of this call (the value at t = 0 is checked only for finiteness). */
  initialResidual: number;
  /** ‖Y‖_F². */
  labelNorm2: number;
  /** divergenceFactor (default 1e3). */
  factor: number;
  eta: number;
  stability: StabilityInfo;
}

/**
 * Divergence rule: R(t) non-finite, or R(t) > factor · max(R(0), ‖Y‖², 1e-12). Below the stability
 * limit the linearised residual contracts (R(t) ≤ R(0)), and nonlinear transients (activation patterns
 * switching) stay within a small multiple of the start; above it the unstable mode grows like
 * |1 − sλ|^{2t}, so it crosses any fixed factor within O(log factor) steps. The factor sets only how
 * late divergence is detected, not whether. The ‖Y‖² floor keeps a net that starts almost on the labels
 * (tiny R(0)) from being flagged for harmless rises that are still negligible at the data's scale.
 * Shared by every engine (src/engine) so that all of them stop at the same t.
 */
export function checkDivergence(t: number, value: number, ctx: DivergenceContext): void {
  if (t === 0 && !Number.isFinite(value)) {
    throw new RangeError(`trainNetwork: R(0) = ${value} at initialisation: the data or weights hold non-finite values`);
  }
  const reference = Math.max(ctx.initialResidual, ctx.labelNorm2, 1e-12);
  if (Number.isFinite(value) && value <= ctx.factor * reference) return;
  throw new DivergenceError(ctx.eta, ctx.stability.limit, t, value, ctx.initialResidual, ctx.stability);
}

export function allFinite(values: Float32Array | Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

function divergenceMessage(
  eta: number,
  step: number,
  residual: number,
  initialResidual: number,
  stability: StabilityInfo,
): string {
  const limit = `the stability limit ${stability.limitFormula} = ${formatNumber(stability.limit)}`;
  const estimate = stability.converged
    ? ''
    : ` (eigenvalue estimate not converged: relative residual ${formatNumber(stability.relativeResidual)})`;
  const head = `GD diverged at step ${step} (R = ${formatNumber(residual)} from R(0) = ${formatNumber(initialResidual)})`;
  if (eta > stability.limit) return `${head}: eta = ${formatNumber(eta)} exceeds ${limit}${estimate}`;
  return (
    `${head} although eta = ${formatNumber(eta)} is below ${limit}${estimate}: ` +
    'the limit holds for the linearisation at t = 0, and training moved the network out of that regime ' +
    '(activation patterns, and so the kernel, changed); use a smaller eta'
  );
}
