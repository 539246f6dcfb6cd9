import Ajv from 'ajv';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { canonicalJson, runId, type ExperimentConfig } from '../../src/experiment/config';
import { DEFAULT_SYNTHETIC, DEFAULT_THEOREM, PRESETS } from '../../src/experiment/defaults';
import {
  composeConfig,
  CONFIG_RECORD_SCHEMA,
  configurationRows,
  FIELD_KEYS,
  FIELDS,
  fieldSpec,
  STORE_KEY_FIELDS,
  type FieldKey,
} from '../../src/experiment/fields';
import { checkConfig, checkPartialConfig, parseFlagValue } from '../../src/experiment/validate-config';
import { runConfigOf } from '../../src/store/keys';

const FLAGGED = FIELD_KEYS.filter((key) => fieldSpec(key).flag !== undefined);

/** Accepts or throws: the outcome of a validator as a boolean. */
function accepts(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch {
    return false;
  }
}

/** Numbers around every range boundary the table states, and ordinary ones. */
const number = fc.oneof(
  fc.constantFrom(0, 1, 2, 0.5, 1000, 1001, 1e6, 1e7, 1e7 + 1, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 1e12, 1e300),
  fc.integer({ min: -10, max: 3000 }),
  fc.double({ min: -2, max: 2, noNaN: true, noDefaultInfinity: true }),
  fc.double({ min: -1e7, max: 1e13, noNaN: true, noDefaultInfinity: true }),
);
const word = fc.oneof(
  fc.constantFrom('ntk', 'meanfield', 'float32', 'float64', 'greedy', 'random', 'lazy', ''),
  fc.string(),
);
const scalar = fc.oneof(number, word);
/** A value a flag can write: a scalar, or a list of scalars (duplicates and empty lists included). */
const flagValue = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 4 }),
  fc.array(fc.constantFrom(1, 2), { maxLength: 4 }),
);

const asFlagText = (v: unknown): string => (Array.isArray(v) ? v.map(String).join(',') : String(v));

describe('the field table', () => {
  it('declares every field of every preset, and every numeric field states its range (both bounds)', () => {
    for (const { config } of Object.values(PRESETS)) {
      for (const key of Object.keys(config)) expect(FIELD_KEYS).toContain(key);
    }
    const bounded = (schema: Record<string, unknown>): boolean => {
      if (schema.type === 'integer' || schema.type === 'number') {
        const low = 'minimum' in schema || 'exclusiveMinimum' in schema;
        const high = 'maximum' in schema || 'exclusiveMaximum' in schema;
        return low && high;
      }
      if (schema.items) return bounded(schema.items as Record<string, unknown>);
      if (schema.anyOf) return (schema.anyOf as Record<string, unknown>[]).every(bounded);
      return true;
    };
    for (const key of FIELD_KEYS) expect([key, bounded(fieldSpec(key).kind.schema)]).toEqual([key, true]);
  });

  it('property: for every field with a flag, the flag parser accepts a value exactly when the config-file validator does', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FLAGGED), flagValue, (key: FieldKey, value) => {
        let parsed: unknown;
        const viaFlag = accepts(() => (parsed = parseFlagValue(key, asFlagText(value), fieldSpec(key).flag!)));
        // Values the flag's text spells as another value (the string '5' for a number field) have no flag form.
        fc.pre(!viaFlag || canonicalJson(parsed) === canonicalJson(value));
        const viaFile = accepts(() => checkPartialConfig({ [key]: value }, 'file.json'));
        expect({ key, value, viaFlag }).toEqual({ key, value, viaFlag: viaFile });
      }),
      { numRuns: 3000, seed: 26 },
    );
  });

  it('a flag parses to the same value a config file holds', () => {
    expect(parseFlagValue('seeds', '1, 2,3', '--seeds')).toEqual([1, 2, 3]);
    expect(parseFlagValue('eta', '2e-1', '--eta')).toBe(0.2);
    expect(parseFlagValue('pruners', 'greedy,random', '--pruners')).toEqual(['greedy', 'random']);
  });

  it.each<[string, FieldKey, string, RegExp]>([
    ['kappa 1e300', 'kappa', '1e300', /--kappa: expected a number in \(0, 1000\], got '1e300'/],
    ['iterations 1e12', 'iterations', '1e12', /--iterations: expected an integer in \[1, 10000000\]/],
    ['seeds beyond 2^32', 'seeds', '1,4294967297', /--seeds: .*\[0, 4294967295\].*got '1,4294967297'/],
    ['a negative seed', 'seeds', '-1', /--seeds: .*\[0, 4294967295\]/],
    ['an empty list item', 'seeds', '1,,2', /--seeds: '1,,2' has an empty item/],
    ['a trailing comma', 'mGrid', '50,100,', /--m: '50,100,' has an empty item/],
    ['duplicate m', 'mGrid', '50,50', /--m: .*duplicate items/],
    ['duplicate seeds', 'seeds', '1,2,1', /--seeds: .*duplicate items/],
    ['duplicate n', 'subnetworkSizes', '10,10', /--n: .*duplicate items/],
    ['duplicate pruners', 'pruners', 'greedy,greedy', /--pruners: .*duplicate items/],
    ['hex', 'width', '0x10', /--width: '0x10' is not a number/],
    ['empty text', 'width', '', /--width: '' is not a number/],
  ])('a flag rejects %s, naming the flag (exit 2)', (_name, key, text, message) => {
    expect(() => parseFlagValue(key, text, fieldSpec(key).flag!.split(' ')[0])).toThrow(message);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['kappa 1e300', { kappa: 1e300 }, /\/kappa must be <= 1000/],
    ['iterations 1e12', { iterations: 1e12 }, /\/iterations must be <= 10000000/],
    ['seeds 1 and 2^32 + 1', { seeds: [1, 4294967297] }, /\/seeds\/1 must be <= 4294967295/],
    ['duplicate subnetworkSizes', { subnetworkSizes: [50, 50] }, /\/subnetworkSizes must NOT have duplicate items/],
    ['duplicate m', { mGrid: [20, 40, 20] }, /\/mGrid must NOT have duplicate items/],
    ['duplicate seeds', { seeds: [3, 3] }, /\/seeds must NOT have duplicate items/],
    ['an empty list', { seeds: [] }, /\/seeds must NOT have fewer than 1 items/],
    ['a resolution beyond its range', { resolution: { absolute: 1e12, relative: 0.01 } }, /\/resolution\/absolute/],
  ])('a config file rejects %s, naming the field', (_name, layer, message) => {
    expect(() => checkPartialConfig(layer, 'c.json')).toThrow(message);
  });

  it('the store key holds every field but those that only select or name runs', () => {
    expect(FIELD_KEYS.filter((k) => !STORE_KEY_FIELDS.includes(k))).toEqual(['name', 'mGrid', 'seeds']);
    const { name: _n, mGrid: _m, seeds: _s, ...rest } = DEFAULT_THEOREM;
    expect(canonicalJson(runConfigOf(DEFAULT_THEOREM))).toBe(canonicalJson(rest));
  });
});

describe('committed reference reports keep their run ids', () => {
  const reports = resolve(__dirname, '../../reports');
  const committed = readdirSync(reports).filter((d) => d.startsWith('verify-'));

  it.each(committed)(
    '%s: runId(config) is the committed run id; its config is valid under the table’s ranges',
    (dir) => {
      const doc = JSON.parse(readFileSync(join(reports, dir, 'report.json'), 'utf8')) as {
        runId: string;
        config: ExperimentConfig;
      };
      expect(runId(doc.config)).toBe(doc.runId);
      expect(doc.runId).toBe(dir);
      expect(() => checkConfig(doc.config, dir)).not.toThrow();
      // The report schema's config part is the table's (the rest of a committed report may predate today's schema).
      expect(new Ajv().validate(CONFIG_RECORD_SCHEMA, doc.config)).toBe(true);
      // A config file holding the whole config composes, over any preset, to exactly that config (and run id).
      for (const { config } of Object.values(PRESETS)) {
        const nulls = Object.fromEntries(
          FIELD_KEYS.filter((k) => FIELDS[k].optional && !(k in doc.config)).map((k) => [k, null]),
        );
        const composed = composeConfig(config, checkPartialConfig({ ...doc.config, ...nulls }, dir));
        expect(runId(composed)).toBe(doc.runId);
      }
    },
  );
});

describe('composition of preset ← config file ← flags', () => {
  const theorem = DEFAULT_THEOREM;

  it('an explicit absolute setting clears its relative twin on lower layers', () => {
    const eta = composeConfig(theorem, {}, { eta: 0.2 });
    expect(eta.eta).toBe(0.2);
    expect(eta.etaRelative).toBeUndefined();
    const eps = composeConfig(DEFAULT_SYNTHETIC, { epsilon: 0.01 });
    expect([eps.epsilon, eps.epsilonRelative]).toEqual([0.01, undefined]);
    const acc = composeConfig(PRESETS.mnist.config, {}, { targetAccuracy: 0.9 });
    expect([acc.targetAccuracy, acc.targetAccuracyRelative]).toEqual([0.9, undefined]);
  });

  it('given in the same layer, both twins are kept (the relative one decides)', () => {
    const both = composeConfig(DEFAULT_SYNTHETIC, { eta: 0.3, etaRelative: 0.4 });
    expect([both.eta, both.etaRelative]).toEqual([0.3, 0.4]);
    // A higher relative setting is not cleared by a lower absolute one.
    const upper = composeConfig(DEFAULT_SYNTHETIC, { eta: 0.3 }, { etaRelative: 0.4 });
    expect([upper.eta, upper.etaRelative]).toEqual([0.3, 0.4]);
  });

  it('null in a config file unsets an optional field; it is refused for a required one', () => {
    const layer = checkPartialConfig({ etaRelative: null, epsilonRelative: null, precision: null }, 'c.json');
    const unset = composeConfig(theorem, layer);
    expect('etaRelative' in unset || 'epsilonRelative' in unset || 'precision' in unset).toBe(false);
    expect(() => checkConfig(unset, 'c.json')).not.toThrow();
    expect(() => checkPartialConfig({ eta: null }, 'c.json')).toThrow(/\/eta must be number/);
  });

  it('theory maps merge key by key; every other field, lists included, is replaced whole', () => {
    const merged = composeConfig(
      DEFAULT_SYNTHETIC,
      { mGrid: [10, 20], theory: { constants: { c_N: 2 } } },
      { mGrid: [30], theory: { expressions: { H5: 'eta <= 1' } } },
    );
    expect(merged.mGrid).toEqual([30]);
    expect(merged.theory).toEqual({ constants: { c_N: 2 }, expressions: { H5: 'eta <= 1' } });
  });
});

describe("the report's configuration table", () => {
  it('has one row per field, relative twins folded into their absolute row', () => {
    const rows = new Map(configurationRows(PRESETS['mnist-ntk'].config));
    const folded = FIELD_KEYS.filter((k) => fieldSpec(k).report?.(DEFAULT_SYNTHETIC) === null);
    expect(folded).toEqual(['etaRelative', 'epsilonRelative', 'targetAccuracyRelative']);
    expect(rows.size).toBe(FIELD_KEYS.length - folded.length);
    expect(rows.get('step size η')).toBe('0.5 × the stability limit of each run (per m)');
    expect(rows.get('target loss ε')).toBe('0.4 × the label energy ‖y‖²/(2m) of each run');
    expect(rows.get('target accuracy')).toBe("0.95 × the dense network's training accuracy at T");
    expect(rows.get('sensitivity targets')).toBe('relative ε 0.3, 0.5; relative accuracy 0.9, 0.98');
    expect(new Map(configurationRows(DEFAULT_SYNTHETIC)).get('step size η')).toBe('1');
  });
});

/** The row docs/CONFIG.md gives each field: key, flag, range, store key, composition. */
function docRow(key: FieldKey): string {
  const f = fieldSpec(key);
  const notes = [
    f.clears ? `clears ${f.clears} below it` : '',
    f.optional ? 'optional; null unsets' : '',
    f.compose === 'merge-maps' ? 'maps merged key by key' : '',
  ].filter(Boolean);
  const flag = f.flag ? `\`${f.flag.split(' ')[0]}\`` : 'config file';
  const range = f.kind.range.replace(/\|/g, '\\|');
  return `| \`${key}\` | ${flag} | ${range} | ${f.inStoreKey ? 'yes' : 'no'} | ${notes.join('; ') || '—'} |`;
}

describe('docs/CONFIG.md', () => {
  const doc = readFileSync(resolve(__dirname, '../../docs/CONFIG.md'), 'utf8');

  it('lists every field as the table declares it, in table order (a new field: paste the row this test prints)', () => {
    const expected = FIELD_KEYS.map(docRow).join('\n');
    const rows = doc.split('\n').filter((line) => line.startsWith('| `'));
    expect(rows.join('\n')).toBe(expected);
  });
});
