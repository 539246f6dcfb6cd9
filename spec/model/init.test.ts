import { initNetwork } from '../../src/model/init';
import { Rng } from '../../src/rng';

describe('initNetwork', () => {
  it('same seed gives bit-identical weights; another seed gives different ones', () => {
    const make = (seed: number) =>
      initNetwork({ parameterisation: 'ntk', width: 30, inputDim: 7, outputs: 2, rng: new Rng(seed) });
    expect(make(3)).toEqual(make(3));
    expect(make(4).w).not.toEqual(make(3).w);
    expect(make(4).v).not.toEqual(make(3).v);
  });

  it('ntk and meanfield from one seed share W and the initial signs (only the training rule differs)', () => {
    const opts = { width: 20, inputDim: 4, outputs: 3, rng: new Rng(5) };
    const a = initNetwork({ ...opts, parameterisation: 'ntk' });
    const b = initNetwork({ ...opts, parameterisation: 'meanfield' });
    expect(b.w).toEqual(a.w);
    expect(b.v).toEqual(a.v);
  });

  it('W does not depend on C (separate random streams)', () => {
    const w1 = initNetwork({ parameterisation: 'ntk', width: 10, inputDim: 4, outputs: 1, rng: new Rng(6) }).w;
    const w10 = initNetwork({ parameterisation: 'ntk', width: 10, inputDim: 4, outputs: 10, rng: new Rng(6) }).w;
    expect(w10).toEqual(w1);
  });

  it('draws w_r ~ N(0, κ² I) and output weights uniform in {±1}: sample moments within 5 standard errors', () => {
    const kappa = 0.7;
    const n = 400 * 50;
    const net = initNetwork({
      parameterisation: 'meanfield',
      width: 400,
      inputDim: 50,
      outputs: 4,
      kappa,
      rng: new Rng(7),
    });
    expect(net.w.length).toBe(n);
    const mean = net.w.reduce((s, x) => s + x, 0) / n;
    const variance = net.w.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
    expect(Math.abs(mean)).toBeLessThan((5 * kappa) / Math.sqrt(n));
    // Var of the sample variance of a normal is 2κ⁴/n.
    expect(Math.abs(variance - kappa ** 2)).toBeLessThan(5 * kappa ** 2 * Math.sqrt(2 / n));
    expect(net.v.every((x) => x === 1 || x === -1)).toBe(true);
    const plus = net.v.filter((x) => x === 1).length;
    expect(Math.abs(plus - net.v.length / 2)).toBeLessThan(5 * Math.sqrt(net.v.length / 4));
  });

  it('rejects bad sizes and κ, naming the field', () => {
    const base = { parameterisation: 'ntk' as const, width: 3, inputDim: 2, outputs: 1, rng: new Rng(1) };
    expect(() => initNetwork({ ...base, width: 0 })).toThrow('initNetwork: width must be a positive integer, got 0');
    expect(() => initNetwork({ ...base, inputDim: 1.5 })).toThrow(
      'initNetwork: inputDim must be a positive integer, got 1.5',
    );
    expect(() => initNetwork({ ...base, outputs: -2 })).toThrow(
      'initNetwork: outputs must be a positive integer, got -2',
    );
    expect(() => initNetwork({ ...base, kappa: 0 })).toThrow('initNetwork: kappa must be a finite number > 0, got 0');
    expect(() => initNetwork({ ...base, kappa: NaN })).toThrow(
      'initNetwork: kappa must be a finite number > 0, got NaN',
    );
    expect(() => initNetwork({ ...base, parameterisation: 'lazy' as 'ntk' })).toThrow(
      /initNetwork: parameterisation must be one of ntk, meanfield, got 'lazy'/,
    );
  });
});
