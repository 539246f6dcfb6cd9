/** `scaling`: the t(m) analysis behind `fit` (THEORY.md §5.4–§5.6): laws, censoring, bootstrap, calibration. */
export { analyseScaling } from '../scaling/analyse';
export type { ScalingOptions } from '../scaling/analyse';
export type { ScalingAnalysis, TimeObservation } from '../scaling/types';
