/**
 * The experiment configuration: the typed record a run is computed from, and its run id (readable prefix + hash
 * of its canonical JSON). How each field is given, checked, shown and keyed is declared once, in the field
 * table (fields.ts).
 */
import type { TheoryOverrides } from '../../theory';
import { contentHash, safeName } from '../files/json';
export { canonicalJson } from '../files/json';
import type { LabelKind } from '../data/types';
import type { Parameterisation } from '../model/types';

export type DatasetConfig =
  | { kind: 'synthetic'; labels: LabelKind; d: number; teacherWidth?: number; clusters?: number }
  | { kind: 'mnist'; unitNorm: boolean; heldOut: number }
  | { kind: 'file'; path: string };

export interface TheoryOverridesConfig {
  /** Replacement values for the named constants (c_N, c_eta, C, kappa, delta). */
  constants?: Record<string, number>;
  /** Replacement mathjs expressions for hypotheses/bounds, by id. */
  expressions?: Record<string, string>;
}

/** Weights pre-training starts from (verify --init-weights): the file, and its SHA-256 so the run id follows its content. */
export interface InitWeightsSetting {
  /** JSON, .npz or ONNX weights file (src/interop/files.ts). */
  path: string;
  /** SHA-256 (hex) of the file's bytes. */
  sha256: string;
}

/** Alternative relative targets for the sensitivity table (same meaning as epsilonRelative / targetAccuracyRelative). */
export interface SensitivityTargets {
  epsilonRelative: number[];
  targetAccuracyRelative: number[];
}

/** Every setting of an experiment (`verify`): dataset, grid of m and seeds, network, training, targets, theory overrides. */
export interface ExperimentConfig {
  /** Readable prefix of the run id, e.g. "verify-synthetic". */
  name: string;
  dataset: DatasetConfig;
  /** Dataset sizes m to sweep. */
  mGrid: number[];
  /** One run per seed per m; the seed drives data, initialisation and random pruning. */
  seeds: number[];
  parameterisation: Parameterisation;
  /** Dense width N. */
  width: number;
  /** Initial weight scale κ: w_r(0) ~ N(0, κ² I). */
  kappa: number;
  /** Start pre-training from these weights instead of the seeded initialisation (the same for every seed). */
  initWeights?: InitWeightsSetting;
  /** GD step size η (same for every m, so T*(m) is compared at fixed η); ignored when etaRelative is set. */
  eta: number;
  /**
   * When set to r: η = r × the measured stability limit of that run (2/λ_max(H(0)) for 'ntk',
   * 2m/(N·λ_max(K(0))) for 'meanfield'), so every m trains at the same fraction of its largest stable step.
   */
  etaRelative?: number;
  /** Pre-training iterations T (the last checkpoint). */
  iterations: number;
  /** null: full-batch GD (the theory's setting); a number: minibatch SGD with this batch size. */
  batchSize: number | null;
  /** Number of log-spaced checkpoints in [0, T] (including 0 and T). */
  checkpoints: number;
  /** Subnetwork sizes n at which every pruner is measured. */
  subnetworkSizes: number[];
  /** Target normalised subnetwork loss ε for t_crit. */
  epsilon: number;
  /**
   * ε relative to the label energy ‖y‖²/(2m) (the zero predictor's loss): ε = epsilonRelative × ‖y‖²/(2m) per
   * run, replacing `epsilon`. Fixed before the runs, it keeps the target comparable across m and datasets.
   */
  epsilonRelative?: number;
  /** Target subnetwork training accuracy for the accuracy-based t_crit (classification data only). */
  targetAccuracy: number | null;
  /** The accuracy target relative to the dense network: target = this × its training accuracy at T (replaces targetAccuracy). */
  targetAccuracyRelative?: number;
  /**
   * Alternative targets, fixed with the design, around which the verdict of t_crit at the largest n is re-judged
   * (the report's sensitivity table): each relative ε and relative accuracy target gets its own refined critical
   * time per run, so no conclusion hangs on one hand-picked threshold.
   */
  sensitivity?: SensitivityTargets;
  /** Critical times are refined by bisection on replayed GD to max(absolute, relative·t) iterations. */
  resolution: { absolute: number; relative: number };
  /** Arithmetic of pre-training: float32, or float64 (onnx engine only) to resolve residuals below float32's floor. */
  precision?: 'float32' | 'float64';
  /** Pruners to run (built-in names). */
  pruners: string[];
  /**
   * The pruner every pruner-facing check speaks about (B2, B2′, B3-loss, the FW rate, t_crit): a built-in name or
   * a module path. Absent: greedy. The other pruners stay as the comparison.
   */
  subject?: string;
  /** y counts as inside the hull when the certified squared distance is ≤ hullTolerance·2m (normalised like the loss). */
  hullTolerance: number;
  /** λ0 and H(t) are computed only up to this m (an m×m eigenproblem). */
  maxKernelM: number;
  theory: TheoryOverridesConfig;
}

/** A config (file, flag or merged) that is not valid: the CLI prints its message, which names the field, and exits 2. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Run id = readable prefix + first 10 hex digits of the SHA-256 of the canonical config. */
export function runId(config: ExperimentConfig): string {
  return `${safeName(config.name, 'run')}-${contentHash(config)}`;
}

/** The run's theory overrides, with the κ the network was actually initialised with. */
export function runOverrides(config: ExperimentConfig): TheoryOverrides {
  return { ...config.theory, constants: { ...config.theory.constants, kappa: config.kappa } } as TheoryOverrides;
}
