/** Scaling of a critical time against m: censored fits of four laws, a calibrated verdict. Pure math. */
export {
  analyseScaling,
  logBoundOf,
  validateObservations,
  inferResolution,
  inferFloor,
  type ScalingOptions,
} from './analyse';
export { assess, decideFrom, AICC_MARGIN, MIN_DISTINCT_M } from './decide';
export { calibrate, anchoredLaws, simulate, confusion, MIN_POWER, MAX_FALSE_RATE, VERDICT_LABELS } from './calibrate';
export {
  testLogBound,
  curvatureStatistic,
  EXPONENT_GRID,
  LOG_BOUND_LEVEL,
  DETECTION_POWER,
  MAX_DETECTABLE_EXPONENT,
} from './log-bound';
export { analysisThreads, closeCalibrationWorkers, type ParallelOptions } from './calibration-pool';
export { MODEL_SPECS, modelSpec, predict, LAW_VERDICT } from './models';
export * from './types';
export { SCALING_ANALYSIS_SCHEMA, validateScalingAnalysis } from './schema';
