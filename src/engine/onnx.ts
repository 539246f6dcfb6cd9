/**
 * The onnxruntime engine: GD/SGD of src/model/train.ts as ONNX graphs (onnx-graph.ts) run by
 * onnxruntime-node's CPU provider. Sessions are built once per (shape, parameterisation, precision,
 * unroll, batch) and cached on the engine. Each session.run does up to MAX_UNROLL steps; R(t) for each
 * of them comes back with the weights, so every R(t) is still recorded and checked for divergence at
 * its own t. Output tensors are fed back as the next inputs without copying.
 *
 * float64: data and weights run as doubles and R(t) is the double result. Checkpoint weights are
 * rounded to Float32Array (TwoLayerWeights holds float32), but the engine remembers the exact doubles
 * behind every weights object it returned, so training again from a checkpoint (replay) continues
 * from the exact double state, not from the rounded copy.
 */
import { availableParallelism } from 'node:os';
import type * as Ort from 'onnxruntime-node';
import { runWithAsync } from '../linalg/lanczos';
import { outputScale } from '../model/resident';
import {
  requireFiniteProduct,
  stabilityIteration,
  type StabilityInfo,
  type StabilityOptions,
} from '../model/stability';
import {
  DEFAULT_DIVERGENCE_FACTOR,
  DivergenceError,
  allFinite,
  checkDivergence,
  planTraining,
  sgdBatchIndices,
  type Checkpoint,
  type DivergenceContext,
  type TrainOptions,
  type TrainResult,
} from '../model/train';
import { neuronScale, type FactoredProducts, type TwoLayerWeights } from '../model/types';
import { requireConsistentWeights } from '../model/validate';
import {
  GRAM_NAMES,
  HULL_NAMES,
  NAMES,
  OPERATOR_NAMES,
  buildActivationGraph,
  buildGramGraph,
  buildHullGraph,
  buildOperatorGraph,
  buildStepGraph,
  type GramGraphSpec,
  type HullGraphSpec,
  type OperatorGraphSpec,
  type Precision,
  type StepGraphSpec,
} from './onnx-graph';
import {
  EngineUnavailableError,
  type Engine,
  type EngineData,
  type EngineDescription,
  type EngineOptions,
  type FeatureGram,
  type HostFeatures,
} from './types';
import { requireEngineData } from './validate';

/** Steps per session.run: chunks are powers of two up to this, so at most log2(MAX_UNROLL) + 2 graphs per shape. */
export const MAX_UNROLL = 8;

/**
 * m×N floats (4 MB in float32) above which sessions run without ORT's memory arena. Each cached session keeps its
 * own arena at its peak working set, so with the arena a run holds several m×N working sets at once (at m = 60,000,
 * N = 200: 1.99 GB peak RSS with T = 2, 1.2 GB without), while GD steps ran no slower without it (one thread:
 * m = 10,000, N = 200, d = 784; m = 2,000, N = 1,000, d = 16; m = 1,000, N = 1,000, d = 784: within run-to-run noise).
 */
const ARENA_LIMIT_FLOATS = 2 ** 20;

type OrtModule = typeof Ort;
type HostArray = Float32Array | Float64Array;

function loadOrt(): OrtModule {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('onnxruntime-node') as OrtModule;
  } catch (e) {
    throw new EngineUnavailableError('onnx', `onnxruntime-node failed to load (${firstLine(e)})`);
  }
}

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split('\n')[0];
}

export async function createOnnxEngine(opts: EngineOptions = {}): Promise<Engine> {
  const ort = loadOrt();
  const threads = opts.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`threads must be a positive integer, got ${threads}`);
  }
  const engine = new OnnxEngine(ort, opts.precision ?? 'float32', threads);
  try {
    await engine.selfTest();
  } catch (e) {
    throw new EngineUnavailableError('onnx', `a one-step test graph failed to run (${firstLine(e)})`);
  }
  return engine;
}

/** The double-precision state behind weights this engine returned in float64 mode (for exact replay). */
interface ExactWeights {
  w: Float64Array;
  v: Float64Array;
}

class OnnxEngine implements Engine {
  readonly description: EngineDescription;
  private readonly sessions = new Map<string, Promise<Ort.InferenceSession>>();
  private cachedShape: string | null = null;
  private readonly exact = new WeakMap<TwoLayerWeights, ExactWeights>();
  private hull: { key: string; session: Promise<Ort.InferenceSession> } | null = null;

  constructor(
    private readonly ort: OrtModule,
    private readonly precision: Precision,
    threads: number,
  ) {
    this.description = { name: 'onnx', version: ort.env.versions.node ?? ort.env.versions.common, threads, precision };
  }

  async selfTest(): Promise<void> {
    const weights: TwoLayerWeights = {
      parameterisation: 'meanfield',
      width: 2,
      inputDim: 1,
      outputs: 1,
      w: Float32Array.of(1, -1),
      v: Float32Array.of(1, 1),
    };
    const data = { m: 1, d: 1, outputs: 1, x: Float32Array.of(1), y: Float32Array.of(0) };
    const result = await this.train(weights, data, {
      eta: 0.1,
      iterations: 1,
      checkpoints: [],
      stability: SELF_TEST_STABILITY,
    });
    if (!(Math.abs(result.residuals[0] - 0.25) < 1e-6)) throw new Error(`R(0) = ${result.residuals[0]}, expected 0.25`);
  }

  async train(initial: TwoLayerWeights, data: EngineData, opts: TrainOptions): Promise<TrainResult> {
    const op = 'train (onnx)';
    requireEngineData(data, initial, op);
    const plan = planTraining(initial, data.m, opts, op);
    const stability = { ...(opts.stability ?? (await this.stability(initial, data))), eta: opts.eta };
    const run = new OrtRun(this, initial, data, opts, stability);
    const residuals = new Float64Array(plan.iterations + 1);
    const checkpoints: Checkpoint[] = [];
    const stops = [...plan.checkpointSet].sort((a, b) => a - b);
    for (let t = 0; ;) {
      const snapshot = plan.checkpointSet.has(t) ? this.hostWeights(run, t, residuals[0]) : null;
      const chunk = t === plan.iterations ? 0 : chunkSize(t, stops, plan.iterations);
      const values = await run.advance(chunk, opts.startStep ?? 0, t);
      values.forEach((value, i) => {
        residuals[t + i] = value;
        run.check(t + i, value, residuals[0]);
        // As in trainNetwork: the checkpoint is reported once R(t) is known, before later R are checked.
        if (i === 0 && snapshot) {
          const checkpoint = { t, weights: snapshot, residual: value };
          checkpoints.push(checkpoint);
          opts.onCheckpoint?.(checkpoint);
        }
        if (i < chunk) opts.onProgress?.(t + i + 1, plan.iterations);
      });
      if (chunk === 0) break;
      t += chunk;
    }
    const last = checkpoints[checkpoints.length - 1];
    const final = last?.t === plan.iterations ? last.weights : this.hostWeights(run, plan.iterations, residuals[0]);
    return { residuals, checkpoints, final, stability };
  }

  /** A host copy of the run's weights after t steps; non-finite weights are divergence at t. */
  private hostWeights(run: OrtRun, t: number, initialResidual: number): TwoLayerWeights {
    const { w, v } = run.state();
    if (!allFinite(w) || !allFinite(v)) run.diverged(t, initialResidual);
    const weights = { ...run.shape, w: Float32Array.from(w), v: Float32Array.from(v) };
    if (w instanceof Float64Array && v instanceof Float64Array) this.exact.set(weights, { w, v });
    return weights;
  }

  /** The starting state in this engine's precision (exact doubles when `initial` came from this engine). */
  startState(initial: TwoLayerWeights): { w: HostArray; v: HostArray } {
    if (this.precision === 'float32') return { w: initial.w, v: initial.v };
    return this.exact.get(initial) ?? { w: Float64Array.from(initial.w), v: Float64Array.from(initial.v) };
  }

  tensor(values: HostArray | BigInt64Array, dims: number[]): Ort.Tensor {
    return new this.ort.Tensor(values, dims);
  }

  scalar(value: number): Ort.Tensor {
    return this.tensor(this.precision === 'float64' ? Float64Array.of(value) : Float32Array.of(value), []);
  }

  get elementPrecision(): Precision {
    return this.precision;
  }

  session(spec: StepGraphSpec): Promise<Ort.InferenceSession> {
    return this.cachedSession(spec, `step ${JSON.stringify(spec)}`, () => buildStepGraph(spec));
  }

  /**
   * Sessions are cached for the data shape of the latest call only: a session keeps buffers sized for its
   * shape, so at m = 60,000 a few cached variants would hold gigabytes. Calls on one engine must not overlap.
   */
  private async cachedSession(
    shape: GramGraphSpec,
    key: string,
    build: () => Uint8Array,
  ): Promise<Ort.InferenceSession> {
    const shapeKey = [shape.precision, shape.m, shape.d, shape.N, shape.C].join(' ');
    if (shapeKey !== this.cachedShape) {
      await this.releaseSessions();
      this.cachedShape = shapeKey;
    }
    let session = this.sessions.get(key);
    if (!session) {
      session = this.ort.InferenceSession.create(build(), this.sessionOptions(shape.m * shape.N));
      this.sessions.set(key, session);
    }
    return session;
  }

  private sessionOptions(intermediateFloats: number): Ort.InferenceSession.SessionOptions {
    return {
      intraOpNumThreads: this.description.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // The arena keeps peak-sized buffers between runs (fast); past ARENA_LIMIT_FLOATS per m×N intermediate
      // buffers are freed after each run instead, so memory stays near one step's working set.
      enableCpuMemArena: intermediateFloats <= ARENA_LIMIT_FLOATS,
      logSeverityLevel: 3, // errors only: ORT's warnings would land in the CLI's output
      // Idle intra-op threads sleep instead of spinning: the step is a few large GEMMs, so waking costs
      // little, and on a shared 2-core machine spinning took CPU from the other thread (measured under
      // load, m = 1000, d = 784, N = 1000, 2 threads: 133–144 vs 150–152 ms, 40–42 vs 45–48 CPU ms/step).
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    };
  }

  async hullProducts(features: HostFeatures, targets: Float32Array): Promise<FactoredProducts> {
    const { m, N, C } = features;
    const session = await this.hullSession({ m, N, C });
    const n = HULL_NAMES;
    const feeds = {
      [n.a]: this.tensor(Float64Array.from(features.activations), [m, N]),
      [n.outWeights]: this.tensor(Float64Array.from(features.outWeights), [N, C]),
      [n.y]: this.tensor(Float64Array.from(targets), [m, C]),
    };
    return async (p) => {
      const out = await session.run({ ...feeds, [n.p]: this.tensor(p, [N, 1]) });
      return { residual: out[n.residual].data as Float64Array, projected: out[n.projected].data as Float64Array };
    };
  }

  /** The hull graph has a slot of its own: bisection alternates hull solves and GD replays, which must not evict each other. */
  private async hullSession(spec: HullGraphSpec): Promise<Ort.InferenceSession> {
    const key = JSON.stringify(spec);
    if (this.hull?.key !== key) {
      await this.releaseHullSession();
      this.hull = {
        key,
        session: this.ort.InferenceSession.create(buildHullGraph(spec), this.sessionOptions(spec.m * spec.N)),
      };
    }
    return this.hull.session;
  }

  private async releaseHullSession(): Promise<void> {
    const hull = this.hull;
    this.hull = null;
    if (hull) await (await hull.session).release();
  }

  private async releaseSessions(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    this.cachedShape = null;
    for (const s of sessions) await (await s).release();
  }

  async stability(weights: TwoLayerWeights, data: EngineData, opts?: StabilityOptions): Promise<StabilityInfo> {
    const op = 'stability (onnx)';
    requireConsistentWeights(weights, op);
    requireEngineData(data, weights, op);
    const iteration = stabilityIteration(weights, data.m, opts, op);
    const spec: OperatorGraphSpec = {
      precision: this.precision,
      parameterisation: weights.parameterisation,
      m: data.m,
      d: data.d,
      N: weights.width,
      C: weights.outputs,
    };
    const n = OPERATOR_NAMES;
    const state = this.startState(weights);
    const x = this.tensor(this.hostPrecision(data.x), [data.m, data.d]);
    const activationSession = await this.cachedSession(spec, `activations ${JSON.stringify(spec)}`, () =>
      buildActivationGraph(spec),
    );
    const activations = await activationSession.run({ [n.x]: x, [n.w]: this.tensor(state.w, [spec.N, spec.d]) });
    const fixed = {
      [n.x]: x,
      [n.activations]: activations[n.activations],
      [n.v]: this.tensor(state.v, [spec.N, spec.C]),
      [n.outputScale]: this.scalar(outputScale(weights)),
    };
    const session = await this.cachedSession(spec, `operator ${JSON.stringify(spec)}`, () => buildOperatorGraph(spec));
    return runWithAsync(iteration, async (q) => {
      const values = this.precision === 'float64' ? q : Float32Array.from(q);
      const out = await session.run({ ...fixed, [n.q]: this.tensor(values, [data.m, spec.C]) });
      return requireFiniteProduct(Float64Array.from(out[n.product].data as HostArray));
    });
  }

  /** A float32 host array in this engine's precision. */
  hostPrecision(values: Float32Array): HostArray {
    return this.precision === 'float64' ? Float64Array.from(values) : values;
  }

  async featureGram(weights: TwoLayerWeights, data: EngineData): Promise<FeatureGram> {
    const op = 'featureGram (onnx)';
    requireConsistentWeights(weights, op);
    requireEngineData(data, weights, op);
    const spec: GramGraphSpec = {
      precision: this.precision,
      m: data.m,
      d: data.d,
      N: weights.width,
      C: weights.outputs,
    };
    const session = await this.cachedSession(spec, `gram ${JSON.stringify(spec)}`, () => buildGramGraph(spec));
    const scale = neuronScale(weights);
    const outWeights = Float64Array.from(weights.v, (value) => value * scale);
    const out = await session.run({
      [GRAM_NAMES.x]: this.tensor(this.hostPrecision(data.x), [data.m, data.d]),
      [GRAM_NAMES.y]: this.tensor(this.hostPrecision(data.y), [data.m, data.outputs]),
      [GRAM_NAMES.w]: this.tensor(this.hostPrecision(weights.w), [weights.width, weights.inputDim]),
      [GRAM_NAMES.outWeights]: this.tensor(this.precision === 'float64' ? outWeights : Float32Array.from(outWeights), [
        weights.width,
        weights.outputs,
      ]),
    });
    const float32 = (name: string) => {
      const values = out[name].data as HostArray;
      return values instanceof Float32Array ? values : Float32Array.from(values);
    };
    return {
      activations: float32(GRAM_NAMES.activations),
      gram: float32(GRAM_NAMES.gram),
      projections: Float64Array.from(out[GRAM_NAMES.projections].data as HostArray),
    };
  }

  async dispose(): Promise<void> {
    await this.releaseSessions();
    await this.releaseHullSession();
  }
}

/** Never consulted by the self-test (it cannot diverge in one step), but DivergenceError needs one. */
const SELF_TEST_STABILITY: StabilityInfo = {
  lambdaMaxH0: 1,
  limit: 2,
  limitFormula: '2/λ',
  converged: true,
  relativeResidual: 0,
  tolerance: 1,
  iterations: 0,
};

/** The largest power of two ≤ MAX_UNROLL that does not step past the next checkpoint or T. */
function chunkSize(t: number, sortedStops: number[], iterations: number): number {
  const nextStop = sortedStops.find((s) => s > t) ?? iterations;
  const room = Math.min(nextStop, iterations) - t;
  let k = 1;
  while (k * 2 <= Math.min(room, MAX_UNROLL)) k *= 2;
  return k;
}

/** One training call's feeds and evolving weights. */
class OrtRun {
  readonly shape: Omit<TwoLayerWeights, 'w' | 'v'>;
  private w: Ort.Tensor;
  private v: Ort.Tensor;
  private readonly fixedFeeds: Record<string, Ort.Tensor>;
  private readonly divergence: Omit<DivergenceContext, 'initialResidual'>;

  constructor(
    private readonly engine: OnnxEngine,
    initial: TwoLayerWeights,
    private readonly data: EngineData,
    private readonly opts: TrainOptions,
    stability: StabilityInfo,
  ) {
    const { parameterisation, width, inputDim, outputs } = initial;
    this.shape = { parameterisation, width, inputDim, outputs };
    const start = engine.startState(initial);
    this.w = engine.tensor(start.w, [width, inputDim]);
    this.v = engine.tensor(start.v, [width, outputs]);
    const c = outputScale(initial);
    // ηN on L = R/(2m) is a step ηN/m on ½R (THEORY.md §1); SGD scales its batch gradient by m/b.
    const step = parameterisation === 'meanfield' ? (opts.eta * width) / data.m : opts.eta;
    const batchScale = opts.batch ? data.m / opts.batch.size : 1;
    this.fixedFeeds = {
      [NAMES.x]: engine.tensor(engine.hostPrecision(data.x), [data.m, inputDim]),
      [NAMES.y]: engine.tensor(engine.hostPrecision(data.y), [data.m, outputs]),
      [NAMES.outputScale]: engine.scalar(c),
      [NAMES.stepScale]: engine.scalar(step * c * batchScale),
    };
    let labelNorm2 = 0;
    for (const value of data.y) labelNorm2 += value * value;
    const factor = opts.divergenceFactor ?? DEFAULT_DIVERGENCE_FACTOR;
    this.divergence = { labelNorm2, factor, eta: opts.eta, stability };
  }

  state(): { w: HostArray; v: HostArray } {
    return { w: this.w.data as HostArray, v: this.v.data as HostArray };
  }

  /** Runs `steps` updates from local step t (0: only R at the current weights); returns R before each. */
  async advance(steps: number, startStep: number, t: number): Promise<number[]> {
    const spec: StepGraphSpec = {
      parameterisation: this.shape.parameterisation,
      precision: this.engine.elementPrecision,
      m: this.data.m,
      d: this.data.d,
      N: this.shape.width,
      C: this.shape.outputs,
      steps,
      batch: steps > 0 && this.opts.batch ? this.opts.batch.size : null,
    };
    const session = await this.engine.session(spec);
    const feeds: Record<string, Ort.Tensor> = { [NAMES.w]: this.w, [NAMES.v]: this.v };
    for (const name of session.inputNames) if (this.fixedFeeds[name]) feeds[name] = this.fixedFeeds[name];
    if (spec.batch !== null && this.opts.batch) {
      for (let i = 0; i < steps; i++) {
        const rows = sgdBatchIndices(this.opts.batch, this.data.m, startStep + t + i);
        feeds[NAMES.batchIndices(i)] = this.engine.tensor(BigInt64Array.from(rows, BigInt), [rows.length]);
      }
    }
    const out = await session.run(feeds);
    if (steps > 0) {
      this.w = out[NAMES.nextW];
      if (this.shape.parameterisation === 'meanfield') this.v = out[NAMES.nextV];
    }
    return Array.from(out[NAMES.residuals].data as HostArray);
  }

  check(t: number, value: number, initialResidual: number): void {
    checkDivergence(t, value, { ...this.divergence, initialResidual });
  }

  diverged(t: number, initialResidual: number): never {
    const { eta, stability } = this.divergence;
    throw new DivergenceError(eta, stability.limit, t, NaN, initialResidual, stability);
  }
}
