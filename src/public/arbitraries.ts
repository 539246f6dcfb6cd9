/**
 * `arbitraries`: the public fast-check arbitraries (src/testing/arbitraries). Values are printable records, so a
 * counterexample reads in one line and replays exactly; every field shrinks toward its simplest value.
 */
export { datasetSpec, dataset, buildDataset } from '../testing/arbitraries/dataset-spec';
export type { DatasetSpec, DatasetSpecConstraints } from '../testing/arbitraries/dataset-spec';
export { width } from '../testing/arbitraries/width';
export { subnetworkSize } from '../testing/arbitraries/subnetwork-size';
export { stepFraction } from '../testing/arbitraries/step-fraction';
export { parameterisation } from '../testing/arbitraries/parameterisation';
export { pruningCase, parsePruningCase } from '../testing/arbitraries/pruning-case';
export type { PruningCase, PruningCaseConstraints } from '../testing/arbitraries/pruning-case';
export { mGrid } from '../testing/arbitraries/m-grid';
export type { MGridConstraints } from '../testing/arbitraries/m-grid';
export { theoremCase } from '../testing/arbitraries/theorem-case';
export { scalingCase, parseScalingCase } from '../testing/arbitraries/scaling-case';
export type { ScalingCase, ScalingCaseConstraints } from '../testing/arbitraries/scaling-case';
export { caseRegimes } from '../testing/regimes';
