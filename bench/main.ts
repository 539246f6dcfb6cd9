/**
 * `npm run bench`: speed of each numerical kernel, as median ms, effective GFLOP/s and the ratio to the
 * bare matrix products the kernel needs; plus the wall time of `verify --quick`. The GD step runs on
 * every engine that loads (onnx, tfjs; bench/engine.ts) next to the NumPy peer; the other kernels run
 * on the tfjs backend (one backend per process: pass --backend to pick another).
 * Figures, not assertions: speed targets are read off this output.
 *
 * Flags: --json (one JSON object on stdout, progress on stderr), --engine onnx|tfjs (default: both),
 * --threads N (onnx intra-op threads), --engine-only (only the engine kernels), --no-quick.
 */
import { cpus, tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { tf, tidyRead, type Tensor2D } from '../src/backend/tf';
import { describeBackend, initBackend, parseBackendName } from '../src/backend';
import { generateSynthetic } from '../src/data/synthetic';
import { toTensors } from '../src/data/tensors';
import { featureGeometry } from '../src/kernel/geometry';
import { kernelSpectrum } from '../src/kernel/gram';
import { hullDistance } from '../src/kernel/hull';
import { neuronFeatures, disposeNeuronFeatures } from '../src/model/features';
import { initNetwork } from '../src/model/init';
import { stabilityInfo } from '../src/model/stability';
import { trainNetwork } from '../src/model/train';
import type { Parameterisation } from '../src/model/types';
import { runGreedy } from '../src/pruning/greedy';
import { getPruner } from '../src/pruning';
import { measureCheckpoint } from '../src/pipeline/measure';
import { hullProductsOn } from '../src/pipeline/features';
import { GRAM_PER_CHECKPOINT_MAX_M } from '../src/experiment/run';
import { Rng } from '../src/rng';
import { createOnnxEngine, type Engine } from '../src/engine';
import type { Dataset } from '../src/data/types';
import { parseEngineName } from '../src/engine';
import { benchEngines, type KernelRow, type KernelShape } from './engine';

interface Row {
  kernel: string;
  engine: string;
  shape: KernelShape;
  medianMs: number;
  gflops: number | null;
  bareMatmulMs: number | null;
}

const rows: Row[] = [];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timeItAsync(fn: () => Promise<void>, repeats: number, warmups = 1): Promise<number> {
  for (let i = 0; i < warmups; i++) await fn(); // warm-up: sessions, JIT
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

function timeIt(fn: () => void, repeats: number): number {
  fn(); // warm-up: kernels compile, buffers allocate
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** A synthetic classification-shaped dataset: unit inputs, one-hot labels. */
function mnistShaped(m: number, d: number, C: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const x = new Float32Array(m * d);
  const y = new Float32Array(m * C);
  const classes = new Int32Array(m);
  for (let j = 0; j < m; j++) {
    let s = 0;
    for (let k = 0; k < d; k++) {
      const v = Math.abs(rng.normal());
      x[j * d + k] = v;
      s += v * v;
    }
    for (let k = 0; k < d; k++) x[j * d + k] /= Math.sqrt(s);
    classes[j] = rng.int(C);
    y[j * C + classes[j]] = 1;
  }
  return { name: `bench(m=${m},d=${d},C=${C})`, m, d, outputs: C, x, y, classes };
}

function record(
  kernel: string,
  shape: KernelShape,
  medianMs: number,
  flops: number | null,
  bareMatmulMs: number | null,
  engine = 'tfjs',
): void {
  const gflops = flops === null ? null : flops / (medianMs * 1e6);
  rows.push({ kernel, engine, shape, medianMs, gflops, bareMatmulMs });
}

function shapeText(shape: KernelShape): string {
  return (['m', 'd', 'N', 'C'] as const).flatMap((k) => (shape[k] === undefined ? [] : [`${k}=${shape[k]}`])).join(' ');
}

/** The matrix products of one GD step alone, same shapes and orientation as the step uses. */
function bareStepMatmuls(m: number, d: number, N: number, C: number, meanfield: boolean): number {
  const rng = new Rng(7);
  const x = tf.tensor2d(rng.normalArray(m * d), [m, d]);
  const xT = tf.tensor2d(rng.normalArray(d * m), [d, m]);
  const wT = tf.tensor2d(rng.normalArray(d * N), [d, N]);
  const v = tf.tensor2d(rng.normalArray(N * C), [N, C]);
  const vT = tf.tensor2d(rng.normalArray(C * N), [C, N]);
  const e = tf.tensor2d(rng.normalArray(m * C), [m, C]);
  const eT = tf.tensor2d(rng.normalArray(C * m), [C, m]);
  const ms = timeIt(() => {
    tf.tidy(() => {
      const z = tf.matMul(x, wT);
      const u = tf.matMul(z, v);
      const back = tf.matMul(e, vT);
      const g = tf.matMul(xT, back);
      const outs = [u, g];
      if (meanfield) outs.push(tf.matMul(eT, z));
      for (const o of outs) o.dataSync();
    });
  }, 7);
  tf.dispose([x, xT, wT, v, vT, e, eT]);
  return ms;
}

function benchGdStep(parameterisation: Parameterisation, m: number, d: number, N: number, C: number): void {
  const ds = mnistShaped(m, d, C, 1);
  const tensors = toTensors(ds);
  const w0 = initNetwork({ parameterisation, width: N, inputDim: d, outputs: C, rng: new Rng(1) });
  const stability = stabilityInfo(w0, tensors);
  const eta = stability.limit / 4;
  const steps = 10;
  const ms =
    timeIt(() => {
      trainNetwork(w0, tensors, { eta, iterations: steps, checkpoints: [0], stability });
    }, 3) / steps;
  const meanfield = parameterisation === 'meanfield';
  const flops = 4 * m * d * N + 4 * m * N * C + (meanfield ? 2 * m * N * C : 0);
  record(`GD step (${parameterisation})`, { m, d, N, C }, ms, flops, bareStepMatmuls(m, d, N, C, meanfield));
  tensors.dispose();
}

/**
 * Tensor count over 1,000 GD steps. The trainer keeps up to 32 residual scalars pending between reads
 * (reading R every step costs a sync), so the count may rise by at most that many between reads; it must
 * come back to the same value after every read and to the starting count at the end.
 */
function benchMemoryFlat(m: number, d: number, N: number): string {
  const ds = mnistShaped(m, d, 10, 2);
  const tensors = toTensors(ds);
  const w0 = initNetwork({ parameterisation: 'meanfield', width: N, inputDim: d, outputs: 10, rng: new Rng(1) });
  const before = tf.memory().numTensors;
  const counts: number[] = [];
  trainNetwork(w0, tensors, {
    eta: 0.1,
    iterations: 1000,
    checkpoints: [0, 1000],
    onProgress: () => counts.push(tf.memory().numTensors),
  });
  const after = tf.memory().numTensors;
  tensors.dispose();
  const low = Math.min(...counts);
  const high = Math.max(...counts);
  const lowAtStart = counts.slice(0, 64).reduce((a, b) => Math.min(a, b), Infinity);
  const lowAtEnd = counts.slice(-64).reduce((a, b) => Math.min(a, b), Infinity);
  const flat = after === before && lowAtStart === lowAtEnd && high - low <= 32;
  return `tensors over 1,000 GD steps: before ${before}, during ${low}–${high} (≤ 32 pending R scalars), lowest in the first/last 64 steps ${lowAtStart}/${lowAtEnd}, after ${after} → ${flat ? 'flat' : 'NOT FLAT (leak)'}`;
}

function benchGreedy(m: number, N: number, C: number, n: number): void {
  const ds = mnistShaped(m, 784, C, 3);
  const tensors = toTensors(ds);
  const w = initNetwork({ parameterisation: 'meanfield', width: N, inputDim: 784, outputs: C, rng: new Rng(2) });
  const features = neuronFeatures(w, tensors.x);
  // Per-step time from the step callback's timestamps (the first step also pays for the precompute).
  const stepTimes = (strategy: 'gram' | 'auto'): { total: number; precompute: number; step: number } => {
    const stamps: number[] = [];
    const t0 = performance.now();
    runGreedy(features, tensors.y, n, { strategy, onStep: () => stamps.push(performance.now()) });
    const deltas = stamps.slice(1).map((t, i) => t - stamps[i]);
    return { total: stamps[stamps.length - 1] - t0, precompute: stamps[0] - t0, step: median(deltas) };
  };
  stepTimes('gram'); // warm-up
  const gram = stepTimes('gram');
  const auto = stepTimes('auto');
  const gramFlops = 2 * N * N * m + 2 * N * m * C;
  record('greedy precompute (full N×N Gram)', { m, N, C }, gram.precompute, gramFlops, null);
  record(`greedy step, full Gram (median of ${n})`, { m, N, C }, gram.step, null, null);
  record(`greedy selection n=${n}, full Gram`, { m, N, C }, gram.total, gramFlops, null);
  record(`greedy step, lazy rows (median of ${n})`, { m, N, C }, auto.step, 2 * N * m + 2 * N * C, null);
  record(`greedy selection n=${n}, auto (lazy rows)`, { m, N, C }, auto.total, null, null);
  disposeNeuronFeatures(features);
  tensors.dispose();
}

function benchLambda0(m: number, d: number): void {
  const ds = generateSynthetic({ m, d, labels: 'random', seed: 4 });
  const times: number[] = [];
  let method = '';
  for (let i = 0; i < 2; i++) {
    const s = kernelSpectrum(ds);
    times.push(s.seconds * 1000);
    method = s.method;
  }
  record(`λ0 = λ_min(H∞) (${method})`, { m, d }, median(times), null, null);
}

async function benchHullAndGeometry(m: number, N: number, C: number): Promise<void> {
  const ds = C === 1 ? generateSynthetic({ m, d: 16, labels: 'teacher', seed: 5 }) : mnistShaped(m, 64, C, 5);
  const tensors = toTensors(ds);
  const w = initNetwork({ parameterisation: 'meanfield', width: N, inputDim: ds.d, outputs: C, rng: new Rng(3) });
  const features = neuronFeatures(w, tensors.x);
  const perIteration = 4 * m * N * C;
  for (const stopWhenDecided of [false, true]) {
    let iterations = 0;
    const hullMs = await timeItAsync(async () => {
      iterations = (await hullDistance(features, tensors.y, { stopWhenDecided })).iterations;
    }, 2);
    const what = stopWhenDecided ? 'hull membership (stop when decided)' : 'hull distance (to tolerance)';
    record(`${what}, ${iterations} it`, { m, N, C }, hullMs, perIteration * iterations, null);
  }
  const geoMs = timeIt(() => featureGeometry(features, tensors.y), 2);
  record('feature geometry (D_t, D_y, ρ_t)', { m, N, C }, geoMs, 2 * N * N * m, null);
  disposeNeuronFeatures(features);
  tensors.dispose();
}

/**
 * The hull solver to tolerance with float64 products, at a synthetic shape below its float64 size limit (where
 * verify's hull solves run near the boundary for thousands of iterations): its own JS loops, or the engine's graph.
 */
async function benchFloat64Hull(m: number, N: number, engine?: Engine): Promise<void> {
  const data = generateSynthetic({ m, d: 16, labels: 'teacher', seed: 5 });
  const tensors = toTensors(data);
  const w = initNetwork({ parameterisation: 'meanfield', width: N, inputDim: data.d, outputs: 1, rng: new Rng(3) });
  const features = neuronFeatures(w, tensors.x);
  const products = engine ? hullProductsOn({ engine, data, x: tensors.x }, features, tensors.y) : undefined;
  let iterations = 0;
  const ms = await timeItAsync(async () => {
    const options = { precision: 'float64' as const, maxIterations: 2000, ...(products ? { products } : {}) };
    iterations = (await hullDistance(features, tensors.y, options)).iterations;
  }, 2);
  const where = engine ? engine.description.name : 'js';
  record(`hull distance, float64 products, ${iterations} it`, { m, N, C: 1 }, ms, 4 * m * N * iterations, null, where);
  disposeNeuronFeatures(features);
  tensors.dispose();
}

/**
 * One checkpoint as `verify` measures it (geometry, hull membership, B4's ball, three pruners at two sizes, λ_min(H(t))
 * only up to m = GRAM_PER_CHECKPOINT_MAX_M): at the synthetic preset's shapes and at the MNIST preset's (on
 * MNIST-shaped random data, with 1,000 held-out rows). With an engine, the training features and their Gram come
 * from it, as in `verify` (whose workers run one engine thread each); without, everything runs on tfjs.
 */
async function benchCheckpoint(m: number, N: number, mnist: boolean, engine?: Engine): Promise<void> {
  const data = mnist ? mnistShaped(m, 784, 10, 6) : generateSynthetic({ m, d: 16, labels: 'teacher', seed: 6 });
  const held = mnist ? mnistShaped(1000, 784, 10, 7) : null;
  const tensors = toTensors(data);
  const weights = initNetwork({
    parameterisation: 'meanfield',
    width: N,
    inputDim: data.d,
    outputs: data.outputs,
    rng: new Rng(6),
  });
  const heldOut = held ? { x: tf.tensor2d(held.x, [held.m, held.d]) as Tensor2D, classes: held.classes! } : null;
  const ctx = {
    ...(engine ? { engine } : {}),
    data,
    x: tensors.x,
    y: tensors.y,
    heldOut,
    pruners: ['greedy', 'random', 'magnitude'].map(getPruner),
    subnetworkSizes: mnist ? [20, 100] : [50, 200],
    hullTolerance: 1e-6 * 2 * m,
    hullMaxIterations: 3000,
    ballSupport: true,
    maxKernelM: GRAM_PER_CHECKPOINT_MAX_M,
    seed: 1,
    initialResidual: 1,
  };
  // Steady state, as in a run (14 checkpoints and the bisection probes in one worker): the first two evaluations
  // of a shape still compile (JIT, sessions) and are 1.2–2× slower.
  const ms = await timeItAsync(
    async () => {
      await measureCheckpoint(0, 1, weights, ctx);
    },
    5,
    2,
  );
  const which = mnist ? 'MNIST preset' : 'synthetic preset';
  const shape = { m, d: data.d, N, C: data.outputs };
  record(`one checkpoint evaluation (${which})`, shape, ms, null, null, engine?.description.name ?? 'tfjs');
  heldOut?.x.dispose();
  tensors.dispose();
}

/** The onnx engine with one thread, as each of verify's workers runs it, when it is among the benched engines and loads. */
async function checkpointEngine(engines: string[]): Promise<Engine[]> {
  if (!engines.includes('onnx')) return [];
  try {
    return [await createOnnxEngine({ threads: 1 })];
  } catch {
    return [];
  }
}

function benchMatmul(n: number): number {
  const rng = new Rng(9);
  const a = tf.tensor2d(rng.normalArray(n * n), [n, n]) as Tensor2D;
  const b = tf.tensor2d(rng.normalArray(n * n), [n, n]) as Tensor2D;
  const ms = timeIt(() => tidyRead(() => [tf.matMul(a, b)]), 5);
  tf.dispose([a, b]);
  record('bare matmul (n×n·n×n)', { m: n, d: n, N: n }, ms, 2 * n ** 3, ms);
  return ms;
}

function quickVerifySeconds(backend: string): string {
  const t0 = performance.now();
  const out = spawnSync(
    process.execPath,
    [
      require.resolve('../src/cli/main.js'),
      'verify',
      '--quick',
      '--quiet',
      '--backend',
      backend,
      '--out',
      `${tmpdir()}/pruneproof-bench-reports`,
    ],
    {
      encoding: 'utf8',
    },
  );
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  return out.status === 0 ? `${s} s` : `exit ${out.status} after ${s} s: ${out.stderr.split('\n').slice(-3).join(' ')}`;
}

function fmt(v: number | null, digits = 3): string {
  return v === null ? '—' : v >= 100 ? v.toFixed(0) : v.toPrecision(digits);
}

interface BenchArgs {
  json: boolean;
  engines: ('onnx' | 'tfjs')[];
  threads: number | undefined;
  engineOnly: boolean;
  skipQuick: boolean;
  backend: ReturnType<typeof parseBackendName> | undefined;
  /** Internal: measure one checkpoint row in this (fresh) process and print it as JSON. */
  checkpointRow: CheckpointRow | null;
}

/** One checkpoint-evaluation row: its shape and the engine it runs on ('tfjs': no engine, everything on tfjs). */
interface CheckpointRow {
  m: number;
  N: number;
  mnist: boolean;
  engine: 'onnx' | 'tfjs';
}

function parseArgs(args: string[]): BenchArgs {
  const value = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  const engine = value('--engine');
  const parsed = engine === undefined ? 'auto' : parseEngineName(engine, '--engine');
  const threads = value('--threads') === undefined ? undefined : Number(value('--threads'));
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) {
    throw new RangeError(`--threads must be a positive integer, got ${value('--threads')}`);
  }
  const backend = value('--backend');
  return {
    json: args.includes('--json'),
    engines: parsed === 'auto' ? ['onnx', 'tfjs'] : [parsed],
    threads,
    engineOnly: args.includes('--engine-only'),
    skipQuick: args.includes('--no-quick') || args.includes('--engine-only'),
    backend: backend === undefined ? undefined : parseBackendName(backend, '--backend'),
    checkpointRow: args.includes('--checkpoint-row')
      ? (JSON.parse(value('--checkpoint-row') ?? 'null') as CheckpointRow)
      : null,
  };
}

/**
 * Each checkpoint row runs in a fresh process, as a verify worker runs its checkpoints: after the other benchmarks
 * the same evaluation is up to 1.4× slower (the JIT's type feedback and the heap hold their large arrays).
 */
function benchCheckpointInChild(row: CheckpointRow, backend: string): void {
  const child = spawnSync(
    process.execPath,
    [__filename, '--backend', backend, '--checkpoint-row', JSON.stringify(row)],
    { encoding: 'utf8' },
  );
  if (child.status !== 0) throw new Error(`checkpoint row ${JSON.stringify(row)} failed: ${child.stderr}`);
  rows.push(...(JSON.parse(child.stdout) as Row[]));
}

async function checkpointRowMain(row: CheckpointRow): Promise<void> {
  const [engine] = row.engine === 'onnx' ? await checkpointEngine(['onnx']) : [];
  if (row.engine === 'onnx' && !engine) throw new Error('the onnx engine does not load');
  await benchCheckpoint(row.m, row.N, row.mnist, engine);
  await engine?.dispose();
  process.stdout.write(JSON.stringify(rows));
}

function printTable(log: (s: string) => void, engineRows: KernelRow[]): void {
  const all = [...engineRows.map((r) => ({ ...r, kernel: r.name, bareMatmulMs: null as number | null })), ...rows];
  const head = `${'kernel'.padEnd(44)} ${'engine'.padEnd(6)} ${'shape'.padEnd(26)} ${'median ms'.padStart(10)}`;
  log(`${head} ${'GFLOP/s'.padStart(8)} ${'matmul ms'.padStart(10)} ${'ratio'.padStart(6)}`);
  for (const r of all) {
    const ratio = r.bareMatmulMs ? fmt(r.medianMs / r.bareMatmulMs) : '—';
    const left = `${r.kernel.padEnd(44)} ${r.engine.padEnd(6)} ${shapeText(r.shape).padEnd(26)} ${fmt(r.medianMs).padStart(10)}`;
    log(`${left} ${fmt(r.gflops).padStart(8)} ${fmt(r.bareMatmulMs).padStart(10)} ${ratio.padStart(6)}`);
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const info = await initBackend(args.backend);
  if (args.checkpointRow) return checkpointRowMain(args.checkpointRow);
  // With --json, stdout carries only the JSON object.
  const log = (s: string) => (args.json ? process.stderr : process.stdout).write(`${s}\n`);
  log(`pruneproof bench: ${describeBackend(info)}; node ${process.version}; ${cpus().length} CPUs`);
  for (const s of info.skipped) log(`  (skipped ${s.name}: ${s.reason})`);
  const engineBench = await benchEngines(args.engines, args.threads, log);
  if (!args.engineOnly) {
    benchMatmul(1024);
    benchGdStep('meanfield', 400, 16, 1000, 1);
    benchGreedy(10000, 1000, 10, 100);
    benchLambda0(2000, 20);
    await benchHullAndGeometry(1000, 1000, 1);
    await benchHullAndGeometry(2000, 1000, 10);
    for (const engine of [...(await checkpointEngine(args.engines)), undefined]) {
      await benchFloat64Hull(320, 1000, engine);
      await engine?.dispose();
      for (const [m, N, mnist] of [
        [400, 1000, false],
        [2000, 1000, false],
        [10000, 200, true],
      ] as const) {
        benchCheckpointInChild({ m, N, mnist, engine: engine ? 'onnx' : 'tfjs' }, info.name);
      }
    }
  }
  const notes = [...engineBench.notes];
  if (!args.engineOnly) notes.push(benchMemoryFlat(1000, 784, 1000));
  notes.push(`peak RSS so far: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  if (!args.skipQuick) notes.push(`verify --quick wall time: ${quickVerifySeconds(info.name)}`);
  const main = engineBench.engines[0];
  if (args.json) {
    const kernels = [
      ...engineBench.rows,
      ...rows.map((r) => ({
        name: r.kernel,
        engine: r.engine,
        shape: r.shape,
        medianMs: r.medianMs,
        gflops: r.gflops,
      })),
    ];
    const report = {
      engine: main?.name ?? null,
      threads: main?.threads ?? null,
      engines: engineBench.engines,
      kernels,
      notes,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  log('');
  printTable(log, engineBench.rows);
  log('');
  for (const n of notes) log(n);
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
