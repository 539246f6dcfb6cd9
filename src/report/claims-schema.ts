/**
 * JSON Schema (draft-07) of the claims and check-pruner report.json. `objectOf<T>` ties each object schema to
 * its TypeScript type (a field added or removed without updating this file is a tsc error), and numbers must
 * be finite (ajv `strictNumbers`): NaN and ±Infinity would silently become null in JSON.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { ENVIRONMENT_SCHEMA, RUN_ID_PATTERN, VERDICTS } from './schema';
import type { ComparisonCase, ComparisonRow, PrunerCheckSettings, PrunerComparison } from '../claims/pruner-check';
import type { ClaimsReportDocument, PrunerReportDocument, SummaryLine } from './claims-types';
import type { CounterexampleRecord, PropertyRunResult, ReplayRecord } from '../claims/runner';
import type { SessionSettings } from '../claims/session';
import type { HypothesisStatus, PropertyKind, PropertySource } from '../testing/property';

type Schema = Record<string, unknown>;
type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];

const KINDS = ['invariant', 'claim', 'contract'] as const satisfies readonly PropertyKind[];
const SOURCES = ['[Du19]', '[FW]', '[R]', '[contract]'] as const satisfies readonly PropertySource[];
const REPLAY_STATUSES = [
  'still fails',
  'now passes',
  'unreadable',
] as const satisfies readonly ReplayRecord['status'][];

const nonNegative: Schema = { type: 'number', minimum: 0 };
const nullableNum: Schema = { type: ['number', 'null'] };
const int: Schema = { type: 'integer' };
const count: Schema = { type: 'integer', minimum: 0 };
const str: Schema = { type: 'string' };
const nonEmpty: Schema = { type: 'string', minLength: 1 };
const nullableStr: Schema = { type: ['string', 'null'] };
const bool: Schema = { type: 'boolean' };
const anything: Schema = {};

const arrayOf = (items: Schema): Schema => ({ type: 'array', items });
const recordOf = (values: Schema): Schema => ({ type: 'object', additionalProperties: values });
const enumOf = (values: readonly string[]): Schema => ({ type: 'string', enum: [...values] });
const nullable = (schema: Schema): Schema => ({ anyOf: [{ type: 'null' }, schema] });

function objectOf<T>(properties: { [K in keyof T]-?: Schema }, optional: readonly OptionalKeys<T>[] = []): Schema {
  const required = Object.keys(properties).filter((k) => !(optional as readonly string[]).includes(k));
  return { type: 'object', properties, required, additionalProperties: false };
}

const hypothesis = objectOf<HypothesisStatus>({
  id: nonEmpty,
  holds: { type: ['boolean', 'null'] },
  detail: str,
  factor: nullableNum,
});

const counterexample = objectOf<CounterexampleRecord>({
  case: anything,
  seed: int,
  path: nullableStr,
  detail: str,
  violatedHypotheses: arrayOf(objectOf<{ id: string; detail: string }>({ id: nonEmpty, detail: str })),
  hypotheses: arrayOf(hypothesis),
  regimes: arrayOf(str),
  measured: recordOf(nullableNum),
  numShrinks: count,
  fromStore: bool,
  error: nullableStr,
});

const replay = objectOf<ReplayRecord>({ file: nonEmpty, status: enumOf(REPLAY_STATUSES), detail: str });

const propertyResult = objectOf<PropertyRunResult>({
  id: nonEmpty,
  kind: enumOf(KINDS),
  source: enumOf(SOURCES),
  statement: nonEmpty,
  pruner: nonEmpty,
  verdict: enumOf(VERDICTS),
  seed: int,
  numRuns: count,
  minApplicable: count,
  cases: objectOf<PropertyRunResult['cases']>({ evaluated: count, passed: count, notApplicable: count, failed: count }),
  shrinkEvaluations: count,
  interrupted: bool,
  seconds: nonNegative,
  regimes: recordOf(count),
  notApplicableReasons: recordOf(count),
  counterexample: nullable(counterexample),
  replay: nullable(replay),
  error: nullableStr,
});

const summaryLine = objectOf<SummaryLine>({
  id: nonEmpty,
  kind: enumOf(KINDS),
  verdict: enumOf(VERDICTS),
  cases: str,
  detail: str,
});

const environment = ENVIRONMENT_SCHEMA;

const header = {
  schemaVersion: { const: 1 },
  runId: { type: 'string', pattern: RUN_ID_PATTERN },
  createdAt: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}' },
  command: str,
  environment,
  wallSeconds: nonNegative,
} as const;

const sessionSettings = objectOf<SessionSettings>({
  seed: int,
  quick: bool,
  timeLimitSeconds: { type: 'number', exclusiveMinimum: 0 },
  store: nullableStr,
  pruner: nonEmpty,
});
const prunerSettings = objectOf<PrunerCheckSettings>({
  seed: int,
  quick: bool,
  timeLimitSeconds: { type: 'number', exclusiveMinimum: 0 },
  store: nullableStr,
});

const comparison = objectOf<PrunerComparison>({
  pruners: arrayOf(nonEmpty),
  cases: arrayOf(objectOf<ComparisonCase>({ case: anything, losses: recordOf(nullableNum), errors: recordOf(str) })),
  rows: arrayOf(
    objectOf<ComparisonRow>({
      pruner: nonEmpty,
      cases: count,
      meanLoss: nullableNum,
      geometricMeanRatioToGreedy: nullableNum,
      atMostGreedy: count,
    }),
  ),
});

export const CLAIMS_REPORT_SCHEMA: Schema = objectOf<ClaimsReportDocument>({
  ...header,
  kind: { const: 'claims' },
  settings: sessionSettings,
  summary: arrayOf(summaryLine),
  properties: arrayOf(propertyResult),
});

export const PRUNER_REPORT_SCHEMA: Schema = objectOf<PrunerReportDocument>({
  ...header,
  kind: { const: 'check-pruner' },
  module: nullableStr,
  pruner: objectOf<PrunerReportDocument['pruner']>({ name: nonEmpty, prefixConsistent: bool }),
  passed: bool,
  brokenContracts: arrayOf(nonEmpty),
  skipped: nullableStr,
  settings: prunerSettings,
  summary: arrayOf(summaryLine),
  contracts: arrayOf(propertyResult),
  claims: arrayOf(propertyResult),
  comparison: nullable(comparison),
});

let compiled: { claims: ValidateFunction; pruner: ValidateFunction } | null = null;

function validators(): { claims: ValidateFunction; pruner: ValidateFunction } {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, strict: true, strictNumbers: true, allowUnionTypes: true });
    compiled = { claims: ajv.compile(CLAIMS_REPORT_SCHEMA), pruner: ajv.compile(PRUNER_REPORT_SCHEMA) };
  }
  return compiled;
}

function describeError(e: ErrorObject): string {
  const where = e.instancePath || '/';
  const params = e.params as Record<string, unknown>;
  if (params.additionalProperty !== undefined)
    return `${where}: unexpected field '${String(params.additionalProperty)}'`;
  if (e.keyword === 'type' && String(params.type).includes('number'))
    return `${where}: ${e.message} (NaN and ±Infinity are not allowed)`;
  return `${where}: ${e.message}`;
}

/** Validates a claims or check-pruner report document (dispatching on `kind`). */
export function validatePropertyReport(doc: unknown): { valid: boolean; errors: string[] } {
  const kind = (doc as { kind?: unknown } | null)?.kind;
  if (kind !== 'claims' && kind !== 'check-pruner')
    return { valid: false, errors: [`/kind: must be 'claims' or 'check-pruner', got ${JSON.stringify(kind)}`] };
  const validate = kind === 'claims' ? validators().claims : validators().pruner;
  const valid = validate(doc) as boolean;
  return { valid, errors: valid ? [] : (validate.errors ?? []).map(describeError) };
}
