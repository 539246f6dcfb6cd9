import { initBackend } from '../../src/backend';
import { tf } from '../../src/backend/tf';
import { generateSynthetic } from '../../src/data/synthetic';
import { disposeNeuronFeatures, neuronFeatures } from '../../src/model/features';
import { initNetwork } from '../../src/model/init';
import { BUILTIN_PRUNERS } from '../../src/pruning';
import { Rng } from '../../src/rng';

beforeAll(async () => {
  await initBackend();
});

describe('prefix consistency of the built-in pruners', () => {
  it('for each n, every built-in pruner returns the first n picks of its selection at a larger n (the harness relies on it)', async () => {
    const ds = generateSynthetic({ m: 12, d: 4, labels: 'teacher', seed: 3 });
    const weights = initNetwork({ parameterisation: 'meanfield', width: 30, inputDim: 4, outputs: 1, rng: new Rng(5) });
    const x = tf.tensor2d(ds.x, [ds.m, ds.d]);
    const y = tf.tensor2d(ds.y, [ds.m, 1]);
    const features = neuronFeatures(weights, x);
    try {
      for (const pruner of Object.values(BUILTIN_PRUNERS)) {
        expect(pruner.prefixConsistent).toBe(true);
        const long = (await pruner.prune({ features, targets: y, weights, n: 20, seed: 9 })).selection;
        for (const n of [1, 5, 13]) {
          const short = (await pruner.prune({ features, targets: y, weights, n, seed: 9 })).selection;
          expect(short).toEqual(long.slice(0, n));
        }
      }
    } finally {
      disposeNeuronFeatures(features);
      tf.dispose([x, y]);
    }
  });
});
