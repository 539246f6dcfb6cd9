/**
 * Timing of greedy selection at N = 1000, m = 10000, C = 10, n = 100 (the budget: ≤ 10 ms per step,
 * ≤ 1.5 s per selection including the precompute). Not part of the test suite (jest only picks up
 * *.test.ts); run it with
 *   npx jest --testMatch '**' --testPathPatterns greedy.bench spec/pruning
 */
import { loadavg } from 'os';
import { initBackend, describeBackend } from '../../src/backend';
import { tf, type Tensor2D } from '../../src/backend/tf';
import { Rng } from '../../src/rng';
import { greedyPruner, runGreedy, type GreedyStrategy } from '../../src/pruning/greedy';
import { lossCurve } from '../../src/pruning/subnetwork';
import type { NeuronFeatures, PruneInput } from '../../src/pruning/types';

const m = 10_000;
const N = 1_000;
const C = 10;
const d = 50;
const n = 100;

function benchInput(): PruneInput & { dispose(): void } {
  const rng = new Rng(7);
  const x = tf.tensor2d(rng.fork('x').normalArray(m * d), [m, d]);
  const xUnit = tf.div(x, tf.norm(x, 'euclidean', 1, true));
  const w = rng.fork('w').normalArray(N * d);
  const v = rng.fork('v').normalArray(N * C);
  const wT = tf.transpose(tf.tensor2d(w, [N, d]));
  const activations = tf.relu(tf.matMul(xUnit, wT)) as Tensor2D;
  const activationsT = tf.transpose(activations) as Tensor2D;
  const outWeights = tf.tensor2d(v, [N, C]);
  const classes = Array.from({ length: m }, () => rng.int(C));
  const targets = tf.oneHot(tf.tensor1d(classes, 'int32'), C).toFloat() as Tensor2D;
  [x, xUnit, wT].forEach((t) => t.dispose());
  const features: NeuronFeatures = { activations, activationsT, outWeights, m, width: N, outputs: C };
  return {
    features,
    targets,
    n,
    seed: 1,
    weights: { parameterisation: 'meanfield', width: N, inputDim: d, outputs: C, w, v },
    dispose: () => [activations, activationsT, outWeights, targets].forEach((t) => t.dispose()),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Wall and process CPU time (the machines are shared: CPU time is the less noisy of the two). */
function timeSelection(input: PruneInput, strategy: GreedyStrategy) {
  const stamps: number[] = [];
  const cpuStart = cpuMs();
  const start = performance.now();
  const selection = runGreedy(input.features, input.targets, n, {
    strategy,
    onStep: () => stamps.push(performance.now()),
  });
  const total = performance.now() - start;
  const cpu = cpuMs() - cpuStart;
  // Step k's time runs from pick k−1 to pick k (scores + the previous pick's row update).
  const steps = stamps.slice(1).map((t, i) => t - stamps[i]);
  return {
    selection,
    total,
    cpu,
    firstPick: stamps[0] - start,
    medianStep: median(steps),
    maxStep: Math.max(...steps),
  };
}

/** The expanded-form loss from the float32 Gram, to measure its cancellation error against lossCurve. */
function gramIdentityLosses(input: PruneInput, selection: number[]): number[] {
  const gram = tf.tidy(() => {
    const vT = tf.transpose(input.features.outWeights);
    return tf
      .mul(tf.matMul(input.features.activationsT, input.features.activations), tf.matMul(input.features.outWeights, vT))
      .dataSync();
  });
  const b = tf.tidy(() =>
    tf.sum(tf.mul(tf.matMul(input.features.activationsT, input.targets), input.features.outWeights), 1).dataSync(),
  );
  const y = input.targets.dataSync();
  let yy = 0;
  for (const value of y) yy += value * value;
  const c = new Float64Array(N);
  let ss = 0;
  let sy = 0;
  return selection.map((r, i) => {
    ss += 2 * c[r] + gram[r * N + r];
    sy += b[r];
    for (let q = 0; q < N; q++) c[q] += gram[r * N + q];
    const k = i + 1;
    return (ss / k ** 2 - (2 * sy) / k + yy) / (2 * m);
  });
}

/** The machine's current matmul rate (shared machines: compare with docs/ENGINES.md's 29.5 GFLOP/s idle). */
function calibration(input: PruneInput): string {
  const product = () => tf.tidy(() => tf.matMul(input.features.activationsT, input.features.activations).dataSync());
  product();
  const cpuStart = cpuMs();
  const start = performance.now();
  product();
  const wall = performance.now() - start;
  const cpu = cpuMs() - cpuStart;
  const gflop = (2 * N * N * m) / 1e9;
  return `calibration: ${N}×${m}×${N} matmul wall ${wall.toFixed(0)} ms (${(gflop / (wall / 1000)).toFixed(1)} GFLOP/s), CPU ${cpu.toFixed(0)} ms (${(gflop / (cpu / 1000)).toFixed(1)} GFLOP/s)`;
}

it('greedy timing at N = 1000, m = 10000, C = 10, n = 100', async () => {
  const info = await initBackend();
  const input = benchInput();
  try {
    timeSelection(input, 'gram'); // warm-up: wasm kernels and allocator
    const lines = [
      `backend: ${describeBackend(info)}; load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
    ];
    for (const strategy of ['gram', 'rows', 'auto'] as const) {
      const runs = [0, 1, 2].map(() => timeSelection(input, strategy));
      const best = runs.reduce((a, b) => (a.total < b.total ? a : b));
      lines.push(
        `${strategy}: selection wall ${runs.map((r) => r.total.toFixed(0)).join(' / ')} ms, CPU ${runs.map((r) => r.cpu.toFixed(0)).join(' / ')} ms; ` +
          `time to first pick ${best.firstPick.toFixed(0)} ms; per step median ${best.medianStep.toFixed(3)} ms, max ${best.maxStep.toFixed(3)} ms`,
      );
      expect(best.selection).toEqual(runs[0].selection);
    }
    const pruneCpu = cpuMs();
    const pruneStart = performance.now();
    const result = greedyPruner().prune(input) as { selection: number[]; lossPerStep: number[] };
    const pruneTotal = performance.now() - pruneStart;
    const pruneCpuTotal = cpuMs() - pruneCpu;
    const curveCpu = cpuMs();
    const curveStart = performance.now();
    const exact = lossCurve(input.features, input.targets, result.selection);
    const curveTime = performance.now() - curveStart;
    const curveCpuTotal = cpuMs() - curveCpu;
    lines.push(
      `greedyPruner().prune (validation + selection + lossCurve): wall ${pruneTotal.toFixed(0)} ms, CPU ${pruneCpuTotal.toFixed(0)} ms; ` +
        `lossCurve alone wall ${curveTime.toFixed(0)} ms, CPU ${curveCpuTotal.toFixed(0)} ms; distinct picks ${new Set(result.selection).size}`,
    );
    lines.push(calibration(input));
    const expanded = gramIdentityLosses(input, result.selection);
    const relative = exact.map((loss, i) => Math.abs(expanded[i] - loss) / loss);
    lines.push(
      `loss at n = 1, 10, 100: ${[0, 9, 99].map((i) => exact[i].toPrecision(6)).join(', ')}; ` +
        `expanded Gram-identity loss vs direct: max relative error ${Math.max(...relative).toExponential(2)}`,
    );
    lines.push(
      `selections agree between strategies: ${JSON.stringify(timeSelection(input, 'gram').selection) === JSON.stringify(result.selection)}`,
    );
    console.log(lines.join('\n'));
  } finally {
    input.dispose();
  }
});
