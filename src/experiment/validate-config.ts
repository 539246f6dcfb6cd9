/**
 * Validation of experiment configs at the edge (config files and CLI flags): a JSON Schema checked by
 * ajv, plus the cross-field rules a schema cannot express. Errors name the file and the field.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import { ConfigError, runOverrides, type ExperimentConfig } from './config';
import { MNIST_MIN_M, MNIST_TRAIN_SIZE } from '../data/mnist';
import { composeConfig, fieldSchema, fieldSpec, FIELD_KEYS, type ConfigLayer, type FieldKey } from './fields';
import type { ValueKind } from './field-kinds';
import { checkOverridesOnConfiguration, parseTheoryOverrides } from '../../theory';

export { ConfigError } from './config';

/** Schema of a config layer (a config file): every field optional, unknown fields rejected; from the field table. */
export const CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(FIELD_KEYS.map((key) => [key, fieldSchema(key)])),
};

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

/** Checks a config layer (a config file) against the table's schema; errors name the source and the field. */
export function checkPartialConfig(value: unknown, source: string): ConfigLayer {
  if (!validatePartial(value)) throw new ConfigError(describeAjvErrors(source));
  return value as ConfigLayer;
}

const kindValidators = new WeakMap<ValueKind<unknown>, ValidateFunction>();

function validatorOf(kind: ValueKind<unknown>): ValidateFunction {
  let validate = kindValidators.get(kind);
  if (!validate) kindValidators.set(kind, (validate = ajv.compile(kind.schema)));
  return validate;
}

/**
 * Parses a flag's text into a value of `kind`: the kind reads the syntax, then the kind's schema (the one a config
 * file is checked against) checks the range. Errors name the flag and state the range.
 */
export function parseFlagText<T>(kind: ValueKind<T>, text: string, flag: string): T {
  if (!kind.read) throw new ConfigError(`${flag}: this setting has no flag syntax; set it in a config file`);
  let value: unknown;
  try {
    value = kind.read(text);
  } catch (e) {
    throw new ConfigError(`${flag}: ${(e as Error).message}; expected ${kind.range}`);
  }
  const validate = validatorOf(kind as ValueKind<unknown>);
  if (!validate(value)) {
    const why = [...new Set((validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`.trim()))];
    throw new ConfigError(`${flag}: expected ${kind.range}, got '${text}' (${why.join('; ')})`);
  }
  return value as T;
}

/** `parseFlagText` for a field of the table. */
export function parseFlagValue(key: FieldKey, text: string, flag: string): unknown {
  return parseFlagText(fieldSpec(key).kind, text, flag);
}

/** Rules across fields, on the merged config. */
export function checkConfig(config: ExperimentConfig, source: string): ExperimentConfig {
  checkPartialConfig(config, source);
  const fail = (msg: string): never => {
    throw new ConfigError(`${source}: ${msg}`);
  };
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
    checkOverridesOnConfiguration(designPoints(config), runOverrides(config));
  } catch (e) {
    fail(`theory: ${(e as Error).message}`);
  }
  return config;
}

/** Layers over a base by the field table's composition rule (src/experiment/fields.ts), not yet validated. */
export function mergeConfig(base: ExperimentConfig, ...layers: ConfigLayer[]): ExperimentConfig {
  return composeConfig(base, ...layers);
}

/** What the configuration fixes of each run's theory inputs before computing: m, the width N and each size n. */
function designPoints(config: ExperimentConfig): { m: number; N: number; n: number }[] {
  return config.mGrid.flatMap((m) => config.subnetworkSizes.map((n) => ({ m, N: config.width, n })));
}
