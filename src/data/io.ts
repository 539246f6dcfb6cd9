/**
 * The dataset file format: JSON `{"x": number[][], "y": number[] | number[][], "name"?: string}`.
 * y as number[] means one output (C = 1); as number[][] an m×C matrix, and when every row is
 * one-hot (C ≥ 2) the class indices are filled in. Values are stored as float32; writing prints
 * each float32's exact double value, so reading it back gives the same float32 (only −0 becomes 0:
 * JSON.stringify drops the sign of zero).
 * Reading checks structure only; `validateDataset` checks the theory's hypotheses.
 */
import * as fs from 'fs';
import type { Dataset } from './types';
import { DatasetError } from './validate';

// Module-level aliases: under jest every global lookup (Math, Number) costs ≈ 1 µs (test globals live
// in a vm context), which turns per-entry loops over 10^7 values into seconds.
const fround = Math.fround;
const isFiniteNumber = Number.isFinite;

export interface DatasetJson {
  name?: string;
  x: number[][];
  y: number[] | number[][];
}

const KNOWN_FIELDS = ['x', 'y', 'name'];

/** Parses a dataset object; `source` (a file name) prefixes every error. */
export function datasetFromJson(obj: unknown, source: string): Dataset {
  const fail = (msg: string): never => {
    throw new DatasetError(`${source}: ${msg}`);
  };
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    return fail(`expected an object {"x": [[…]], "y": […]}, got ${describeType(obj)}`);
  }
  const record = obj as Record<string, unknown>;
  const unknown = Object.keys(record).filter((k) => !KNOWN_FIELDS.includes(k));
  if (unknown.length > 0) fail(`unknown field '${unknown[0]}' (expected ${KNOWN_FIELDS.join(', ')})`);
  if (record.name !== undefined && typeof record.name !== 'string')
    fail(`name must be a string, got ${describeType(record.name)}`);

  const x = parseMatrix(record.x, 'x', null, fail);
  const m = x.rows;
  const y = parseLabels(record.y, m, fail);
  return {
    name: (record.name as string | undefined) ?? source,
    m,
    d: x.cols,
    outputs: y.cols,
    x: x.values,
    y: y.values,
    classes: y.cols >= 2 ? oneHotClasses(y.values, m, y.cols) : null,
  };
}

/** The JSON form of a dataset (y flat when C = 1). */
export function datasetToJson(ds: Dataset): DatasetJson {
  const rows = (values: Float32Array, cols: number) =>
    Array.from({ length: ds.m }, (_, j) => Array.from(values.subarray(j * cols, (j + 1) * cols)));
  return {
    name: ds.name,
    x: rows(ds.x, ds.d),
    y: ds.outputs === 1 ? Array.from(ds.y) : rows(ds.y, ds.outputs),
  };
}

/**
 * Reads a dataset from a JSON file `{"x": number[][], "y": number[] | number[][], "name"?: string}` (`verify --data`).
 *
 * @param path - the file.
 * @returns the dataset.
 * @throws DatasetError naming the file and the first invalid field or row.
 */
export function readDatasetFile(path: string): Dataset {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (e) {
    throw new DatasetError(`cannot read ${path}: ${errorMessage(e)}`);
  }
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new DatasetError(`${path}: not valid JSON (${errorMessage(e)})`);
  }
  return datasetFromJson(obj, path);
}

export function writeDatasetFile(path: string, ds: Dataset): void {
  try {
    fs.writeFileSync(path, JSON.stringify(datasetToJson(ds)));
  } catch (e) {
    throw new DatasetError(`cannot write ${path}: ${errorMessage(e)}`);
  }
}

type Fail = (msg: string) => never;

interface Matrix {
  rows: number;
  cols: number;
  values: Float32Array;
}

/** A non-empty array of equal-length, non-empty rows of float32-representable numbers. */
function parseMatrix(value: unknown, field: string, expectedRows: number | null, fail: Fail): Matrix {
  if (value === undefined) return fail(`missing field '${field}'`);
  if (!Array.isArray(value)) return fail(`${field} must be an array of rows, got ${describeType(value)}`);
  if (value.length === 0) return fail(`${field} is empty`);
  if (expectedRows !== null && value.length !== expectedRows) {
    return fail(`${field} has ${value.length} rows but x has ${expectedRows}`);
  }
  const first = value[0];
  if (!Array.isArray(first)) return fail(`${field}[0] must be an array of numbers, got ${describeType(first)}`);
  const cols = first.length;
  if (cols === 0) return fail(`${field}[0] is empty`);
  const values = new Float32Array(value.length * cols);
  value.forEach((row: unknown, i: number) => {
    if (!Array.isArray(row)) return fail(`${field}[${i}] must be an array of numbers, got ${describeType(row)}`);
    if (row.length !== cols) return fail(`${field}[${i}] has ${row.length} entries, expected ${cols}`);
    row.forEach((v: unknown, k: number) => (values[i * cols + k] = toFloat32(v, `${field}[${i}][${k}]`, fail)));
  });
  return { rows: value.length, cols, values };
}

function parseLabels(value: unknown, m: number, fail: Fail): Matrix {
  if (value === undefined) return fail(`missing field 'y'`);
  if (!Array.isArray(value)) return fail(`y must be an array, got ${describeType(value)}`);
  if (value.length > 0 && Array.isArray(value[0])) return parseMatrix(value, 'y', m, fail);
  if (value.length !== m) return fail(`y has ${value.length} rows but x has ${m}`);
  const values = new Float32Array(m);
  value.forEach((v: unknown, j: number) => (values[j] = toFloat32(v, `y[${j}]`, fail)));
  return { rows: m, cols: 1, values };
}

function toFloat32(v: unknown, where: string, fail: Fail): number {
  if (typeof v !== 'number') return fail(`${where} must be a number, got ${describeType(v)}`);
  const f = fround(v);
  if (!isFiniteNumber(f)) return fail(`${where} = ${v} is outside the float32 range`);
  return f;
}

/** Class indices when every row is a one-hot vector, else null. */
export function oneHotClasses(y: Float32Array, m: number, cols: number): Int32Array | null {
  const classes = new Int32Array(m);
  for (let j = 0; j < m; j++) {
    let hot = -1;
    for (let k = 0; k < cols; k++) {
      const v = y[j * cols + k];
      if (v === 1 && hot < 0) hot = k;
      else if (v !== 0) return null;
    }
    if (hot < 0) return null;
    classes[j] = hot;
  }
  return classes;
}

function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 20 ? v.slice(0, 20) + '…' : v)}`;
  return typeof v === 'object' || typeof v === 'undefined' ? `an ${typeof v}` : `a ${typeof v}`;
}

/** The message of a thrown value (duck-typed: errors from another realm fail `instanceof Error`). */
function errorMessage(e: unknown): string {
  const message = typeof e === 'object' && e !== null ? (e as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(e);
}
