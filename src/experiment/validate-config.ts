/**
 * Validation of experiment configs at the edge (config files and CLI flags): a JSON Schema checked by
 * ajv, plus the cross-field rules a schema cannot express. Errors name the file and the field.
 */
import Ajv from 'ajv';
import type { ExperimentConfig } from './config';
import { LABEL_KINDS } from '../data/types';
import { MNIST_MIN_M, MNIST_TEST_SIZE, MNIST_TRAIN_SIZE } from '../data/mnist';
import { PARAMETERISATIONS } from '../model/types';
import { parseTheoryOverrides } from '../../theory';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const positiveInt = { type: 'integer', minimum: 1 };
const positiveNumber = { type: 'number', exclusiveMinimum: 0 };

const DATASET_SCHEMA = {
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'labels', 'd'],
      properties: {
        kind: { const: 'synthetic' },
        labels: { enum: [...LABEL_KINDS] },
        d: positiveInt,
        teacherWidth: positiveInt,
        clusters: positiveInt,
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

/** Schema of a (partial) config file: every field optional, unknown fields rejected. */
export const CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1 },
    dataset: DATASET_SCHEMA,
    mGrid: { type: 'array', minItems: 1, items: { type: 'integer', minimum: 2 } },
    seeds: { type: 'array', minItems: 1, items: { type: 'integer' } },
    parameterisation: { enum: [...PARAMETERISATIONS] },
    width: positiveInt,
    kappa: positiveNumber,
    eta: positiveNumber,
    // r ≥ 1 is at or beyond the linearised stability limit: GD diverges by construction.
    etaRelative: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
    iterations: positiveInt,
    batchSize: { anyOf: [{ type: 'null' }, positiveInt] },
    checkpoints: { type: 'integer', minimum: 2 },
    subnetworkSizes: { type: 'array', minItems: 1, items: positiveInt },
    epsilon: positiveNumber,
    targetAccuracy: { anyOf: [{ type: 'null' }, { type: 'number', exclusiveMinimum: 0, maximum: 1 }] },
    epsilonRelative: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
    targetAccuracyRelative: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    sensitivity: {
      type: 'object',
      additionalProperties: false,
      required: ['epsilonRelative', 'targetAccuracyRelative'],
      properties: {
        epsilonRelative: {
          type: 'array',
          uniqueItems: true,
          items: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
        },
        targetAccuracyRelative: {
          type: 'array',
          uniqueItems: true,
          items: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
        },
      },
    },
    resolution: {
      type: 'object',
      additionalProperties: false,
      required: ['absolute', 'relative'],
      properties: { absolute: { type: 'integer', minimum: 1 }, relative: { type: 'number', minimum: 0, maximum: 0.5 } },
    },
    precision: { enum: ['float32', 'float64'] },
    initWeights: {
      type: 'object',
      additionalProperties: false,
      required: ['path', 'sha256'],
      properties: { path: { type: 'string', minLength: 1 }, sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
    },
    pruners: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
    hullTolerance: positiveNumber,
    maxKernelM: { type: 'integer', minimum: 0 },
    theory: {
      type: 'object',
      additionalProperties: false,
      properties: {
        constants: { type: 'object', additionalProperties: { type: 'number' } },
        expressions: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: true });
const validatePartial = ajv.compile(CONFIG_SCHEMA);

function describeAjvErrors(source: string): string {
  const errors = validatePartial.errors ?? [];
  const lines = errors
    .filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf')
    .map((e) => {
      const field = e.instancePath || '(top level)';
      const extra =
        e.keyword === 'additionalProperties'
          ? ` '${(e.params as { additionalProperty: string }).additionalProperty}'`
          : '';
      return `${field} ${e.message}${extra}`;
    });
  return `${source}: invalid config: ${[...new Set(lines)].join('; ')}`;
}

/** Check a partial config (from a file or flags) against the schema. */
export function checkPartialConfig(value: unknown, source: string): Partial<ExperimentConfig> {
  if (!validatePartial(value)) throw new ConfigError(describeAjvErrors(source));
  return value as Partial<ExperimentConfig>;
}

/** Rules across fields, on the merged config. */
export function checkConfig(config: ExperimentConfig, source: string): ExperimentConfig {
  checkPartialConfig(config, source);
  const fail = (msg: string): never => {
    throw new ConfigError(`${source}: ${msg}`);
  };
  if (new Set(config.mGrid).size !== config.mGrid.length)
    fail(`mGrid has repeated values (${config.mGrid.join(', ')})`);
  if (new Set(config.seeds).size !== config.seeds.length)
    fail(`seeds has repeated values (${config.seeds.join(', ')})`);
  if (config.dataset.kind === 'mnist') {
    for (const m of config.mGrid) {
      if (m < MNIST_MIN_M || m > MNIST_TRAIN_SIZE)
        fail(`mGrid value ${m} is outside the MNIST range [${MNIST_MIN_M}, ${MNIST_TRAIN_SIZE}]`);
    }
  }
  if (config.batchSize !== null) {
    for (const m of config.mGrid)
      if (config.batchSize > m) fail(`batchSize ${config.batchSize} exceeds m = ${m} in mGrid`);
  }
  if (config.checkpoints > config.iterations + 1) {
    fail(`checkpoints (${config.checkpoints}) exceeds iterations + 1 (${config.iterations + 1})`);
  }
  try {
    parseTheoryOverrides(config.theory);
  } catch (e) {
    fail(`theory: ${(e as Error).message}`);
  }
  return config;
}

/** Defaults ← file ← flags, validated. Nested objects are replaced whole, except theory's two maps. */
export function mergeConfig(base: ExperimentConfig, ...layers: Partial<ExperimentConfig>[]): ExperimentConfig {
  let out: ExperimentConfig = { ...base };
  for (const layer of layers) {
    const theory = layer.theory
      ? {
          constants: { ...out.theory.constants, ...layer.theory.constants },
          expressions: { ...out.theory.expressions, ...layer.theory.expressions },
        }
      : out.theory;
    out = { ...out, ...stripUndefined(layer), theory };
  }
  return out;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
