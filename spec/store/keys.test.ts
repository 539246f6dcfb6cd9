import fc from 'fast-check';
import { generateSynthetic } from '../../src/data/synthetic';
import { DEFAULT_SYNTHETIC } from '../../src/experiment/defaults';
import type { ExperimentConfig } from '../../src/experiment/config';
import { dataFingerprint, runConfigOf, runKey, type RunKeyInputs } from '../../src/store/keys';

const base: RunKeyInputs = {
  config: runConfigOf(DEFAULT_SYNTHETIC),
  m: 50,
  seed: 1,
  engine: 'tfjs',
  backend: 'wasm',
  version: '0.1.0',
  code: 'abc',
  packages: { '@tensorflow/tfjs': '4.22.0' },
  data: 'd0',
};

/** One change to a field that determines a run's numbers. */
const runAffectingChange: fc.Arbitrary<Partial<ExperimentConfig>> = fc.oneof(
  fc
    .integer({ min: 2, max: 5000 })
    .filter((v) => v !== DEFAULT_SYNTHETIC.width)
    .map((width) => ({ width })),
  fc
    .double({ min: 1e-3, max: 10, noNaN: true })
    .filter((v) => v !== DEFAULT_SYNTHETIC.eta)
    .map((eta) => ({ eta })),
  fc
    .integer({ min: 1, max: 9999 })
    .filter((v) => v !== DEFAULT_SYNTHETIC.iterations)
    .map((iterations) => ({ iterations })),
  fc.constantFrom('greedy', 'random', 'magnitude').map((p) => ({ pruners: [p] })),
  fc
    .double({ min: 1e-6, max: 1, noNaN: true })
    .filter((v) => v !== DEFAULT_SYNTHETIC.epsilon)
    .map((epsilon) => ({ epsilon })),
  fc.constant({ parameterisation: 'ntk' as const }),
  fc.constant({ targetAccuracy: 0.9 }),
  fc.constant({ theory: { constants: { delta: 0.05 } } }),
  fc.constant({ dataset: { kind: 'synthetic' as const, labels: 'teacher' as const, d: 8, teacherWidth: 8 } }),
);

describe('run keys', () => {
  it('the key changes whenever a run-affecting config field changes', () => {
    fc.assert(
      fc.property(runAffectingChange, (change) => {
        const changed = { ...base, config: runConfigOf({ ...DEFAULT_SYNTHETIC, ...change }) };
        expect(runKey(changed)).not.toBe(runKey(base));
      }),
    );
  });

  it('the key ignores the fields that only select or name runs (name, mGrid, seeds)', () => {
    fc.assert(
      fc.property(fc.string(), fc.array(fc.integer({ min: 1, max: 999 }), { minLength: 1 }), (name, grid) => {
        const config = runConfigOf({ ...DEFAULT_SYNTHETIC, name, mGrid: grid, seeds: grid });
        expect(runKey({ ...base, config })).toBe(runKey(base));
      }),
    );
  });

  it('the key changes with m, seed, engine, backend, version, code, packages and data', () => {
    const variants: Partial<RunKeyInputs>[] = [
      { m: 51 },
      { seed: 2 },
      { engine: 'onnx' },
      { backend: 'cpu' },
      { version: '0.2.0' },
      { code: 'abd' },
      { packages: { '@tensorflow/tfjs': '4.23.0' } },
      { data: 'd1' },
    ];
    const keys = new Set([runKey(base), ...variants.map((v) => runKey({ ...base, ...v }))]);
    expect(keys.size).toBe(variants.length + 1);
  });

  it('the key does not depend on the order of object keys', () => {
    const reordered = Object.fromEntries(Object.entries(base).reverse()) as unknown as RunKeyInputs;
    expect(runKey(reordered)).toBe(runKey(base));
  });

  it('the data fingerprint changes when any single input value changes', () => {
    const ds = generateSynthetic({ m: 12, d: 4, labels: 'teacher', seed: 3 });
    const reference = dataFingerprint(ds, null);
    fc.assert(
      fc.property(fc.nat({ max: ds.x.length - 1 }), (i) => {
        const x = ds.x.slice();
        x[i] = x[i] + 1e-3;
        expect(dataFingerprint({ ...ds, x }, null)).not.toBe(reference);
      }),
      { numRuns: 20 },
    );
    expect(dataFingerprint(ds, null)).toBe(reference);
    expect(dataFingerprint(ds, ds)).not.toBe(reference);
  });
});
