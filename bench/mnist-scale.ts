/**
 * Costs of one (m, seed) run on real MNIST at full-scale shapes, phase by phase, on the tfjs engine:
 * loading, tensors, the stability estimate, one GD step (full batch), one checkpoint measurement.
 * Figures for budgeting the full-scale reference (docs/MNIST.md), not assertions.
 *
 *   npm run build && node dist/bench/mnist-scale.js [--m 1000,10000,60000] [--width 200,1000]
 *       [--parameterisation meanfield,ntk] [--steps 2] [--phases step,stability,checkpoint] [--backend wasm]
 *
 * One JSON line per shape on stdout: wall ms and CPU ms (user + system of this process). The wasm engine is
 * single-threaded, so on a shared machine the CPU time is the better estimate of the idle wall time.
 * Peak RSS of the whole process: run under /usr/bin/time -v.
 */
import { initBackend, describeBackend, parseBackendName } from '../src/backend';
import { tf } from '../src/backend/tf';
import { loadMnistTestSet, loadMnistTrainingSet, mnistHeldOut, mnistSubsets } from '../src/data/mnist';
import { toTensors } from '../src/data/tensors';
import { initNetwork } from '../src/model/init';
import { stabilityInfo, type StabilityInfo } from '../src/model/stability';
import { trainNetwork } from '../src/model/train';
import type { Parameterisation } from '../src/model/types';
import { getPruner } from '../src/pruning';
import { measureCheckpoint } from '../src/pipeline/measure';
import { Rng } from '../src/rng';
import type { Tensor2D } from '../src/backend/tf';

function listArg(name: string, fallback: string): string[] {
  const i = process.argv.indexOf(`--${name}`);
  return (i >= 0 ? process.argv[i + 1] : fallback).split(',');
}

const ms = (t0: number) => Math.round(performance.now() - t0);
/** CPU ms of this process since `c0` (a process.cpuUsage() reading). */
const cpuMs = (c0: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(c0);
  return Math.round((c.user + c.system) / 1000);
};
const mb = (bytes: number) => Math.round(bytes / 1e6);

/** Stand-in for the stability estimate when only the step is timed (it only words divergence messages). */
const UNCHECKED: StabilityInfo = {
  lambdaMaxH0: NaN,
  limit: Infinity,
  limitFormula: 'not estimated (bench)',
  converged: false,
  relativeResidual: NaN,
  tolerance: 0,
  iterations: 0,
};

async function main(): Promise<void> {
  const info = await initBackend(parseBackendName(listArg('backend', 'wasm')[0], '--backend'));
  console.error(`mnist-scale: ${describeBackend(info)}`);
  const sizes = listArg('m', '1000,10000,60000').map(Number);
  const widths = listArg('width', '200,1000').map(Number);
  const parameterisations = listArg('parameterisation', 'meanfield') as Parameterisation[];
  const steps = Number(listArg('steps', '2')[0]);
  const phases = new Set(listArg('phases', 'step'));

  let t0 = performance.now();
  loadMnistTrainingSet();
  loadMnistTestSet();
  console.log(
    JSON.stringify({ phase: 'load IDX (60k train + 10k test)', ms: ms(t0), rssMB: mb(process.memoryUsage().rss) }),
  );
  const heldOut = mnistHeldOut({ count: 1000, seed: 1 });
  for (const m of sizes) {
    t0 = performance.now();
    const [data] = mnistSubsets({ sizes: [m], seed: 1 });
    const subsetMs = ms(t0);
    t0 = performance.now();
    const tensors = toTensors(data);
    const tensorsMs = ms(t0);
    for (const width of widths) {
      for (const parameterisation of parameterisations) {
        const row: Record<string, unknown> = { m, N: width, parameterisation, subsetMs, tensorsMs };
        const w0 = initNetwork({
          parameterisation,
          width,
          inputDim: data.d,
          outputs: data.outputs,
          kappa: 1,
          rng: new Rng(1).fork('init'),
        });
        let stability = UNCHECKED;
        if (phases.has('stability')) {
          t0 = performance.now();
          const c0 = process.cpuUsage();
          stability = stabilityInfo(w0, tensors);
          row.stabilityMs = ms(t0);
          row.stabilityCpuMs = cpuMs(c0);
          row.stabilityProducts = stability.iterations + 1;
        }
        const eta = parameterisation === 'ntk' ? 1e-3 : 1;
        // One step first (kernels compile, buffers allocate), then `steps` timed steps.
        trainNetwork(w0, tensors, { eta, iterations: 1, checkpoints: [0], stability });
        t0 = performance.now();
        const c1 = process.cpuUsage();
        const trained = trainNetwork(w0, tensors, { eta, iterations: steps, checkpoints: [steps], stability });
        row.stepMs = Math.round((performance.now() - t0) / steps);
        row.stepCpuMs = Math.round(cpuMs(c1) / steps);
        if (phases.has('checkpoint')) {
          const last = trained.checkpoints[trained.checkpoints.length - 1];
          const held = { x: tf.tensor2d(heldOut.x, [heldOut.m, heldOut.d]) as Tensor2D, classes: heldOut.classes! };
          t0 = performance.now();
          const c2 = process.cpuUsage();
          const outcome = await measureCheckpoint(last.t, last.residual, last.weights, {
            data,
            x: tensors.x,
            y: tensors.y,
            heldOut: held,
            pruners: ['greedy', 'random', 'magnitude'].map(getPruner),
            subnetworkSizes: [...new Set([20, 100].map((n) => Math.min(n, width)))],
            hullTolerance: 1e-6 * 2 * m,
            hullMaxIterations: 3000,
            ballSupport: true,
            maxKernelM: 2000,
            seed: 1,
            initialResidual: trained.residuals[0],
          });
          row.checkpointMs = ms(t0);
          row.checkpointCpuMs = cpuMs(c2);
          row.hullIterations = outcome.record.hull.iterations;
          row.prunerMs = Object.fromEntries(outcome.record.pruners.map((p) => [p.pruner, Math.round(p.ms)]));
          held.x.dispose();
        }
        row.rssMB = mb(process.memoryUsage().rss);
        row.tfMB = mb(tf.memory().numBytes);
        console.log(JSON.stringify(row));
      }
    }
    tensors.dispose();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
