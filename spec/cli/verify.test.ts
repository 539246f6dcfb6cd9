/** buildConfig: the composition rule of src/experiment/fields.ts as `verify` and `merge` apply it. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runId } from '../../src/experiment/config';
import { DEFAULT_SYNTHETIC, DEFAULT_THEOREM, PRESETS } from '../../src/experiment/defaults';
import type { ConfigLayer, DatasetFlagValues } from '../../src/experiment/fields';
import type { PresetName } from '../../src/experiment/defaults';
import { buildConfig } from '../../src/cli/verify';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'pruneproof-build-config-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configFile(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

const build = (
  options: { preset?: PresetName; quick?: boolean; configFile?: string; dataset?: DatasetFlagValues } = {},
  layer: ConfigLayer = {},
) => buildConfig({ dataset: {}, ...options, layer });

describe('buildConfig: preset ← config file ← flags', () => {
  it('--preset theorem --eta 0.2 trains at η = 0.2: the flag clears the preset’s etaRelative', () => {
    const { config } = build({ preset: 'theorem' }, { eta: 0.2 });
    expect(config.eta).toBe(0.2);
    expect(config.etaRelative).toBeUndefined();
    // Without the flag the preset's relative step decides (the test above can fail).
    expect(build({ preset: 'theorem' }).config.etaRelative).toBe(DEFAULT_THEOREM.etaRelative);
  });

  it('--epsilon and --target-accuracy clear the relative twins of the preset and of a config file', () => {
    const file = configFile('rel.json', { epsilonRelative: 0.1, targetAccuracyRelative: 0.9 });
    const { config } = build({ preset: 'mnist', configFile: file }, { epsilon: 0.3, targetAccuracy: 0.8 });
    expect([config.epsilon, config.epsilonRelative]).toEqual([0.3, undefined]);
    expect([config.targetAccuracy, config.targetAccuracyRelative]).toEqual([0.8, undefined]);
  });

  it('a config file\'s "etaRelative": null unsets the preset\'s relative step', () => {
    const file = configFile('null.json', { etaRelative: null, eta: 0.3 });
    const { config } = build({ preset: 'theorem', configFile: file });
    expect([config.eta, config.etaRelative]).toEqual([0.3, undefined]);
  });

  it('a config file value that breaks a range exits 2 naming the file and the field', () => {
    for (const [field, value] of [
      ['kappa', 1e300],
      ['iterations', 1e12],
      ['seeds', [1, 4294967297]],
      ['subnetworkSizes', [50, 50]],
    ] as const) {
      const file = configFile(`${field}.json`, { [field]: value });
      expect(() => build({ configFile: file })).toThrow(new RegExp(`${field}\\.json: invalid config: /${field}`));
    }
  });
});

describe('buildConfig: --quick changes only what neither a flag nor a config file sets', () => {
  it('alone, --quick gives the preset’s quick variant (same run id as before the composition rule)', () => {
    for (const name of Object.keys(PRESETS) as PresetName[]) {
      const preset = PRESETS[name];
      expect(runId(build({ preset: name, quick: true }).config)).toBe(runId(preset.quick(preset.config)));
    }
  });

  it('explicit --m and --seeds survive --quick, on the synthetic and the theorem preset', () => {
    for (const preset of ['synthetic', 'theorem'] as const) {
      const { config } = build({ preset, quick: true }, { mGrid: [30, 60, 90, 120], seeds: [7, 8, 9] });
      expect(config.mGrid).toEqual([30, 60, 90, 120]);
      expect(config.seeds).toEqual([7, 8, 9]);
      // What the user did not set is still cut down.
      expect(config.checkpoints).toBe(8);
    }
  });

  it('config-file values survive --quick too', () => {
    const file = configFile('grid.json', { mGrid: [40, 80, 160, 320], checkpoints: 12 });
    const { config } = build({ quick: true, configFile: file });
    expect(config.mGrid).toEqual([40, 80, 160, 320]);
    expect(config.checkpoints).toBe(12);
    expect(config.seeds).toEqual(DEFAULT_SYNTHETIC.seeds.slice(0, 2));
  });
});
