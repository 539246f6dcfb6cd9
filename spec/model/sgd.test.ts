import { initBackend } from '../../src/backend';
import { generateSynthetic } from '../../src/data/synthetic';
import { toTensors, type DataTensors } from '../../src/data/tensors';
import { initNetwork } from '../../src/model/init';
import { trainNetwork } from '../../src/model/train';
import { Rng } from '../../src/rng';

let data: DataTensors;
beforeAll(async () => {
  await initBackend();
  data = toTensors(generateSynthetic({ m: 24, d: 6, labels: 'teacher', seed: 4 }));
});
afterAll(() => data.dispose());

const initial = () =>
  initNetwork({ parameterisation: 'meanfield', width: 40, inputDim: 6, outputs: 1, rng: new Rng(8) });

describe('minibatch SGD', () => {
  it('with the batch equal to the whole dataset, SGD takes the same steps as full-batch GD (up to float32 summation order)', () => {
    const gd = trainNetwork(initial(), data, { eta: 1, iterations: 30, checkpoints: [0, 30] });
    const sgd = trainNetwork(initial(), data, {
      eta: 1,
      iterations: 30,
      checkpoints: [0, 30],
      batch: { size: 24, rng: new Rng(1) },
    });
    for (let t = 0; t <= 30; t++)
      expect(Math.abs(sgd.residuals[t] - gd.residuals[t])).toBeLessThanOrEqual(1e-4 * gd.residuals[0]);
  });

  it('small batches still decrease the full-batch residual, and the same seed gives the same run', () => {
    const run = (seed: number) =>
      trainNetwork(initial(), data, {
        eta: 0.5,
        iterations: 200,
        checkpoints: [0, 200],
        batch: { size: 6, rng: new Rng(seed) },
      });
    const a = run(3);
    const b = run(3);
    const c = run(4);
    expect(a.residuals[200]).toBeLessThan(0.5 * a.residuals[0]);
    expect(Array.from(b.residuals)).toEqual(Array.from(a.residuals));
    expect(Array.from(c.residuals)).not.toEqual(Array.from(a.residuals));
  });

  it('rejects a batch size outside [1, m], naming it', () => {
    expect(() =>
      trainNetwork(initial(), data, { eta: 1, iterations: 2, batch: { size: 25, rng: new Rng(1) } }),
    ).toThrow(/batch\.size must be an integer in \[1, m = 24\], got 25/);
    expect(() => trainNetwork(initial(), data, { eta: 1, iterations: 2, batch: { size: 0, rng: new Rng(1) } })).toThrow(
      /batch\.size/,
    );
  });
});
