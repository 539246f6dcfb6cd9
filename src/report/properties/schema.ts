/**
 * JSON Schema (draft-07) of the claims and check-pruner report.json, from the building blocks of
 * src/files/json-schema.ts (`objectOf<T>` makes a field added or removed without updating this file a tsc error).
 */
import {
  anything,
  arrayOf,
  bool,
  count,
  enumOf,
  int,
  nonEmpty,
  nonNegative,
  nullable,
  nullableNum,
  nullableStr,
  objectOf,
  recordOf,
  schemaValidator,
  str,
  type Schema,
  type SchemaCheck,
} from '../../files/json-schema';
import { ENVIRONMENT_SCHEMA, RUN_ID_PATTERN, VERDICTS } from '../verify/schema';
import type {
  ComparisonCase,
  ComparisonRow,
  PrunerCheckSettings,
  PrunerComparison,
} from '../../properties/pruner-check';
import type { ClaimsReportDocument, PrunerReportDocument, SummaryLine } from './types';
import type { CounterexampleRecord, PropertyRunResult, ReplayRecord } from '../../properties/runner';
import type { SessionSettings } from '../../properties/session';
import type { HypothesisStatus, PropertyKind, PropertySource } from '../../testing/property';

const KINDS = ['invariant', 'claim', 'contract'] as const satisfies readonly PropertyKind[];
const SOURCES = ['[Du19]', '[FW]', '[R]', '[contract]'] as const satisfies readonly PropertySource[];
const REPLAY_STATUSES = [
  'still fails',
  'now passes',
  'unreadable',
] as const satisfies readonly ReplayRecord['status'][];

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

const validateClaims = schemaValidator(CLAIMS_REPORT_SCHEMA);
const validatePrunerReport = schemaValidator(PRUNER_REPORT_SCHEMA);

/** Validates a claims or check-pruner report document (dispatching on `kind`). */
export function validatePropertyReport(doc: unknown): SchemaCheck {
  const kind = (doc as { kind?: unknown } | null)?.kind;
  if (kind !== 'claims' && kind !== 'check-pruner')
    return { valid: false, errors: [`/kind: must be 'claims' or 'check-pruner', got ${JSON.stringify(kind)}`] };
  return kind === 'claims' ? validateClaims(doc) : validatePrunerReport(doc);
}
