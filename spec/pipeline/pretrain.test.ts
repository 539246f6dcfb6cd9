/** pretrain with given initial weights (verify --init-weights): training starts from exactly those weights. */
import { initBackend } from '../../src/backend';
import { generateSynthetic } from '../../src/data/synthetic';
import { initNetwork } from '../../src/model/init';
import { pretrain, type PretrainSpec } from '../../src/pipeline/pretrain';
import { Rng } from '../../src/rng';

beforeAll(async () => {
  await initBackend();
});

describe('pretrain', () => {
  const data = generateSynthetic({ m: 12, d: 4, labels: 'teacher', seed: 2 });
  const spec = (initial?: PretrainSpec['initial']): PretrainSpec => ({
    data,
    parameterisation: 'ntk',
    width: 6,
    seed: 1,
    step: { fractionOfLimit: 0.5 },
    iterations: 3,
    checkpoints: [0, 3],
    lambda0: 'skip',
    onDivergence: 'throw',
    ...(initial ? { initial } : {}),
  });

  it('starts from the given initial weights (bit for bit) instead of the seeded draw, and from the draw without them', async () => {
    const given = initNetwork({ parameterisation: 'ntk', width: 6, inputDim: 4, outputs: 1, rng: new Rng(77) });
    const fromFile = await pretrain(spec(given));
    const seeded = await pretrain(spec());
    try {
      expect(Array.from(fromFile.initial.w)).toEqual(Array.from(given.w));
      expect(Array.from(fromFile.checkpoints[0].weights.w)).toEqual(Array.from(given.w));
      // The seeded draw is a different network: a run that ignored `initial` would not pass the first check.
      expect(Array.from(seeded.initial.w)).not.toEqual(Array.from(given.w));
      expect(fromFile.initialResidual).not.toBe(seeded.initialResidual);
    } finally {
      fromFile.dispose();
      seeded.dispose();
    }
  });
});
