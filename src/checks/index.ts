export { CHECKS, evaluateChecks, getCheck } from './registry';
export { INVARIANTS, INV_B2, INV_B2_PRIME, INV_B4, INV_GREEDY_IDENTITY, INV_SIZE } from './invariants';
export {
  CLAIMS,
  CLAIM_B1,
  CLAIM_B3_HULL,
  CLAIM_B3_LOSS,
  residualFloor,
  thresholdSchedule,
  thresholdScheduleOf,
  tStarAtRho0,
} from './claim-checks';
export type { ThresholdPoint } from './claim-checks';
export { RELATIVE_SLACK, within } from './tally';
export type { CheckDefinition, CheckFailure, CheckKind, CheckResult, Verdict } from './types';
export { VERDICTS } from './types';
export { aggregateChecks } from './across-runs';
export {
  CLAIM_FW_EXPONENT,
  INV_FW_RATE,
  RATE_MIN_SIZES,
  RATE_MIN_SPAN,
  evaluateRateChecks,
  evaluateRateClaim,
  evaluateRateInvariant,
  fitExponent,
  rateEvidence,
  rateEvidenceOf,
} from './rate';
export type { ExponentFit, RateEvidence } from './rate';
