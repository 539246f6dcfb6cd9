/**
 * Public fast-check arbitraries of pruneproof (one per file under ./arbitraries, fast-check style). Values are
 * printable records (specs, not arrays), so a counterexample reads in one line and replays exactly; every
 * field shrinks toward its simplest value. `caseRegimes` labels a case for `fc.statistics`.
 */
export { datasetSpec, dataset, buildDataset, DATASET_DEFAULTS } from './arbitraries/dataset-spec';
export type { DatasetSpec, DatasetSpecConstraints } from './arbitraries/dataset-spec';
export { width, WIDTH_DEFAULTS } from './arbitraries/width';
export { subnetworkSize, SUBNETWORK_SIZE_DEFAULTS } from './arbitraries/subnetwork-size';
export { stepFraction, STEP_PERCENT_DEFAULTS } from './arbitraries/step-fraction';
export { parameterisation } from './arbitraries/parameterisation';
export {
  pruningCase,
  parsePruningCase,
  parseDatasetSpec,
  PRUNING_CASE_DEFAULTS,
  ITERATION_DEFAULTS,
} from './arbitraries/pruning-case';
export type { PruningCase, PruningCaseConstraints } from './arbitraries/pruning-case';
export { mGrid, doublingGrid, M_GRID_DEFAULTS } from './arbitraries/m-grid';
export type { MGridConstraints } from './arbitraries/m-grid';
export { theoremCase, THEOREM_REGIME } from './arbitraries/theorem-case';
export { scalingCase, parseScalingCase, caseAtM, SCALING_DEFAULTS } from './arbitraries/scaling-case';
export type { ScalingCase, ScalingCaseConstraints } from './arbitraries/scaling-case';
export type { IntRange } from './arbitraries/range';
export { caseRegimes, lambda0Of, lambda0Regime, widthRegime, SMALL_LAMBDA0 } from './regimes';
