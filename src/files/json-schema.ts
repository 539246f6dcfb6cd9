/**
 * The building blocks of every JSON Schema (draft-07) the package writes by hand (report.json, the claims and
 * check-pruner reports, the scaling analysis) and the one way they are validated. `objectOf<T>` ties an object
 * schema to its TypeScript type: a field added to or removed from the type without updating the schema is a tsc
 * error. Numbers must be finite (ajv `strictNumbers`): NaN and ±Infinity would silently become null in JSON.
 */
import Ajv from 'ajv';
import type { ErrorObject } from 'ajv';

/** A JSON Schema, as a plain object. */
export type Schema = Record<string, unknown>;

/** Keys of T that may be absent. */
export type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];

/** Compile-time check that a runtime list names every member of a string union (`never` when it misses one). */
export type Exhaustive<Union, List extends readonly unknown[]> =
  Exclude<Union, List[number]> extends never ? List : never;

/** Any finite number. */
export const num: Schema = { type: 'number' };
/** A finite number ≥ 0. */
export const nonNegative: Schema = { type: 'number', minimum: 0 };
/** A finite number > 0. */
export const positive: Schema = { type: 'number', exclusiveMinimum: 0 };
/** A finite number or null. */
export const nullableNum: Schema = { type: ['number', 'null'] };
/** A finite number ≥ 0, or null. */
export const nullableNonNegative: Schema = { type: ['number', 'null'], minimum: 0 };
/** An integer. */
export const int: Schema = { type: 'integer' };
/** An integer ≥ 0. */
export const count: Schema = { type: 'integer', minimum: 0 };
/** An integer ≥ 1. */
export const positiveInt: Schema = { type: 'integer', minimum: 1 };
/** An integer ≥ 0, or null. */
export const nullableCount: Schema = { type: ['integer', 'null'], minimum: 0 };
/** Any string. */
export const str: Schema = { type: 'string' };
/** A string of at least one character. */
export const nonEmpty: Schema = { type: 'string', minLength: 1 };
/** A string or null. */
export const nullableStr: Schema = { type: ['string', 'null'] };
/** true or false. */
export const bool: Schema = { type: 'boolean' };
/** Any JSON value. */
export const anything: Schema = {};

/**
 * An array schema.
 *
 * @param items - the schema of every item.
 * @param minItems - the fewest items allowed (default 0).
 * @returns the schema.
 */
export const arrayOf = (items: Schema, minItems = 0): Schema => ({ type: 'array', items, minItems });

/**
 * An object with arbitrary keys and values of one schema.
 *
 * @param values - the schema of every value.
 * @returns the schema.
 */
export const recordOf = (values: Schema): Schema => ({ type: 'object', additionalProperties: values });

/**
 * One of a fixed list of strings.
 *
 * @param values - the allowed strings.
 * @returns the schema.
 */
export const enumOf = (values: readonly string[]): Schema => ({ type: 'string', enum: [...values] });

/**
 * A value of `schema`, or null.
 *
 * @param schema - the schema of a present value.
 * @returns the schema.
 */
export const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });

/**
 * The schema of an object of type T: every key of T listed (a tsc error otherwise), no other key allowed.
 *
 * @param properties - one schema per key of T.
 * @param optional - the keys that may be absent (only keys T marks optional).
 * @returns the schema.
 */
export function objectOf<T>(
  properties: { [K in keyof T]-?: Schema },
  optional: readonly OptionalKeys<T>[] = [],
): Schema {
  const required = Object.keys(properties).filter((k) => !(optional as readonly string[]).includes(k));
  return { type: 'object', properties, required, additionalProperties: false };
}

/** What validating a value found: valid, or readable errors naming the JSON path of each fault. */
export interface SchemaCheck {
  valid: boolean;
  errors: string[];
}

/** One ajv error as a sentence that names the JSON path and, for numbers, why NaN and ±∞ are rejected. */
function describeError(e: ErrorObject): string {
  const where = e.instancePath || '/';
  const params = e.params as Record<string, unknown>;
  if (params.additionalProperty !== undefined)
    return `${where}: unexpected field '${String(params.additionalProperty)}'`;
  if (e.keyword === 'enum')
    return `${where}: ${e.message} (${(params.allowedValues as unknown[]).map(String).join(' | ')})`;
  if (e.keyword === 'const') return `${where}: must be ${JSON.stringify(params.allowedValue)}`;
  if (e.keyword === 'type' && String(params.type).includes('number'))
    return `${where}: ${e.message} (NaN and ±Infinity are not allowed: JSON would write them as null)`;
  return `${where}: ${e.message}`;
}

/**
 * A validator for `schema`, compiled on its first call (ajv strict mode, all errors, finite numbers only).
 *
 * @param schema - the JSON Schema.
 * @returns a function that checks a value (as parsed from JSON) and describes every fault, each once.
 * @throws Error on the first call when ajv rejects the schema itself.
 */
export function schemaValidator(schema: Schema): (value: unknown) => SchemaCheck {
  let compiled: ReturnType<Ajv['compile']> | null = null;
  return (value) => {
    if (!compiled) {
      const ajv = new Ajv({ allErrors: true, strict: true, strictNumbers: true, allowUnionTypes: true });
      // An annotation: src/report/verify/schema.ts marks timing and invocation fields with it (VOLATILE_FIELDS).
      ajv.addKeyword({ keyword: 'volatile', schemaType: 'string' });
      compiled = ajv.compile(schema);
    }
    if (compiled(value)) return { valid: true, errors: [] };
    return { valid: false, errors: [...new Set((compiled.errors ?? []).map(describeError))] };
  };
}
