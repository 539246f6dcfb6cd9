/**
 * Kinds of setting values for the field table (fields.ts). A kind states its range once, as a JSON schema; a
 * config file is checked against that schema, and a flag's text is read into a candidate value and checked
 * against the same schema, so a flag and a config file accept exactly the same values.
 */

/** A JSON schema (the subset ajv is given). */
export type Schema = Record<string, unknown>;

/** A kind of value: its range as a schema and in words, how a flag's text is read, and how a value is printed. */
export interface ValueKind<T> {
  /** The value's JSON schema, range included: the one statement of what is accepted. */
  readonly schema: Schema;
  /** The range in words, e.g. "an integer in [1, 1000000]" (help text, errors, docs/CONFIG.md). */
  readonly range: string;
  /**
   * Reads a flag's text into a candidate value (syntax only: the schema then checks the range); throws an Error
   * whose message says what is wrong with the syntax. Absent for kinds that have no flag syntax.
   */
  readonly read?: (text: string) => unknown;
  /** The value as `--help` and the report print it. */
  readonly show: (value: T) => string;
}

/** Decimal numbers as written by people and by `String(number)`: no hex, no empty text, no "Infinity". */
const NUMBER_SYNTAX = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

function readNumber(text: string): number {
  const trimmed = text.trim();
  if (!NUMBER_SYNTAX.test(trimmed)) throw new Error(`'${text}' is not a number`);
  return Number(trimmed);
}

/** Numbers in ranges and messages: integers in full, others as JavaScript prints them. */
const showNumber = (v: number): string => String(v);

/** An integer in [min, max]. */
export function int(min: number, max: number): ValueKind<number> {
  return {
    schema: { type: 'integer', minimum: min, maximum: max },
    range: `an integer in [${showNumber(min)}, ${showNumber(max)}]`,
    read: readNumber,
    show: showNumber,
  };
}

/** Bounds of a real range; `exclusive` bounds are open. */
export interface RealRange {
  min: number;
  max: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
}

/** A finite number in a stated interval. */
export function real(r: RealRange): ValueKind<number> {
  const schema: Schema = { type: 'number' };
  schema[r.minExclusive ? 'exclusiveMinimum' : 'minimum'] = r.min;
  schema[r.maxExclusive ? 'exclusiveMaximum' : 'maximum'] = r.max;
  return {
    schema,
    range: `a number in ${r.minExclusive ? '(' : '['}${showNumber(r.min)}, ${showNumber(r.max)}${r.maxExclusive ? ')' : ']'}`,
    read: readNumber,
    show: showNumber,
  };
}

/** A non-empty list of distinct items of one kind; a flag writes it comma-separated, with no empty item. */
export function list<T>(item: ValueKind<T>): ValueKind<T[]> {
  const readItem = item.read;
  return {
    schema: { type: 'array', minItems: 1, uniqueItems: true, items: item.schema },
    range: `a non-empty list of distinct items, each ${item.range}`,
    read: readItem
      ? (text) => {
          const parts = text.split(',');
          if (parts.some((p) => p.trim() === '')) throw new Error(`'${text}' has an empty item`);
          return parts.map((p) => readItem(p.trim()));
        }
      : undefined,
    show: (values) => values.map(item.show).join(', '),
  };
}

/** One of a fixed set of words. */
export function oneOf<T extends string>(values: readonly T[]): ValueKind<T> {
  return {
    schema: { enum: [...values] },
    range: `one of ${values.join(', ')}`,
    read: (text) => text,
    show: (v) => v,
  };
}

/** Non-empty text. */
export function text(): ValueKind<string> {
  return { schema: { type: 'string', minLength: 1 }, range: 'non-empty text', read: (t) => t, show: (v) => v };
}

/** A name a comma-separated list can hold: no comma, no surrounding space (a flag's list reader drops them). */
export function listName(): ValueKind<string> {
  return {
    schema: { type: 'string', pattern: '^[^,\\s](?:[^,]*[^,\\s])?$' },
    range: 'a name without commas or surrounding spaces',
    read: (t) => t,
    show: (v) => v,
  };
}

/** A value of `kind`, or null (meaning `nullMeans`); a flag cannot write null, so its syntax is the kind's. */
export function nullable<T>(kind: ValueKind<T>, nullMeans: string): ValueKind<T | null> {
  return {
    schema: { anyOf: [{ type: 'null' }, kind.schema] },
    range: `null (${nullMeans}) or ${kind.range}`,
    read: kind.read,
    show: (v) => (v === null ? nullMeans : kind.show(v)),
  };
}

/** A JSON object with its own schema; config file only, unless `read` builds it from a flag's text. */
export function structured<T>(
  schema: Schema,
  range: string,
  show: (value: T) => string,
  read?: (text: string) => unknown,
): ValueKind<T> {
  return { schema, range, show, ...(read ? { read } : {}) };
}
