import { canonicalJson, runId } from '../../src/experiment/config';
import { DEFAULT_MNIST, DEFAULT_SYNTHETIC, quickVariant } from '../../src/experiment/defaults';
import { checkConfig, checkPartialConfig, ConfigError, mergeConfig } from '../../src/experiment/validate-config';

describe('experiment config validation', () => {
  it('accepts the default configurations and their quick variants', () => {
    for (const c of [DEFAULT_SYNTHETIC, DEFAULT_MNIST, quickVariant(DEFAULT_SYNTHETIC), quickVariant(DEFAULT_MNIST)]) {
      expect(checkConfig(c, 'defaults')).toBe(c);
    }
  });

  it.each([
    [{ width: 0 }, /\/width must be >= 1/],
    [{ width: 2.5 }, /\/width must be integer/],
    [{ eta: -1 }, /\/eta must be > 0/],
    [{ etaRelative: 0 }, /\/etaRelative must be > 0/],
    [{ etaRelative: 1 }, /\/etaRelative must be < 1/],
    [{ mGrid: [1, 100] }, /\/mGrid\/0 must be >= 2/],
    [{ subnetworkSizes: [0] }, /\/subnetworkSizes\/0 must be >= 1/],
    [{ parameterisation: 'lazy' }, /\/parameterisation must be equal to one of the allowed values/],
    [{ widht: 10 }, /must NOT have additional properties 'widht'/],
    [{ dataset: { kind: 'synthetic', labels: 'teacher' } }, /\/dataset/],
    [{ theory: { constants: { c_N: 'big' } } }, /\/theory\/constants\/c_N must be number/],
  ])('rejects %j naming the field', (partial, message) => {
    expect(() => checkPartialConfig(partial, 'my.json')).toThrow(ConfigError);
    expect(() => checkPartialConfig(partial, 'my.json')).toThrow(message);
    expect(() => checkPartialConfig(partial, 'my.json')).toThrow(/^my\.json: invalid config/);
  });

  it('rejects cross-field mistakes on the merged config', () => {
    expect(() => checkConfig(mergeConfig(DEFAULT_SYNTHETIC, { mGrid: [50, 50] }), 'f')).toThrow(
      /\/mGrid must NOT have duplicate items/,
    );
    expect(() => checkConfig(mergeConfig(DEFAULT_MNIST, { mGrid: [5] }), 'f')).toThrow(/outside the MNIST range/);
    expect(() => checkConfig(mergeConfig(DEFAULT_MNIST, { mGrid: [100, 60001] }), 'f')).toThrow(
      /mGrid value 60001 is outside the MNIST range \[10, 60000\]/,
    );
    expect(() => checkConfig(mergeConfig(DEFAULT_MNIST, { mGrid: [100, 60000] }), 'f')).not.toThrow();
    expect(() => checkPartialConfig({ dataset: { kind: 'mnist', unitNorm: true, heldOut: 10001 } }, 'f')).toThrow(
      /\/dataset\/heldOut must be <= 10000/,
    );
    expect(() => checkConfig(mergeConfig(DEFAULT_SYNTHETIC, { iterations: 5, checkpoints: 10 }), 'f')).toThrow(
      /checkpoints \(10\) exceeds iterations \+ 1/,
    );
  });

  it('merges layers in order and keeps theory overrides from every layer', () => {
    const merged = mergeConfig(
      DEFAULT_SYNTHETIC,
      { width: 10, theory: { constants: { c_N: 2 } } },
      { width: 20, theory: { expressions: { H5: 'eta <= 1' } } },
    );
    expect(merged.width).toBe(20);
    expect(merged.theory).toEqual({ constants: { c_N: 2 }, expressions: { H5: 'eta <= 1' } });
  });

  it('the run id is a readable prefix plus a hash that ignores key order and changes with any value', () => {
    const a = { ...DEFAULT_SYNTHETIC };
    const reordered = Object.fromEntries(Object.entries(a).reverse()) as typeof a;
    expect(canonicalJson(a)).toBe(canonicalJson(reordered));
    expect(runId(a)).toBe(runId(reordered));
    expect(runId(a)).toMatch(/^verify-synthetic-[0-9a-f]{10}$/);
    expect(runId({ ...a, eta: 0.5 })).not.toBe(runId(a));
  });
});

describe('theory overrides in a config', () => {
  it('rejects an override with an unknown symbol, naming the expression', () => {
    const bad = mergeConfig(DEFAULT_SYNTHETIC, { theory: { expressions: { H4: 'N >= mm^6' } } });
    expect(() => checkConfig(bad, 'cfg.json')).toThrow(/cfg\.json: theory: .*'H4'.*unknown symbol 'mm'/);
  });
});
