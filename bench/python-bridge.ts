/**
 * `node dist/bench/python-bridge.js [--m 400] [--width 1000] [--calls 30]`: what one `prune` call through the
 * Python bridge costs on its own — a pruner that does no work, called with the inputs of an m × N network — next to
 * the bytes it ships and NumPy's time to build the (N, m, C) float64 features from them. Median ms over the calls.
 * Figures, not assertions.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { initBackend } from '../src/backend';
import { tf } from '../src/backend/tf';
import { generateSynthetic } from '../src/data/synthetic';
import { toTensors } from '../src/data/tensors';
import { disposeNeuronFeatures, neuronFeatures } from '../src/model/features';
import { initNetwork } from '../src/model/init';
import { loadPythonPruner, pythonInterpreter } from '../src/interop/python/python-pruner';
import { Rng } from '../src/rng';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** NumPy's median ms to build the features from the shipped factors, in the same interpreter. */
function numpyFeatureBuildMs(m: number, N: number): number {
  const script = `
import timeit, numpy as np
a = np.random.default_rng(0).random((${m}, ${N}), dtype=np.float32); v = np.ones((${N}, 1), dtype=np.float32)
build = lambda: a.astype(np.float64).T[:, :, None] * v.astype(np.float64)[:, None, :]
print(1000 * min(timeit.repeat(build, number=1, repeat=30)))`;
  const r = spawnSync(pythonInterpreter(), ['-c', script], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

async function main(): Promise<void> {
  const m = flag('m', 400);
  const N = flag('width', 1000);
  const calls = flag('calls', 30);
  const d = 10;
  await initBackend();
  const ds = generateSynthetic({ m, d, labels: 'teacher', seed: 1 });
  const weights = initNetwork({ parameterisation: 'ntk', width: N, inputDim: d, outputs: 1, rng: new Rng(1) });
  const tensors = toTensors(ds);
  const features = neuronFeatures(weights, tensors.x);
  const pruner = await loadPythonPruner(resolve(__dirname, '../../bench/fixtures/trivial_pruner.py'), 'trivial');
  try {
    const input = { features, targets: tensors.y, weights, n: 10, seed: 0 };
    const times: number[] = [];
    for (let i = 0; i < calls + 3; i++) {
      const started = performance.now();
      await pruner.prune(input);
      if (i >= 3) times.push(performance.now() - started);
    }
    const shipped = 4 * (m * N + N + m + N * d + N);
    const built = 8 * N * m;
    const result = {
      m,
      N,
      d,
      python: pruner.runtime,
      medianCallMs: Number(median(times).toFixed(2)),
      bytesShipped: shipped,
      featureBytesBuiltInPython: built,
      numpyFeatureBuildMs: Number(numpyFeatureBuildMs(m, N).toFixed(2)),
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await pruner.close();
    disposeNeuronFeatures(features);
    tensors.dispose();
    tf.disposeVariables();
  }
}

void main();
