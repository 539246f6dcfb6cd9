/**
 * Engine kernels for `npm run bench`: the GD step on each engine, the JS↔ORT copy cost, the
 * thread split (one 2-thread session vs two workers with one thread each) and the NumPy peer.
 * Measured with a fixed small η and no eigen-solve: timing does not depend on the values.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { createOnnxEngine, createTfjsEngine, MAX_UNROLL, type Engine, type EngineData } from '../src/engine';
import type { StabilityInfo } from '../src/model/stability';
import { initNetwork } from '../src/model/init';
import type { Parameterisation } from '../src/model/types';
import { Rng } from '../src/rng';

export interface KernelShape {
  m?: number;
  d?: number;
  N?: number;
  C?: number;
}

export interface KernelRow {
  name: string;
  engine: string;
  shape: KernelShape;
  medianMs: number;
  gflops: number | null;
}

/** Only for DivergenceError messages; the bench never diverges (small η, huge factor). */
const BENCH_STABILITY: StabilityInfo = {
  lambdaMaxH0: NaN,
  limit: Infinity,
  limitFormula: 'not computed (bench)',
  converged: false,
  relativeResidual: NaN,
  tolerance: 0,
  iterations: 0,
};

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function stepFlops(p: Parameterisation, m: number, d: number, N: number, C: number): number {
  return 4 * m * d * N + 4 * m * N * C + (p === 'meanfield' ? 2 * m * N * C : 0);
}

/** Unit-norm non-negative inputs and one-hot labels, like MNIST. */
export function benchData(m: number, d: number, C: number, seed: number): EngineData {
  const rng = new Rng(seed);
  const x = new Float32Array(m * d);
  const y = new Float32Array(m * C);
  for (let j = 0; j < m; j++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += (x[j * d + k] = Math.abs(rng.normal())) ** 2;
    for (let k = 0; k < d; k++) x[j * d + k] /= Math.sqrt(s);
    y[j * C + rng.int(C)] = 1;
  }
  return { m, d, outputs: C, x, y };
}

/**
 * Median ms per GD step over `repeats` calls of `steps` steps (after one warm-up call); with `cpu`, the
 * process CPU ms per step instead (less sensitive to other load on a shared machine; 1-thread runs only).
 */
export async function msPerStep(
  engine: Engine,
  p: Parameterisation,
  shape: Required<KernelShape>,
  steps: number,
  repeats: number,
  options: { everyStepCheckpointed?: boolean; cpu?: boolean } = {},
): Promise<number> {
  const { m, d, N, C } = shape;
  const data = benchData(m, d, C, 1);
  const initial = initNetwork({ parameterisation: p, width: N, inputDim: d, outputs: C, rng: new Rng(1) });
  const checkpoints = options.everyStepCheckpointed ? Array.from({ length: steps + 1 }, (_, t) => t) : [0];
  const opts = { eta: 1e-3, iterations: steps, checkpoints, stability: BENCH_STABILITY, divergenceFactor: 1e30 };
  await engine.train(initial, data, opts);
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await engine.train(initial, data, opts);
    const cpu = process.cpuUsage(cpu0);
    times.push((options.cpu ? (cpu.user + cpu.system) / 1000 : performance.now() - t0) / steps);
  }
  return median(times);
}

/** Median ms of `engine.featureGram` (features ReLU(XWᵀ), then G and P) over 3 calls after a warm-up. */
async function featureGramMs(engine: Engine, shape: Required<KernelShape>): Promise<number> {
  const { m, d, N, C } = shape;
  const data = benchData(m, d, C, 3);
  const weights = initNetwork({ parameterisation: 'meanfield', width: N, inputDim: d, outputs: C, rng: new Rng(2) });
  await engine.featureGram(weights, data);
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await engine.featureGram(weights, data);
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** One session.run of a graph that only hands W (N×d) and v (N×C) back: the JS↔ORT copy cost per run. */
export async function copyRoundTripMs(N: number, d: number, C: number, threads: number): Promise<number> {
  const float = onnx.TensorProto.DataType.FLOAT;
  const info = (name: string, dims: number[]) => ({
    name,
    type: { tensorType: { elemType: float, shape: { dim: dims.map((dimValue) => ({ dimValue })) } } },
  });
  const graph = {
    name: 'copy',
    node: [
      { opType: 'Identity', input: ['W'], output: ['W_out'] },
      { opType: 'Identity', input: ['V'], output: ['V_out'] },
    ],
    input: [info('W', [N, d]), info('V', [N, C])],
    output: [info('W_out', [N, d]), info('V_out', [N, C])],
  };
  const model = onnx.ModelProto.encode(
    onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], graph }),
  ).finish();
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: threads });
  const feeds = {
    W: new ort.Tensor(new Float32Array(N * d), [N, d]),
    V: new ort.Tensor(new Float32Array(N * C), [N, C]),
  };
  const times: number[] = [];
  for (let i = 0; i < 21; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    times.push(performance.now() - t0);
  }
  await session.release();
  return median(times.slice(1));
}

/** Per-step ms of two workers, each one 1-thread onnx session, running at once (throughput per step). */
export async function twoWorkersMsPerStep(
  p: Parameterisation,
  shape: Required<KernelShape>,
  steps: number,
): Promise<number> {
  const script = join(__dirname, 'thread-split-worker.js');
  const perWorker = await Promise.all(
    [0, 1].map(
      () =>
        new Promise<number>((resolve, reject) => {
          const worker = new Worker(script, { workerData: { p, shape, steps } });
          worker.once('message', (ms: number) => resolve(ms));
          worker.once('error', reject);
        }),
    ),
  );
  // Each worker reports its own median ms/step while both run; two steps finish per that interval.
  return median(perWorker) / 2;
}

/**
 * The NumPy NTK step (bench/numpy_step.py), OpenBLAS core-type overrides unset (env README): median wall ms
 * with OpenBLAS's default threads, and CPU ms per step with one thread.
 */
export function numpyStep(C: number): { wallMs: number; cpuMs1Thread: number } | string {
  const run = (threads: number | null): number[] | string => {
    const env = { ...process.env };
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
    if (threads !== null) env.OPENBLAS_NUM_THREADS = String(threads);
    const script = join(__dirname, '..', '..', 'bench', 'numpy_step.py');
    const out = spawnSync('python3', [script, String(C)], { encoding: 'utf8', env });
    const values = out.stdout.trim().split(/\s+/).map(Number);
    if (out.status === 0 && values.length === 2 && values.every(Number.isFinite)) return values;
    return `numpy unavailable (${(out.stderr || String(out.error)).trim().split('\n').pop()})`;
  };
  const all = run(null);
  const one = run(1);
  if (typeof all === 'string') return all;
  if (typeof one === 'string') return one;
  return { wallMs: all[0], cpuMs1Thread: one[1] };
}

const CPU_ROW = 'GD step (ntk), CPU ms, 1 thread';

export const GD_SHAPES: Required<KernelShape>[] = [
  { m: 1000, d: 784, N: 1000, C: 1 },
  { m: 1000, d: 784, N: 1000, C: 10 },
];

export interface EngineBench {
  rows: KernelRow[];
  notes: string[];
  engines: { name: string; version: string; threads: number; precision: string }[];
}

/** All engine kernels: GD steps on every engine that loads, copy cost, thread split, NumPy ratio. */
export async function benchEngines(
  names: ('onnx' | 'tfjs')[],
  threads: number | undefined,
  log: (s: string) => void,
): Promise<EngineBench> {
  const rows: KernelRow[] = [];
  const notes: string[] = [];
  const engines: EngineBench['engines'] = [];
  let onnxNtkMs: number | null = null;
  for (const name of names) {
    let engine: Engine;
    try {
      engine = name === 'onnx' ? await createOnnxEngine({ threads }) : await createTfjsEngine();
    } catch (e) {
      notes.push(`engine ${name} skipped: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    const desc = engine.description;
    engines.push({ name: desc.name, version: desc.version, threads: desc.threads, precision: desc.precision });
    for (const p of ['ntk', 'meanfield'] as const) {
      for (const shape of GD_SHAPES) {
        log(`  ${name}: GD step ${p} C=${shape.C}`);
        const ms = await msPerStep(engine, p, shape, name === 'onnx' ? 4 * MAX_UNROLL : 4, 3);
        if (name === 'onnx' && p === 'ntk' && shape.C === 1) onnxNtkMs = ms;
        rows.push({
          name: `GD step (${p})`,
          engine: name,
          shape,
          medianMs: ms,
          gflops: stepFlops(p, shape.m, shape.d, shape.N, shape.C) / (ms * 1e6),
        });
      }
    }
    const oneThread = name === 'onnx' ? await createOnnxEngine({ threads: 1 }) : engine;
    for (const shape of GD_SHAPES) {
      log(`  ${name}: CPU time per NTK step, 1 thread, C=${shape.C}`);
      const cpuMs = await msPerStep(oneThread, 'ntk', shape, name === 'onnx' ? 2 * MAX_UNROLL : 4, 3, { cpu: true });
      rows.push({ name: CPU_ROW, engine: name, shape, medianMs: cpuMs, gflops: null });
    }
    if (oneThread !== engine) await oneThread.dispose();
    log(`  ${name}: feature Gram (greedy precompute)`);
    const gramShape = { m: 10000, d: 784, N: 1000, C: 10 };
    const gramMs = await featureGramMs(engine, gramShape);
    const gramFlops = 2 * gramShape.m * gramShape.d * gramShape.N + 2 * gramShape.N ** 2 * gramShape.m;
    rows.push({
      name: 'feature Gram + projections (greedy precompute)',
      engine: name,
      shape: gramShape,
      medianMs: gramMs,
      gflops: gramFlops / (gramMs * 1e6),
    });
    if (name === 'onnx') {
      const shape = GD_SHAPES[0];
      const oneStepRuns = await msPerStep(engine, 'ntk', shape, 16, 3, { everyStepCheckpointed: true });
      rows.push({
        name: 'GD step (ntk), one step per session.run',
        engine: name,
        shape,
        medianMs: oneStepRuns,
        gflops: null,
      });
      const copy = await copyRoundTripMs(shape.N, shape.d, shape.C, desc.threads);
      rows.push({
        name: 'JS↔ORT round trip of W, v (Identity graph)',
        engine: name,
        shape,
        medianMs: copy,
        gflops: null,
      });
      if (onnxNtkMs !== null) {
        const perRun = ((100 * copy) / onnxNtkMs).toFixed(1);
        const unrolled = ((100 * copy) / MAX_UNROLL / onnxNtkMs).toFixed(2);
        notes.push(
          `copies: one W,v round trip costs ${copy.toFixed(2)} ms = ${perRun} % of an NTK step when one step runs ` +
            `per session.run, ${unrolled} % with ${MAX_UNROLL} unrolled steps per run`,
        );
      }
    }
    await engine.dispose();
  }
  if (names.includes('onnx') && engines.some((e) => e.name === 'onnx')) {
    log('  onnx: thread split');
    const shape = GD_SHAPES[0];
    const split = await twoWorkersMsPerStep('ntk', shape, 4 * MAX_UNROLL);
    rows.push({
      name: 'GD step (ntk), 2 workers × 1 thread, per step',
      engine: 'onnx',
      shape,
      medianMs: split,
      gflops: stepFlops('ntk', 1000, 784, 1000, 1) / (split * 1e6),
    });
    const single = onnxNtkMs ?? NaN;
    const threads = engines.find((e) => e.name === 'onnx')?.threads;
    const winner = single <= split ? 'one multi-threaded run' : 'one thread per worker';
    notes.push(
      `thread split: one run on ${threads} threads ${single.toFixed(1)} ms/step vs two workers × 1 thread ` +
        `${split.toFixed(1)} ms/step of throughput → ${winner} is faster`,
    );
  }
  log('  numpy: NTK step');
  for (const shape of GD_SHAPES) {
    const numpy = numpyStep(shape.C);
    if (typeof numpy === 'string') {
      notes.push(numpy);
      break;
    }
    const flops = stepFlops('ntk', shape.m, shape.d, shape.N, shape.C);
    rows.push({
      name: 'GD step (ntk), NumPy peer',
      engine: 'numpy',
      shape,
      medianMs: numpy.wallMs,
      gflops: flops / (numpy.wallMs * 1e6),
    });
    rows.push({
      name: 'GD step (ntk), NumPy, CPU ms, 1 thread',
      engine: 'numpy',
      shape,
      medianMs: numpy.cpuMs1Thread,
      gflops: null,
    });
    const ours = rows.find((r) => r.engine === 'onnx' && r.name === 'GD step (ntk)' && r.shape.C === shape.C);
    if (ours) {
      const ratio = (numpy.wallMs / ours.medianMs).toFixed(2);
      const times = `${numpy.wallMs.toFixed(1)} / ${ours.medianMs.toFixed(1)} ms`;
      notes.push(`NumPy / onnx NTK step at C = ${shape.C}, wall: ${times} = ${ratio}×`);
    }
    const oursCpu = rows.find((r) => r.engine === 'onnx' && r.name === CPU_ROW && r.shape.C === shape.C);
    if (oursCpu) {
      const ratio = (numpy.cpuMs1Thread / oursCpu.medianMs).toFixed(2);
      const times = `${numpy.cpuMs1Thread.toFixed(1)} / ${oursCpu.medianMs.toFixed(1)}`;
      notes.push(`NumPy / onnx NTK step at C = ${shape.C}, CPU ms on 1 thread: ${times} = ${ratio}×`);
    }
  }
  return { rows, notes, engines };
}
