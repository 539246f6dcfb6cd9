/**
 * JSON Schema (draft-07) of report.json, written by hand to match src/report/types.ts and
 * src/experiment/types.ts, from the building blocks of src/files/json-schema.ts (`objectOf<T>` makes a
 * field added to or removed from a type without updating this file a tsc error).
 */
import {
  arrayOf,
  bool,
  count,
  enumOf,
  int,
  nonEmpty,
  nonNegative,
  nullableCount,
  nullableNum,
  num,
  objectOf,
  positiveInt,
  recordOf,
  schemaValidator,
  str,
  type Exhaustive,
  type Schema,
  type SchemaCheck,
} from '../../files/json-schema';
import { CONFIG_RECORD_SCHEMA } from '../../experiment/fields';
import type {
  CheckResult,
  CheckpointMeasurement,
  CriticalTimes,
  HypothesisResult,
  PrunerMeasurement,
  RelativeTarget,
  RunResult,
  ScalingResult,
  SensitivityRow,
  SensitivityTime,
  SubnetworkMeasurement,
  Verdict,
} from '../../experiment/types';
import type { CriticalMethod, CriticalTime } from '../../pipeline/critical';
import { SCALING_ANALYSIS_SCHEMA } from '../../scaling/schema';
import { REPORT_SCHEMA_VERSION } from '../types';
import type { Environment, ExpressionRecord, Reconcluded, ReportDocument, SummaryRow } from '../types';

export const VERDICTS = [
  'PASS',
  'FAIL',
  'VACUOUS',
  'UNDECIDED',
  'NOT APPLICABLE',
] as const satisfies readonly Verdict[];
export const SCALING_VERDICTS = [
  'consistent with logarithmic scaling',
  'better explained by a power law',
  'better explained by a saturating law',
  'inconclusive',
] as const satisfies readonly ScalingResult['verdict'][];
export const LOG_BOUND_VERDICTS = [
  'consistent with O(log m)',
  'grows faster than log m',
  'undetermined',
] as const satisfies readonly ScalingResult['logBound']['verdict'][];
const SUMMARY_KINDS = ['invariant', 'claim', 'scaling'] as const satisfies readonly SummaryRow['kind'][];
const CRITICAL_METHODS = [
  'exact (every iteration)',
  'bisection',
  'checkpoint bracket',
  'at t = 0',
  'censored',
  'undecided',
] as const satisfies readonly CriticalMethod[];

/**
 * Why a field differs between two computations of the same runs: 'timing' (clock readings and what derives
 * from them) or 'invocation' (when, how and where it was run). Every comparison of reports for equality (diff,
 * resume tests, test:slurm) drops exactly the fields marked so: see VOLATILE_FIELDS and withoutVolatile.
 */
export type Volatility = 'timing' | 'invocation';
/** Marks a field's schema volatile (the `volatile` annotation keyword, see files/json-schema.ts). */
const volatile = (schema: Schema, why: Volatility): Schema => ({ ...schema, volatile: why });

// Fail compilation when a union gains a member the lists above do not name.
const exhaustiveLists: [
  Exhaustive<Verdict, typeof VERDICTS>,
  Exhaustive<ScalingResult['verdict'], typeof SCALING_VERDICTS>,
  Exhaustive<ScalingResult['logBound']['verdict'], typeof LOG_BOUND_VERDICTS>,
  Exhaustive<SummaryRow['kind'], typeof SUMMARY_KINDS>,
  Exhaustive<CriticalMethod, typeof CRITICAL_METHODS>,
] = [VERDICTS, SCALING_VERDICTS, LOG_BOUND_VERDICTS, SUMMARY_KINDS, CRITICAL_METHODS];
void exhaustiveLists;

/** An accuracy in [0, 1], or null when not measured. */
const fraction: Schema = { type: ['number', 'null'], minimum: 0, maximum: 1 };

const criticalTimeProperties = {
  t: nullableCount,
  lo: nullableCount,
  censoredAt: nullableCount,
  method: enumOf(CRITICAL_METHODS),
  replayedSteps: count,
};
const criticalTime = objectOf<CriticalTime>(criticalTimeProperties);
const timeAtSize = objectOf<CriticalTimes['tCrit'][number]>({ n: positiveInt, ...criticalTimeProperties });

const subnetwork = objectOf<SubnetworkMeasurement>({
  n: positiveInt,
  loss: nonNegative,
  accuracy: fraction,
  heldOutAccuracy: fraction,
  size: count,
  distinct: count,
});

const pruner = objectOf<PrunerMeasurement>({
  pruner: nonEmpty,
  subnetworks: arrayOf(subnetwork),
  ms: volatile(nonNegative, 'timing'),
});

const hull = objectOf<CheckpointMeasurement['hull']>({
  distanceSq: nonNegative,
  lowerBound: num,
  gap: num,
  inside: bool,
  iterations: count,
});

const checkpoint = objectOf<CheckpointMeasurement>({
  t: count,
  residual: nonNegative,
  denseLoss: nonNegative,
  denseAccuracy: fraction,
  contractionRate: nullableNum,
  gramLambdaMin: nullableNum,
  diameter: nonNegative,
  diameterToTarget: nonNegative,
  rho: nonNegative,
  ballVoid: bool,
  hull,
  pruners: arrayOf(pruner),
});

const hypothesis = objectOf<HypothesisResult>({
  id: nonEmpty,
  label: str,
  statement: str,
  holds: { type: ['boolean', 'null'] },
  detail: str,
  factor: nullableNum,
});

const checkFailure = objectOf<CheckResult['failures'][number]>({ t: count, n: positiveInt, detail: str }, ['n']);

/** One check's result (src/checks), per run and aggregated over runs. */
export const CHECK_RESULT_SCHEMA: Schema = objectOf<CheckResult>({
  id: nonEmpty,
  kind: enumOf(['invariant', 'claim']),
  provenance: enumOf(['[Du19]', '[FW]', '[R]']),
  statement: str,
  verdict: enumOf(VERDICTS),
  detail: str,
  checked: count,
  vacuous: count,
  undecided: count,
  failures: arrayOf(checkFailure),
  tightness: nullableNum,
  violatedHypotheses: arrayOf(str),
});

const TARGET_KINDS = ['loss', 'accuracy'] as const satisfies readonly RelativeTarget['kind'][];
const relativeTarget = { kind: enumOf(TARGET_KINDS), relative: { type: 'number', exclusiveMinimum: 0, maximum: 1 } };
const sensitivityTime = objectOf<SensitivityTime>({
  ...relativeTarget,
  value: nonNegative,
  n: positiveInt,
  ...criticalTimeProperties,
});

const critical = objectOf<CriticalTimes>(
  {
    tIn: criticalTime,
    tCrit: arrayOf(timeAtSize),
    tCritAccuracy: arrayOf(timeAtSize),
    tDense: criticalTime,
    tDenseAccuracy: { anyOf: [{ type: 'null' }, criticalTime] },
    sensitivity: arrayOf(sensitivityTime),
  },
  ['sensitivity'],
);

const tStar = objectOf<RunResult['tStar']>({
  // T* may come out negative when R(0) < ρ² already; the report shows it as measured.
  etaConfigured: nullableNum,
  etaH5: nullableNum,
  upperForm: nullableNum,
  rho0: nullableNum,
  rhoUsed: nonNegative,
  note: str,
});

const run = objectOf<RunResult>({
  m: positiveInt,
  seed: int,
  dataset: str,
  eta: { type: 'number', exclusiveMinimum: 0 },
  etaEffective: { type: 'number', exclusiveMinimum: 0 },
  epsilon: { type: 'number', exclusiveMinimum: 0 },
  targetAccuracy: fraction,
  lambda0: nullableNum,
  lambdaMaxInfinity: nullableNum,
  lambdaMaxH0: num,
  stabilityLimit: num,
  initialResidual: nonNegative,
  residualCurve: arrayOf(nonNegative, 1),
  tStar,
  hypotheses: arrayOf(hypothesis),
  checkpoints: arrayOf(checkpoint, 1),
  critical,
  tightness: nullableNum,
  checks: arrayOf(CHECK_RESULT_SCHEMA),
  refinement: objectOf<RunResult['refinement']>({
    seconds: volatile(nonNegative, 'timing'),
    replayedSteps: count,
    shareOfRun: volatile(nonNegative, 'timing'),
  }),
  seconds: volatile(nonNegative, 'timing'),
});

const scaling = SCALING_ANALYSIS_SCHEMA;

const sensitivityRow = objectOf<SensitivityRow>({
  ...relativeTarget,
  n: positiveInt,
  preregistered: bool,
  analysis: scaling,
});

/** The configuration, as the field table declares it (the same ranges a config file is checked against). */
const config: Schema = CONFIG_RECORD_SCHEMA;

/** The run environment record; shared with the claims and check-pruner report schema (report/properties/schema.ts). */
export const ENVIRONMENT_SCHEMA = objectOf<Environment>(
  {
    backend: nonEmpty,
    backendDetail: str,
    node: nonEmpty,
    platform: str,
    cpus: count,
    packages: recordOf(str),
    commit: { type: ['string', 'null'] },
    engine: objectOf<NonNullable<Environment['engine']>>({
      name: nonEmpty,
      version: str,
      threads: positiveInt,
      precision: enumOf(['float32', 'float64']),
    }),
  },
  ['engine'],
);
const environment = ENVIRONMENT_SCHEMA;

const expression = objectOf<ExpressionRecord>({
  id: nonEmpty,
  label: str,
  statement: str,
  expression: str,
  latex: str,
  overridden: bool,
});

const summaryRow = objectOf<SummaryRow>({
  check: nonEmpty,
  kind: enumOf(SUMMARY_KINDS),
  verdict: enumOf([...VERDICTS, ...SCALING_VERDICTS, ...LOG_BOUND_VERDICTS]),
  detail: str,
});

const derivationStep = objectOf<ReportDocument['derivation'][number]>({ statement: str, result: str, latex: str });

/** The run id names a directory: no separators, no leading dot. */
export const RUN_ID_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9_.-]*$';

export const REPORT_SCHEMA: Schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: `https://pruneproof.local/schema/report-v${REPORT_SCHEMA_VERSION}.json`,
  title: `pruneproof report.json, schema version ${REPORT_SCHEMA_VERSION}`,
  ...objectOf<ReportDocument>(
    {
      schemaVersion: { const: REPORT_SCHEMA_VERSION },
      runId: { type: 'string', pattern: RUN_ID_PATTERN },
      createdAt: volatile({ type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}' }, 'invocation'),
      command: volatile(str, 'invocation'),
      config,
      configRationale: arrayOf(str),
      environment: volatile(environment, 'invocation'),
      wallSeconds: volatile(nonNegative, 'timing'),
      analysisSeconds: volatile(nonNegative, 'timing'),
      expressions: arrayOf(expression),
      summary: arrayOf(summaryRow, 1),
      runs: arrayOf(run),
      scaling: arrayOf(scaling),
      sensitivity: arrayOf(sensitivityRow),
      checks: arrayOf(CHECK_RESULT_SCHEMA),
      derivation: arrayOf(derivationStep),
      reconcluded: objectOf<Reconcluded>({
        runsCommit: { type: ['string', 'null'] },
        analysisCommit: { type: ['string', 'null'] },
        from: nonEmpty,
        fromCreatedAt: str,
      }),
    },
    ['sensitivity', 'analysisSeconds', 'reconcluded'],
  ),
};

const validateShape = schemaValidator(REPORT_SCHEMA);
const validateRunShape = schemaValidator(run);

/** A run's checks the schema can not express: increasing checkpoints, and every time interval [lo, t] ordered. */
function runConsistencyErrors(r: RunResult, at: string): string[] {
  const errors: string[] = [];
  r.checkpoints.forEach((c, j) => {
    if (j > 0 && c.t <= r.checkpoints[j - 1].t) {
      errors.push(
        `${at}/checkpoints/${j}/t: checkpoints must have strictly increasing t (${r.checkpoints[j - 1].t} then ${c.t})`,
      );
    }
  });
  const times: [string, CriticalTime | null][] = [
    ['tIn', r.critical.tIn],
    ['tDense', r.critical.tDense],
    ['tDenseAccuracy', r.critical.tDenseAccuracy],
    ...r.critical.tCrit.map((c, j): [string, CriticalTime] => [`tCrit/${j}`, c]),
    ...r.critical.tCritAccuracy.map((c, j): [string, CriticalTime] => [`tCritAccuracy/${j}`, c]),
    ...(r.critical.sensitivity ?? []).map((c, j): [string, CriticalTime] => [`sensitivity/${j}`, c]),
  ];
  for (const [name, c] of times) {
    if (c && c.t !== null && c.lo !== null && c.lo > c.t)
      errors.push(`${at}/critical/${name}: lo = ${c.lo} exceeds t = ${c.t}`);
  }
  return errors;
}

/** Checks the schema can not express: the plots and tables rely on them. */
function consistencyErrors(doc: ReportDocument): string[] {
  const errors: string[] = [];
  const seen = new Set<string>();
  doc.runs.forEach((r, i) => {
    const key = `${r.m}/${r.seed}`;
    if (seen.has(key)) errors.push(`/runs/${i}: duplicate run for m=${r.m}, seed=${r.seed}`);
    seen.add(key);
    errors.push(...runConsistencyErrors(r, `/runs/${i}`));
  });
  return errors;
}

/** Validates one run (a RunResult, e.g. read from the run store) against the report schema's run. */
export function validateRun(value: unknown): SchemaCheck {
  const shape = validateRunShape(value);
  if (!shape.valid) return shape;
  const errors = runConsistencyErrors(value as RunResult, '');
  return { valid: errors.length === 0, errors };
}

/** Validates a report document (in memory or parsed from report.json) against schema version 1. */
export function validateReport(doc: unknown): SchemaCheck {
  const shape = validateShape(doc);
  if (!shape.valid) return shape;
  const errors = consistencyErrors(doc as ReportDocument);
  return { valid: errors.length === 0, errors };
}

/** A volatile field of report.json: its path (`[]` steps into every array element) and why it varies. */
export interface VolatileField {
  path: string[];
  why: Volatility;
}

function volatileFieldsOf(schema: Schema, path: string[]): VolatileField[] {
  if (typeof schema.volatile === 'string') return [{ path, why: schema.volatile as Volatility }];
  const out: VolatileField[] = [];
  const properties = schema.properties as Record<string, Schema> | undefined;
  for (const [key, sub] of Object.entries(properties ?? {})) out.push(...volatileFieldsOf(sub, [...path, key]));
  if (schema.items) out.push(...volatileFieldsOf(schema.items as Schema, [...path, '[]']));
  for (const sub of [...((schema.anyOf as Schema[]) ?? []), ...((schema.oneOf as Schema[]) ?? [])])
    out.push(...volatileFieldsOf(sub, path));
  return out;
}

/** Every field of report.json the schema marks volatile: the one list diff, tests, test:slurm and docs use. */
export const VOLATILE_FIELDS: readonly VolatileField[] = volatileFieldsOf(REPORT_SCHEMA, []);

function dropPath(value: unknown, path: readonly string[]): unknown {
  if (path.length === 0 || value === null || typeof value !== 'object') return value;
  const [step, ...rest] = path;
  if (step === '[]') return Array.isArray(value) ? value.map((v) => dropPath(v, rest)) : value;
  if (Array.isArray(value) || !(step in value)) return value;
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  if (rest.length === 0) delete copy[step];
  else copy[step] = dropPath(copy[step], rest);
  return copy;
}

/** A report (or any part of one rooted at the report) without its volatile fields, for equality comparisons. */
export function withoutVolatile(doc: unknown): unknown {
  return VOLATILE_FIELDS.reduce((value, field) => dropPath(value, field.path), doc);
}
