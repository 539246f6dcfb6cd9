/**
 * The weights file format (JSON):
 *   {"parameterisation": "ntk", "W": number[][] (N×d), "a": number[] (C = 1) | number[][] (N×C)}
 *   {"parameterisation": "meanfield", "W": ..., "b": number[] | number[][]}
 * 'ntk' output weights are fixed signs and must be ±1; 'meanfield' ones are trained and may be any
 * finite number. Other top-level fields are ignored (room for metadata). Numbers are written with the
 * fewest significant digits (≤ 9) that read back to the same float32, and −0 as "-0", so the file round
 * trip is bit-exact (JSON.stringify of `weightsToJson` would turn −0 into 0).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { PARAMETERISATIONS, type Parameterisation, type TwoLayerWeights } from './types';
import { requireConsistentWeights } from './validate';

export interface WeightsJson {
  parameterisation: Parameterisation;
  W: number[][];
  a?: number[] | number[][];
  b?: number[] | number[][];
}

function outputField(parameterisation: Parameterisation): 'a' | 'b' {
  return parameterisation === 'ntk' ? 'a' : 'b';
}

export function weightsToJson(weights: TwoLayerWeights): WeightsJson {
  requireConsistentWeights(weights, 'weightsToJson');
  const { width, inputDim, outputs } = weights;
  const W = rows(weights.w, width, inputDim);
  const outputsJson = outputs === 1 ? Array.from(weights.v, shortestFloat32) : rows(weights.v, width, outputs);
  return { parameterisation: weights.parameterisation, W, [outputField(weights.parameterisation)]: outputsJson };
}

/** A malformed or unreadable weights file (bad input at the CLI). */
export class WeightsError extends Error {
  override name = 'WeightsError';
}

/** Parses and checks a weights object; `source` (e.g. the file name) prefixes every error. */
export function weightsFromJson(obj: unknown, source: string): TwoLayerWeights {
  const fail = (message: string): never => {
    throw new WeightsError(`${source}: ${message}`);
  };
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) fail('expected a JSON object');
  const record = obj as Record<string, unknown>;
  const parameterisation = record.parameterisation;
  if (parameterisation === undefined) fail("missing field 'parameterisation'");
  if (!(PARAMETERISATIONS as readonly unknown[]).includes(parameterisation)) {
    fail(
      `parameterisation must be one of ${PARAMETERISATIONS.map((p) => `'${p}'`).join(', ')}, got ${JSON.stringify(parameterisation)}`,
    );
  }
  const p = parameterisation as Parameterisation;
  const field = outputField(p);
  const other = field === 'a' ? 'b' : 'a';
  if (other in record) fail(`parameterisation '${p}' takes its output weights in field '${field}', found '${other}'`);

  const hidden = readMatrix(record.W, 'W', null, fail);
  const width = hidden.rows;
  const out = readOutputWeights(record[field], field, width, fail);
  if (p === 'ntk') {
    out.values.forEach((value, i) => {
      if (value !== 1 && value !== -1) fail(`${out.entryName(i)} must be ±1 for parameterisation 'ntk', got ${value}`);
    });
  }
  return { parameterisation: p, width, inputDim: hidden.cols, outputs: out.cols, w: hidden.values, v: out.values };
}

export function readWeightsFile(path: string): TwoLayerWeights {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new WeightsError(`${path}: cannot read weights file (${errorText(e)})`);
  }
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new WeightsError(`${path}: invalid JSON (${errorText(e)})`);
  }
  return weightsFromJson(obj, path);
}

/** Writes `weights` as JSON, one row of W per line. */
export function writeWeightsFile(path: string, weights: TwoLayerWeights): void {
  const json = weightsToJson(weights);
  const field = outputField(json.parameterisation);
  const lines = (matrix: number[][]) => `[\n${matrix.map((row) => `    ${listText(row)}`).join(',\n')}\n  ]`;
  const out = json[field] as number[] | number[][];
  const text =
    `{\n  "parameterisation": ${JSON.stringify(json.parameterisation)},\n` +
    `  "W": ${lines(json.W)},\n` +
    `  "${field}": ${weights.outputs === 1 ? listText(out as number[]) : lines(out as number[][])}\n}\n`;
  writeFileSync(path, text);
}

/** A JSON list of numbers; unlike JSON.stringify it writes −0 as "-0", so the file round trip is bit-exact. */
function listText(values: number[]): string {
  return `[${values.map((x) => (Object.is(x, -0) ? '-0' : String(x))).join(', ')}]`;
}

/** The shortest decimal (≤ 9 significant digits, enough for any float32) that reads back to x. */
function shortestFloat32(x: number): number {
  if (x === 0) return x; // keeps −0
  for (let digits = 6; digits < 9; digits++) {
    const candidate = Number(x.toPrecision(digits));
    if (Math.fround(candidate) === x) return candidate;
  }
  return Number(x.toPrecision(9));
}

function rows(values: Float32Array, rowCount: number, colCount: number): number[][] {
  return Array.from({ length: rowCount }, (_, i) =>
    Array.from(values.subarray(i * colCount, (i + 1) * colCount), shortestFloat32),
  );
}

interface ParsedMatrix {
  rows: number;
  cols: number;
  values: Float32Array;
  entryName: (flatIndex: number) => string;
}

type Fail = (message: string) => never;

/** A non-empty rectangular number[][]; `expectedRows` when the row count is fixed by another field. */
function readMatrix(value: unknown, name: string, expectedRows: number | null, fail: Fail): ParsedMatrix {
  if (value === undefined) fail(`missing field '${name}'`);
  if (!Array.isArray(value)) fail(`${name} must be an array of rows, got ${typeName(value)}`);
  const matrix = value as unknown[];
  if (matrix.length === 0) fail(`${name} must have at least one row`);
  if (expectedRows !== null && matrix.length !== expectedRows) {
    fail(`${name} has ${matrix.length} rows, expected ${expectedRows} (one per row of W)`);
  }
  const first = matrix[0];
  if (!Array.isArray(first)) fail(`${name}[0] must be an array, got ${typeName(first)}`);
  const cols = (first as unknown[]).length;
  if (cols === 0) fail(`${name}[0] must not be empty`);
  const values = new Float32Array(matrix.length * cols);
  matrix.forEach((row, i) => {
    if (!Array.isArray(row)) fail(`${name}[${i}] must be an array, got ${typeName(row)}`);
    const entries = row as unknown[];
    if (entries.length !== cols) fail(`${name}[${i}] has ${entries.length} entries, expected ${cols}`);
    entries.forEach((entry, j) => {
      values[i * cols + j] = finiteNumber(entry, `${name}[${i}][${j}]`, fail);
    });
  });
  const entryName = (k: number) => `${name}[${Math.floor(k / cols)}][${k % cols}]`;
  return { rows: matrix.length, cols, values, entryName };
}

/** Output weights: a flat array of N numbers (C = 1) or an N×C matrix. */
function readOutputWeights(value: unknown, name: string, width: number, fail: Fail): ParsedMatrix {
  if (value === undefined) fail(`missing field '${name}'`);
  if (!Array.isArray(value)) fail(`${name} must be an array, got ${typeName(value)}`);
  const list = value as unknown[];
  if (list.length > 0 && Array.isArray(list[0])) return readMatrix(list, name, width, fail);
  if (list.length !== width) fail(`${name} has ${list.length} entries, expected ${width} (one per row of W)`);
  const values = Float32Array.from(list, (entry, i) => finiteNumber(entry, `${name}[${i}]`, fail));
  return { rows: width, cols: 1, values, entryName: (k) => `${name}[${k}]` };
}

function finiteNumber(entry: unknown, where: string, fail: Fail): number {
  if (typeof entry !== 'number') return fail(`${where} must be a number, got ${typeName(entry)}`);
  if (!Number.isFinite(entry)) return fail(`${where} must be finite, got ${entry}`);
  const stored = Math.fround(entry);
  if (!Number.isFinite(stored)) return fail(`${where} = ${entry} overflows float32`);
  return stored;
}

/** The message of a thrown value (fs errors may come from another realm, so no instanceof Error). */
function errorText(e: unknown): string {
  const message = (e as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(e);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `string ${JSON.stringify(value)}` : typeof value;
}
