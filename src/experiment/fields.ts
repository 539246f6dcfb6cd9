/**
 * THE field table: one declaration per experiment setting. Everything else is derived from it:
 * - `verify`'s (and `merge`'s) command-line options and how their text is parsed (src/cli/config-options.ts);
 * - config-file validation (the JSON schema in validate-config.ts);
 * - `verify --help`, which lists every field with its range and its default;
 * - the report's configuration table (`configurationRows`);
 * - the store key of a run (`STORE_KEY_FIELDS`, used by src/store/keys.ts); the run id hashes every field.
 *
 * **Defaults.** The table holds no default values: a field's default is its value in the selected preset
 * (src/experiment/defaults.ts; `synthetic` unless `--preset` or the dataset says otherwise), the one source of
 * each preset's numbers.
 *
 * **Composition rule** (docs/CONFIG.md): the configuration is built in layers, each overriding the one below:
 *
 *     preset (its quick variant under --quick)  ←  config file (--config)  ←  flags
 *
 * 1. A field given in a layer replaces the lower layers' value whole (lists included), except `theory`, whose
 *    `constants` and `expressions` maps are merged key by key.
 * 2. An absolute setting given explicitly clears its relative twin set on a lower layer (`clears`): `eta` clears
 *    `etaRelative`, `epsilon` clears `epsilonRelative`, `targetAccuracy` clears `targetAccuracyRelative`.
 *    Given in the same layer, both are kept and the relative one decides.
 * 3. A config file unsets an optional field with `null` (e.g. `"etaRelative": null`).
 * 4. `--quick` changes only the preset layer: what a config file or a flag sets is never overridden by it.
 *
 * To add a setting: add it to `ExperimentConfig` (config.ts) with its TSDoc, then one entry here; the compiler
 * refuses a field without an entry.
 */
import { initWeightsSetting } from '../interop/files';
import {
  ConfigError,
  type DatasetConfig,
  type InitWeightsSetting,
  type ExperimentConfig,
  type SensitivityTargets,
  type TheoryOverridesConfig,
} from './config';
import { DEFAULT_MNIST, DEFAULT_SYNTHETIC } from './defaults';
import { LABEL_KINDS, type LabelKind } from '../data/types';
import { MNIST_TEST_SIZE } from '../data/mnist';
import { PARAMETERISATIONS } from '../model/types';
import {
  int,
  list,
  listName,
  nullable,
  oneOf,
  real,
  structured,
  text,
  type Schema,
  type ValueKind,
} from './field-kinds';

/** A setting's name in ExperimentConfig (and in a config file). */
export type FieldKey = keyof ExperimentConfig;

/** The value type of a field, without the `undefined` of an optional one. */
export type FieldValue<K extends FieldKey> = Exclude<ExperimentConfig[K], undefined>;

/** The declaration of one setting. */
export interface FieldSpec<T> {
  /** What values are accepted (the stated range), how a flag's text is read, how a value is printed. */
  kind: ValueKind<T>;
  /** What the setting means: the help text of its flag and of its config-file field. */
  help: string;
  /** Its row label in the report's configuration table. */
  label: string;
  /** The command-line flag with its placeholder, e.g. `--m <list>`; absent: config file only. */
  flag?: string;
  /**
   * Whether it enters the store key of each (m, seed) run. Fields that only select or name runs (the grid, the
   * seeds, the name) do not, so runs are shared between sweeps. Every field enters the run id.
   */
  inStoreKey: boolean;
  /** The relative twin this absolute setting clears on lower layers when given explicitly (composition rule 2). */
  clears?: FieldKey;
  /** True for fields a config may leave out; `null` in a config file unsets them (composition rule 3). */
  optional?: boolean;
  /** 'merge-maps': a layer's maps are merged key by key into the lower layers' (composition rule 1). */
  compose?: 'replace' | 'merge-maps';
  /** How the report shows the field when it depends on others; null: the row is folded into its twin's. */
  report?: (config: ExperimentConfig) => string | null;
}

/** One entry per field of ExperimentConfig; `optional` exactly for the optional ones. */
export type FieldTable = {
  readonly [K in FieldKey]-?: FieldSpec<FieldValue<K>> &
    (undefined extends ExperimentConfig[K] ? { optional: true } : { optional?: false });
};

/** The kinds shared by a field and a dataset flag. */
const INPUT_DIMENSION = int(1, 100_000);
const HIDDEN_UNITS = int(1, 100_000);
const SIZE = int(1, 1_000_000);
/** A fraction in (0, 1), e.g. a relative target; r ≥ 1 of the stability limit diverges by construction. */
const OPEN_FRACTION = real({ min: 0, max: 1, minExclusive: true, maxExclusive: true });
const HALF_OPEN_FRACTION = real({ min: 0, max: 1, minExclusive: true });

const DATASET_SCHEMA: Schema = {
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'labels', 'd'],
      properties: {
        kind: { const: 'synthetic' },
        labels: { enum: [...LABEL_KINDS] },
        d: INPUT_DIMENSION.schema,
        teacherWidth: HIDDEN_UNITS.schema,
        clusters: HIDDEN_UNITS.schema,
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'unitNorm', 'heldOut'],
      properties: {
        kind: { const: 'mnist' },
        unitNorm: { type: 'boolean' },
        heldOut: { type: 'integer', minimum: 0, maximum: MNIST_TEST_SIZE },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'path'],
      properties: { kind: { const: 'file' }, path: { type: 'string', minLength: 1 } },
    },
  ],
};

/** The dataset as the report and --help name it. */
export function describeDataset(d: DatasetConfig): string {
  switch (d.kind) {
    case 'synthetic': {
      const extras = [
        `labels ${d.labels}`,
        `d = ${d.d}`,
        ...(d.teacherWidth !== undefined ? [`teacher width ${d.teacherWidth}`] : []),
        ...(d.clusters !== undefined ? [`${d.clusters} clusters`] : []),
      ];
      return `synthetic (${extras.join(', ')})`;
    }
    case 'mnist':
      return `MNIST (unit-norm inputs: ${d.unitNorm ? 'yes' : 'no'}, held-out ${d.heldOut})`;
    case 'file':
      return `file ${d.path}`;
  }
}

const RELATIVE_LIST = (item: ValueKind<number>): Schema => ({ type: 'array', uniqueItems: true, items: item.schema });

const SENSITIVITY = structured<SensitivityTargets>(
  {
    type: 'object',
    additionalProperties: false,
    required: ['epsilonRelative', 'targetAccuracyRelative'],
    properties: {
      epsilonRelative: RELATIVE_LIST(OPEN_FRACTION),
      targetAccuracyRelative: RELATIVE_LIST(HALF_OPEN_FRACTION),
    },
  },
  `{ "epsilonRelative": distinct numbers in (0, 1), "targetAccuracyRelative": distinct numbers in (0, 1] }`,
  (s) =>
    `relative ε ${s.epsilonRelative.join(', ') || '—'}; relative accuracy ${s.targetAccuracyRelative.join(', ') || '—'}`,
);

const RESOLUTION = structured<ExperimentConfig['resolution']>(
  {
    type: 'object',
    additionalProperties: false,
    required: ['absolute', 'relative'],
    properties: { absolute: int(1, 10_000_000).schema, relative: { type: 'number', minimum: 0, maximum: 0.5 } },
  },
  '{ "absolute": an integer in [1, 10000000], "relative": a number in [0, 0.5] }',
  (r) => `max(${r.absolute}, ${r.relative} · t) iterations`,
);

const THEORY = structured<TheoryOverridesConfig>(
  {
    type: 'object',
    additionalProperties: false,
    properties: {
      constants: { type: 'object', additionalProperties: { type: 'number' } },
      expressions: { type: 'object', additionalProperties: { type: 'string' } },
    },
  },
  '{ "constants": { name: number }, "expressions": { id: mathjs text } }',
  (t) => {
    const overrides = [
      ...Object.entries(t.constants ?? {}).map(([k, v]) => `${k} = ${v}`),
      ...Object.entries(t.expressions ?? {}).map(([k, v]) => `${k}: ${v}`),
    ];
    return overrides.length > 0 ? overrides.join('; ') : 'none';
  },
);

/** A weights file: read from the flag's path, it becomes the path and the SHA-256 of the file's bytes. */
const INIT_WEIGHTS = structured<InitWeightsSetting>(
  {
    type: 'object',
    additionalProperties: false,
    required: ['path', 'sha256'],
    properties: { path: { type: 'string', minLength: 1 }, sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
  },
  '{ "path": a JSON, .npz or .onnx weights file, "sha256": the SHA-256 (hex) of its bytes }',
  (w) => `${w.path} (SHA-256 ${w.sha256})`,
  initWeightsSetting,
);

/** The table. Its order is the order of the report's configuration table and of `verify --help`. */
export const FIELDS: FieldTable = {
  name: {
    kind: text(),
    help: 'readable prefix of the run id and the report folder',
    label: 'name',
    flag: '--name <text>',
    inStoreKey: false,
  },
  dataset: {
    kind: structured<DatasetConfig>(
      DATASET_SCHEMA,
      `{ "kind": "synthetic", "labels": ${LABEL_KINDS.join(' or ')}, "d": ${INPUT_DIMENSION.range}, "teacherWidth"?, "clusters"?: ${HIDDEN_UNITS.range} } or { "kind": "mnist", "unitNorm": boolean, "heldOut": an integer in [0, ${MNIST_TEST_SIZE}] } or { "kind": "file", "path": non-empty text }`,
      describeDataset,
    ),
    help: 'the training data (flags: --dataset, --labels, --d, --raw-pixels)',
    label: 'dataset',
    inStoreKey: true,
  },
  mGrid: {
    kind: list(int(2, 1_000_000)),
    help: 'dataset sizes m to sweep',
    label: 'm grid',
    flag: '--m <list>',
    inStoreKey: false,
  },
  seeds: {
    // The RNG takes 32-bit seeds: 1 and 2³² + 1 would give the same run twice.
    kind: list(int(0, 2 ** 32 - 1)),
    help: 'one run per seed per m; the seed drives data, initialisation and random pruning',
    label: 'seeds',
    flag: '--seeds <list>',
    inStoreKey: false,
  },
  parameterisation: {
    kind: oneOf(PARAMETERISATIONS),
    help: 'network parameterisation',
    label: 'parameterisation',
    flag: '--parameterisation <p>',
    inStoreKey: true,
  },
  width: { kind: SIZE, help: 'dense width N', label: 'width N', flag: '--width <int>', inStoreKey: true },
  kappa: {
    kind: real({ min: 0, max: 1000, minExclusive: true }),
    help: 'initial weight scale κ: w_r(0) ~ N(0, κ² I)',
    label: 'initial scale κ',
    flag: '--kappa <x>',
    inStoreKey: true,
  },
  initWeights: {
    kind: INIT_WEIGHTS,
    help: 'start pre-training from these weights (JSON, .npz or .onnx) instead of the seeded initialisation, the same for every seed; the file’s SHA-256 is recorded and enters the run id',
    label: 'initial weights',
    flag: '--init-weights <file>',
    inStoreKey: true,
    optional: true,
    report: (c) => (c.initWeights ? INIT_WEIGHTS.show(c.initWeights) : 'seeded initialisation'),
  },
  eta: {
    kind: real({ min: 0, max: 1_000_000, minExclusive: true }),
    help: 'GD step size η; given explicitly, it clears a preset or config file etaRelative',
    label: 'step size η',
    flag: '--eta <x>',
    inStoreKey: true,
    clears: 'etaRelative',
    report: (c) =>
      c.etaRelative === undefined ? String(c.eta) : `${c.etaRelative} × the stability limit of each run (per m)`,
  },
  etaRelative: {
    kind: OPEN_FRACTION,
    help: 'η = r × the stability limit measured for each m; replaces eta',
    label: 'relative step size',
    flag: '--eta-rel <r>',
    inStoreKey: true,
    optional: true,
    report: () => null,
  },
  iterations: {
    kind: int(1, 10_000_000),
    help: 'pre-training iterations T (the last checkpoint)',
    label: 'iterations T',
    flag: '--iterations <int>',
    inStoreKey: true,
  },
  batchSize: {
    kind: nullable(SIZE, 'full-batch GD'),
    help: 'minibatch SGD with this batch size (null: full-batch GD, the theory’s setting)',
    label: 'training',
    flag: '--batch-size <int>',
    inStoreKey: true,
    report: (c) => (c.batchSize === null ? 'full-batch GD' : `minibatch SGD, batch size ${c.batchSize}`),
  },
  checkpoints: {
    kind: int(2, 1000),
    help: 'number of log-spaced checkpoints in [0, T], 0 and T included',
    label: 'checkpoints (log-spaced in [0, T])',
    flag: '--checkpoints <int>',
    inStoreKey: true,
  },
  subnetworkSizes: {
    kind: list(SIZE),
    help: 'subnetwork sizes n at which every pruner is measured',
    label: 'subnetwork sizes n',
    flag: '--n <list>',
    inStoreKey: true,
  },
  epsilon: {
    kind: real({ min: 0, max: 1_000_000, minExclusive: true }),
    help: 'target normalised subnetwork loss ε; given explicitly, it clears a preset or config file epsilonRelative',
    label: 'target loss ε',
    flag: '--epsilon <x>',
    inStoreKey: true,
    clears: 'epsilonRelative',
    report: (c) =>
      c.epsilonRelative === undefined
        ? String(c.epsilon)
        : `${c.epsilonRelative} × the label energy ‖y‖²/(2m) of each run`,
  },
  epsilonRelative: {
    kind: OPEN_FRACTION,
    help: "ε = r × the label energy ‖y‖²/(2m) of each run (the zero predictor's loss); replaces epsilon",
    label: 'relative target loss',
    flag: '--epsilon-rel <r>',
    inStoreKey: true,
    optional: true,
    report: () => null,
  },
  targetAccuracy: {
    kind: nullable(HALF_OPEN_FRACTION, 'none'),
    help: 'training-accuracy target of the accuracy-based t_crit (classification data); given explicitly, it clears a preset or config file targetAccuracyRelative',
    label: 'target accuracy',
    flag: '--target-accuracy <x>',
    inStoreKey: true,
    clears: 'targetAccuracyRelative',
    report: (c) =>
      c.targetAccuracyRelative !== undefined
        ? `${c.targetAccuracyRelative} × the dense network's training accuracy at T`
        : c.targetAccuracy === null
          ? '—'
          : String(c.targetAccuracy),
  },
  targetAccuracyRelative: {
    kind: HALF_OPEN_FRACTION,
    help: "accuracy target = r × the dense network's training accuracy at T; replaces targetAccuracy",
    label: 'relative target accuracy',
    flag: '--target-accuracy-rel <r>',
    inStoreKey: true,
    optional: true,
    report: () => null,
  },
  sensitivity: {
    kind: SENSITIVITY,
    help: 'alternative relative targets around which t_crit at the largest n is re-judged (the sensitivity table)',
    label: 'sensitivity targets',
    inStoreKey: true,
    optional: true,
  },
  resolution: {
    kind: RESOLUTION,
    help: 'critical times are refined by bisection on replayed GD to max(absolute, relative · t) iterations',
    label: 'critical-time resolution',
    inStoreKey: true,
  },
  precision: {
    kind: oneOf(['float32', 'float64'] as const),
    help: 'pre-training arithmetic (unset: float32; float64: onnx engine only)',
    label: 'pre-training precision',
    flag: '--precision <p>',
    inStoreKey: true,
    optional: true,
    report: (c) => c.precision ?? 'float32',
  },
  pruners: {
    kind: list(listName()),
    help: 'pruners to run (built-in names)',
    label: 'pruners',
    flag: '--pruners <list>',
    inStoreKey: true,
  },
  subject: {
    kind: text(),
    help: 'the pruner every pruner-facing check and t_crit speak about: a built-in name or a .js module path (unset: greedy); the other pruners are the comparison',
    label: 'subject (checked pruner)',
    flag: '--subject <pruner>',
    inStoreKey: true,
    optional: true,
    report: (c) => c.subject ?? 'greedy',
  },
  hullTolerance: {
    kind: real({ min: 0, max: 1, minExclusive: true }),
    help: 'y counts as inside the hull when the certified squared distance is ≤ this × 2m',
    label: 'hull tolerance (× 2m)',
    flag: '--hull-tolerance <x>',
    inStoreKey: true,
  },
  maxKernelM: {
    kind: int(0, 100_000),
    help: 'λ0 and H(t) are computed only up to this m (an m × m eigenproblem)',
    label: 'max m for kernel eigenproblems',
    flag: '--max-kernel-m <int>',
    inStoreKey: true,
  },
  theory: {
    kind: THEORY,
    help: 'replacement constants and mathjs expressions of hypotheses and bounds (THEORY.md)',
    label: 'theory overrides',
    inStoreKey: true,
    compose: 'merge-maps',
  },
};

/** The fields in table order. */
export const FIELD_KEYS = Object.keys(FIELDS) as FieldKey[];

/** A field's declaration with its value type erased, for code that walks the whole table. */
export function fieldSpec(key: FieldKey): FieldSpec<unknown> {
  return FIELDS[key] as unknown as FieldSpec<unknown>;
}

/** The fields that enter the store key of a run. */
export const STORE_KEY_FIELDS: readonly FieldKey[] = FIELD_KEYS.filter((k) => FIELDS[k].inStoreKey);

/** The field's value as the report and --help print it ('unset' for an absent optional field). */
export function showField(key: FieldKey, config: ExperimentConfig): string {
  const value = config[key];
  return value === undefined ? 'unset' : fieldSpec(key).kind.show(value);
}

/** The rows of the report's configuration table: [label, value] in table order, twins folded. */
export function configurationRows(config: ExperimentConfig): [string, string][] {
  const rows: [string, string][] = [];
  for (const key of FIELD_KEYS) {
    const spec = fieldSpec(key);
    const value = spec.report ? spec.report(config) : showField(key, config);
    if (value !== null) rows.push([spec.label, value]);
  }
  return rows;
}

/** One layer of a configuration: any subset of the fields; `null` unsets an optional one (rule 3). */
export type ConfigLayer = {
  [K in FieldKey]?: undefined extends ExperimentConfig[K] ? ExperimentConfig[K] | null : ExperimentConfig[K];
};

/** Merges each map key by key; a map neither side has stays absent, so `"theory": {}` changes no run id. */
function mergeMaps(lower: TheoryOverridesConfig, upper: TheoryOverridesConfig): TheoryOverridesConfig {
  const out: TheoryOverridesConfig = {};
  for (const map of ['constants', 'expressions'] as const) {
    if (lower[map] !== undefined || upper[map] !== undefined)
      Object.assign(out, { [map]: { ...lower[map], ...upper[map] } });
  }
  return out;
}

/** Applies layers over a base by the composition rule above (without validating: see validate-config.ts). */
export function composeConfig(base: ExperimentConfig, ...layers: ConfigLayer[]): ExperimentConfig {
  const out: Record<string, unknown> = { ...base };
  for (const layer of layers) {
    for (const key of FIELD_KEYS) {
      const value = layer[key];
      if (value === undefined) continue;
      const spec = fieldSpec(key);
      if (spec.clears !== undefined && layer[spec.clears] === undefined) delete out[spec.clears];
      if (value === null && spec.optional) delete out[key];
      else if (spec.compose === 'merge-maps')
        out[key] = mergeMaps(out[key] as TheoryOverridesConfig, value as TheoryOverridesConfig);
      else out[key] = value;
    }
  }
  return out as unknown as ExperimentConfig;
}

/** The schema of a whole configuration (a report's `config`): every required field, no unknown one. */
export const CONFIG_RECORD_SCHEMA: Schema = {
  type: 'object',
  additionalProperties: false,
  required: FIELD_KEYS.filter((key) => !FIELDS[key].optional),
  properties: Object.fromEntries(FIELD_KEYS.map((key) => [key, fieldSpec(key).kind.schema])),
};

/** The schema of one field's value in a config file (`null` accepted for optional fields). */
export function fieldSchema(key: FieldKey): Schema {
  const spec = fieldSpec(key);
  return spec.optional ? { anyOf: [{ type: 'null' }, spec.kind.schema] } : spec.kind.schema;
}

/** What the dataset field's flags were given (the dataset has no single flag: it is a structured value). */
export interface DatasetFlagValues {
  dataset?: string;
  labels?: LabelKind;
  d?: number;
  rawPixels?: boolean;
}

/** The dataset field's flags. `--dataset` picks a dataset (with its kind's defaults); the others modify it. */
export const DATASET_FLAGS = {
  dataset: {
    flag: '--dataset <kind>',
    help: "'synthetic', 'mnist', or a path to a dataset .json or .npz (arrays x, y)",
  },
  labels: { flag: '--labels <kind>', help: 'synthetic label kind', kind: oneOf(LABEL_KINDS) },
  d: { flag: '--d <int>', help: 'synthetic input dimension', kind: INPUT_DIMENSION },
  rawPixels: { flag: '--raw-pixels', help: 'MNIST: keep [0,1] pixels instead of unit-norm inputs (H1 then fails)' },
} as const;

/** The dataset named by --dataset, with the defaults of its kind. */
function datasetNamed(value: string): DatasetConfig {
  if (value === 'synthetic') return DEFAULT_SYNTHETIC.dataset;
  if (value === 'mnist') return DEFAULT_MNIST.dataset;
  if (value.endsWith('.json') || value.endsWith('.npz')) return { kind: 'file', path: value };
  throw new ConfigError(
    `--dataset: expected 'synthetic', 'mnist' or a path to a .json or .npz dataset, got '${value}'`,
  );
}

/** The dataset layer of the flags: --dataset (or `current`, the lower layers' dataset) with --labels, --d, --raw-pixels. */
export function datasetFromFlags(flags: DatasetFlagValues, current: DatasetConfig): DatasetConfig | undefined {
  const touched = flags.dataset !== undefined || flags.labels !== undefined || flags.d !== undefined || flags.rawPixels;
  if (!touched) return undefined;
  const ds = flags.dataset !== undefined ? datasetNamed(flags.dataset) : current;
  if ((flags.labels !== undefined || flags.d !== undefined) && ds.kind !== 'synthetic')
    throw new ConfigError('--labels and --d apply to the synthetic dataset only');
  if (flags.rawPixels && ds.kind !== 'mnist') throw new ConfigError('--raw-pixels applies to --dataset mnist only');
  if (ds.kind === 'synthetic')
    return { ...ds, ...(flags.labels ? { labels: flags.labels } : {}), ...(flags.d ? { d: flags.d } : {}) };
  if (ds.kind === 'mnist') return { ...ds, ...(flags.rawPixels ? { unitNorm: false } : {}) };
  return ds;
}
