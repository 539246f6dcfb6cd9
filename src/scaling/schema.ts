/**
 * JSON Schema (draft-07) fragment of ScalingAnalysis, for report.json validation (src/report/schema.ts can
 * embed SCALING_ANALYSIS_SCHEMA as its scaling item). `objectOf<T>` ties each object schema to its type:
 * a field added to or removed from src/scaling/types.ts without updating this file is a tsc error.
 */
import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import { VERDICT_LABELS } from './calibrate';
import { MODEL_SPECS } from './models';
import type {
  Calibration,
  CurvePoint,
  Decision,
  Design,
  HeldOutPrediction,
  LogBound,
  LogBoundVerdict,
  ModelFit,
  ScalingAnalysis,
  ScalingModel,
  ScalingVerdict,
  SimulatedLaw,
  TimeObservation,
} from './types';

type Schema = Record<string, unknown>;
type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];
type Exhaustive<Union, List extends readonly unknown[]> = Exclude<Union, List[number]> extends never ? List : never;

const MODELS = ['log', 'power', 'offset-power', 'saturating'] as const satisfies readonly ScalingModel[];
const exhaustive: [Exhaustive<ScalingModel, typeof MODELS>] = [MODELS];
void exhaustive;
const VERDICTS: readonly ScalingVerdict[] = VERDICT_LABELS;
const LOG_BOUND_VERDICTS = [
  'consistent with O(log m)',
  'grows faster than log m',
  'undetermined',
] as const satisfies readonly LogBoundVerdict[];
const exhaustiveBound: [Exhaustive<LogBoundVerdict, typeof LOG_BOUND_VERDICTS>] = [LOG_BOUND_VERDICTS];
void exhaustiveBound;

const num: Schema = { type: 'number' };
const nonNegative: Schema = { type: 'number', minimum: 0 };
const positive: Schema = { type: 'number', exclusiveMinimum: 0 };
const nullableNum: Schema = { type: ['number', 'null'] };
const nullableNonNegative: Schema = { type: ['number', 'null'], minimum: 0 };
const int: Schema = { type: 'integer' };
const count: Schema = { type: 'integer', minimum: 0 };
const rate: Schema = { type: 'number', minimum: 0, maximum: 1 };
const str: Schema = { type: 'string' };
const nonEmpty: Schema = { type: 'string', minLength: 1 };
const bool: Schema = { type: 'boolean' };
const arrayOf = (items: Schema, minItems = 0): Schema => ({ type: 'array', items, minItems });
const recordOf = (values: Schema): Schema => ({ type: 'object', additionalProperties: values });
const enumOf = (values: readonly string[]): Schema => ({ type: 'string', enum: [...values] });
const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });
const pair: Schema = { type: 'array', items: num, minItems: 2, maxItems: 2 };

function objectOf<T>(properties: { [K in keyof T]-?: Schema }, optional: readonly OptionalKeys<T>[] = []): Schema {
  const required = Object.keys(properties).filter((k) => !(optional as readonly string[]).includes(k));
  return { type: 'object', properties, required, additionalProperties: false };
}

const observation = objectOf<TimeObservation>(
  { m: positive, seed: int, lo: nullableNonNegative, hi: nullableNonNegative, censoredAt: nonNegative },
  ['censoredAt'],
);

const heldOut = objectOf<HeldOutPrediction>({
  m: positive,
  count: { type: 'integer', minimum: 1 },
  prediction: num,
  error: nonNegative,
  censored: count,
});
const curvePoint = objectOf<CurvePoint>({ m: positive, t: num, lo: num, hi: num });

/** Each fit's params and intervals name exactly its model's parameters. */
function fitSchema(): Schema {
  const base = objectOf<ModelFit>({
    model: enumOf(MODELS),
    formula: nonEmpty,
    params: recordOf(num),
    sigma: positive,
    logLikelihood: num,
    k: { type: 'integer', minimum: 2 },
    aicc: num,
    heldOut: nullable(heldOut),
    intervals: recordOf(pair),
    curve: arrayOf(curvePoint, 1),
  });
  const byModel = MODEL_SPECS.map((spec) => {
    const names = [...spec.linear, ...(spec.exponent ? [spec.exponent.name] : [])];
    const exactly = (values: Schema, required: string[]): Schema => ({
      type: 'object',
      properties: Object.fromEntries(names.map((n) => [n, values])),
      required,
      additionalProperties: false,
    });
    return {
      if: { type: 'object', properties: { model: { const: spec.model } } },
      then: { type: 'object', properties: { params: exactly(num, names), intervals: exactly(pair, []) } },
    };
  });
  return { ...base, allOf: byModel };
}

const decision = objectOf<Decision>({
  verdict: enumOf(VERDICTS),
  aiccBest: nullable(enumOf(MODELS)),
  aiccMargin: nullableNum,
  heldOutBest: nullable(enumOf(MODELS)),
  reason: str,
});

const design = objectOf<Design>({
  grid: arrayOf(objectOf<Design['grid'][number]>({ m: positive, seeds: { type: 'integer', minimum: 1 } }), 1),
  resolution: objectOf<Design['resolution']>({ absolute: nonNegative, relative: nonNegative }),
  censorAt: nullableNonNegative,
  floor: nonNegative,
  sigma: nonNegative,
  sigmaSource: nonEmpty,
});

const law = objectOf<SimulatedLaw>({
  id: nonEmpty,
  law: enumOf(['log', 'power', 'saturating']),
  model: enumOf(MODELS),
  params: recordOf(num),
});

const advice = objectOf<NonNullable<Calibration['advice']>>({
  seedsPerM: { type: ['integer', 'null'], minimum: 1 },
  maxM: nullableNum,
  longerT: nullableNum,
  text: nonEmpty,
});

const calibration = objectOf<Calibration>({
  design,
  simulationsPerLaw: { type: 'integer', minimum: 1 },
  laws: arrayOf(law, 1),
  labels: arrayOf(enumOf(VERDICTS), 4),
  rates: arrayOf(arrayOf(rate, 4), 1),
  target: enumOf(VERDICTS),
  power: rate,
  falseRate: rate,
  worstLaw: { type: ['string', 'null'] },
  adequate: bool,
  advice: nullable(advice),
});

export const SCALING_ANALYSIS_SCHEMA: Schema = objectOf<ScalingAnalysis>({
  quantity: nonEmpty,
  observations: arrayOf(observation),
  counts: objectOf<ScalingAnalysis['counts']>({
    observations: count,
    distinctM: count,
    exact: count,
    interval: count,
    censored: count,
  }),
  fits: arrayOf(fitSchema()),
  skipped: arrayOf(objectOf<ScalingAnalysis['skipped'][number]>({ model: enumOf(MODELS), reason: nonEmpty })),
  decision,
  calibration: nullable(calibration),
  logBound: objectOf<LogBound>({
    verdict: enumOf(LOG_BOUND_VERDICTS),
    pValue: { type: ['number', 'null'], minimum: 0, maximum: 1 },
    detectableExponent: { type: ['number', 'null'], exclusiveMinimum: 0 },
    reason: nonEmpty,
  }),
  verdict: enumOf(VERDICTS),
  reason: nonEmpty,
  seed: int,
});

let compiled: ValidateFunction | null = null;

/** Validates a ScalingAnalysis as it would be written to JSON; returns ajv's error messages. */
export function validateScalingAnalysis(value: unknown): { valid: boolean; errors: string[] } {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, strict: true, strictNumbers: true, allowUnionTypes: true });
    compiled = ajv.compile(SCALING_ANALYSIS_SCHEMA);
  }
  const valid = compiled(value) as boolean;
  return { valid, errors: (compiled.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`) };
}
