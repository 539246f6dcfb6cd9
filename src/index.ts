/**
 * pruneproof as a library: `import { … } from 'pruneproof'`.
 *
 * - Backend and randomness: `initBackend` (call once, before any tensor op), `tf` (the tfjs instance the
 *   tensors of a `PruneInput` belong to), `Rng` (the seeded source of every random draw).
 * - Data, model and kernel: synthetic and MNIST datasets, the two-layer network, GD pre-training, neuron
 *   features, the stability limit, λ0 and the hull geometry of THEORY.md §1–§5.
 * - Pruners: the `Pruner` interface, the built-ins, the shared subnetwork measurements, `checkPruneResult`.
 * - Regression testing: `checkPruner` / `assertPrunerConforms` (contracts, claims, comparison), the fast-check
 *   `arbitraries`, `pretrainCase`, and the claims runner with its counterexample store.
 * - Theory: `checkHypotheses`, `evaluateBounds`, `tStar`, `deriveTStarSlopes`.
 * See the README section "Library use and pruner regression testing".
 */

// Backend, randomness.
export { initBackend, describeBackend } from './backend';
export type { BackendInfo, BackendName } from './backend';
export { tf } from './backend/tf';
export { Rng } from './rng';

// Data.
export type { Dataset, LabelKind } from './data/types';
export { LABEL_KINDS } from './data/types';
export { generateSynthetic } from './data/synthetic';
export type { SyntheticOptions } from './data/synthetic';
export { mnistSubsets } from './data/mnist';
export type { MnistSubsetOptions } from './data/mnist';
export { validateDataset, DatasetError } from './data/validate';
export type { ValidateOptions } from './data/validate';
export { readDatasetFile } from './data/io';
export { toTensors } from './data/tensors';
export type { DataTensors } from './data/tensors';

// Model.
export type { TwoLayerWeights, Parameterisation } from './model/types';
export { PARAMETERISATIONS } from './model/types';
export { initNetwork } from './model/init';
export type { InitOptions } from './model/init';
export { trainNetwork, DivergenceError, logSpacedCheckpoints } from './model/train';
export type { TrainOptions, TrainResult, Checkpoint } from './model/train';
export { neuronFeatures, disposeNeuronFeatures } from './model/features';
export { stabilityInfo } from './model/stability';
export type { StabilityInfo, StabilityOptions } from './model/stability';

// Kernel quantities.
export { kernelSpectrum } from './kernel/gram';
export type { KernelSpectrum } from './kernel/gram';
export { featureGeometry } from './kernel/geometry';
export type { FeatureGeometry } from './kernel/geometry';
export { hullDistance } from './kernel/hull';
export type { HullDistance, HullOptions } from './kernel/hull';

// Pruners.
export type { Pruner, PruneInput, PruneResult, NeuronFeatures } from './pruning/types';
export {
  BUILTIN_PRUNERS,
  BUILTIN_PRUNER_NAMES,
  getPruner,
  greedyPruner,
  randomPruner,
  magnitudePruner,
} from './pruning';
export type { GreedyOptions } from './pruning';
export { subnetworkLoss, lossCurve, selectionSummary, checkPruneResult } from './pruning';
export type { SelectionSummary } from './pruning';

// Pruner regression testing and the claims as properties.
export {
  checkPruner,
  assertPrunerConforms,
  asPruner,
  comparePruners,
  describeBrokenContracts,
  PRUNER_CLAIMS,
} from './claims/pruner-check';
export type {
  CheckPrunerOptions,
  PrunerCheckResult,
  PrunerCheckSettings,
  PrunerComparison,
  ComparisonRow,
  ComparisonCase,
} from './claims/pruner-check';
export { PRUNER_CONTRACTS } from './testing/contracts';
export * as arbitraries from './testing/arbitraries';
export type {
  PruningCase,
  DatasetSpec,
  ScalingCase,
  PruningCaseConstraints,
  ScalingCaseConstraints,
} from './testing/arbitraries';
export { pretrainCase, withPretrainedCase } from './testing/pretrain';
export type { PretrainedCase, PretrainOptions } from './testing/pretrain';
export { runSession as runClaims, THEORY_PROPERTIES } from './claims/session';
export type { SessionOptions as ClaimsOptions, SessionResult as ClaimsResult } from './claims/session';
export { runProperty, isDefect } from './claims/runner';
export type { PropertyRunResult, CounterexampleRecord, RunPropertyOptions } from './claims/runner';
export { CounterexampleStore, DEFAULT_STORE_DIR } from './claims/store';
export type { StoredCounterexample } from './claims/store';
export type { PropertyDefinition, PropertyKind, CaseOutcome, HypothesisStatus } from './testing/property';

// Reports and configuration (types of report.json and of `verify`'s config).
export type { ExperimentConfig } from './experiment/config';
export type { ReportDocument } from './report/types';
export type { RunResult, Verdict } from './experiment/types';
export type { ClaimsReportDocument, PrunerReportDocument } from './report/claims';

// Theory.
export { checkHypotheses, evaluateBounds, tStar, deriveTStarSlopes } from '../theory';
export type { TheoryInputs, HypothesisCheck, BoundsEvaluation, TheoryOverrides } from '../theory';
