/**
 * JSON Schema (draft-07) fragment of ScalingAnalysis, for report.json validation (src/report/verify/schema.ts
 * embeds SCALING_ANALYSIS_SCHEMA as its scaling item), from the building blocks of src/files/json-schema.ts:
 * a field added to or removed from src/scaling/types.ts without updating this file is a tsc error.
 */
import {
  arrayOf,
  bool,
  count,
  enumOf,
  int,
  nonEmpty,
  nonNegative,
  nullable,
  nullableNonNegative,
  nullableNum,
  num,
  objectOf,
  positive,
  recordOf,
  schemaValidator,
  str,
  type Exhaustive,
  type Schema,
  type SchemaCheck,
} from '../files/json-schema';
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

const rate: Schema = { type: 'number', minimum: 0, maximum: 1 };
const pair: Schema = { type: 'array', items: num, minItems: 2, maxItems: 2 };

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

/**
 * Validates a ScalingAnalysis as it would be written to JSON.
 *
 * @param value - the analysis, as parsed from JSON.
 * @returns valid, or the faults, each naming its JSON path.
 */
export const validateScalingAnalysis: (value: unknown) => SchemaCheck = schemaValidator(SCALING_ANALYSIS_SCHEMA);
