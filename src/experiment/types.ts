/**
 * What an experiment measures (THEORY.md §5) and concludes. These records are written verbatim
 * into report.json, so every field is a plain JSON value and says what was measured, not requested.
 */

export type { CheckpointMeasurement, HypothesisResult, PrunerMeasurement, SubnetworkMeasurement } from '../pipeline/types';
import type { CheckpointMeasurement, HypothesisResult } from '../pipeline/types';

export type { CheckResult, Verdict } from '../checks/types';
import type { CheckResult } from '../checks/types';

/** Critical iteration counts of one run. */
export interface CriticalTimes {
  /** First checkpoint from which y stays inside the hull (null: never within the run). */
  tIn: number | null;
  /** First checkpoint from which the greedy loss at size n stays ≤ ε, per n. */
  tCrit: { n: number; t: number | null }[];
  /** First checkpoint from which greedy training accuracy at size n stays ≥ the target (classification only). */
  tCritAccuracy: { n: number; t: number | null }[];
}

export interface RunResult {
  m: number;
  seed: number;
  dataset: string;
  eta: number;
  /**
   * The step of parameterisation A with the same linearised dynamics, which B1 and T* use: η for 'ntk';
   * η/m for 'meanfield' (GD on L = R/(2m) with step ηN moves u by (η/m)·H(t)(u − y) through W when
   * |b_r| = 1, plus a PSD term through b, so B1's rate with η/m is still a lower bound).
   */
  etaEffective: number;
  /** λ0 = λ_min(H∞) and λ_max(H∞) (null when m > maxKernelM). */
  lambda0: number | null;
  lambdaMaxInfinity: number | null;
  /** λ_max of the linearised GD operator at t = 0 and the stability limit 2/λ_max. */
  lambdaMaxH0: number;
  stabilityLimit: number;
  /** R(0), measured. */
  initialResidual: number;
  /** Dense residual R(t) at every iteration t = 0..T (for the B1 plot). */
  residualCurve: number[];
  /** T*(m) of B3: with η as configured, with η at its H5 value, and the upper (log m) form. */
  /**
   * T*(m) of B3 with ρ_min = min over checkpoints of ρ_t (what the B3 claims use): with η as configured, with η
   * at its H5 value, and the upper (log m) form; `rho0` is T* with ρ_0, the reconstruction's first reading.
   */
  tStar: { etaConfigured: number | null; etaH5: number | null; upperForm: number | null; rho0: number | null; rhoUsed: number; note: string };
  hypotheses: HypothesisResult[];
  checkpoints: CheckpointMeasurement[];
  critical: CriticalTimes;
  /** t_crit(m; ε, n) / T*(m) for the largest n (null when either is undefined). */
  tightness: number | null;
  /** Every check of the registry (src/checks) on this run. */
  checks: CheckResult[];
  seconds: number;
}

/** One model fitted to t against m. */
export interface FitResult {
  model: 'log' | 'power';
  /** log: t = a + b·ln m; power: t = c·m^α. */
  params: Record<string, number>;
  /** Residual sum of squares in t-space. */
  rss: number;
  aic: number;
  /** Prediction error at the held-out largest m (model fitted without it); null if < 3 distinct m. */
  heldOutError: number | null;
  /** Bootstrap (over seeds) 95% intervals of the parameters. */
  intervals: Record<string, [number, number]>;
}

export interface ScalingResult {
  /** Which critical time: "t_crit(n=…)", "t_in", "t_crit_acc(n=…)". */
  quantity: string;
  /** Points used (runs where the time was reached). */
  points: { m: number; seed: number; t: number }[];
  /** Runs where the time was never reached within the run (excluded from the fit). */
  unreached: { m: number; seed: number }[];
  fits: FitResult[];
  verdict: 'consistent with logarithmic scaling' | 'better explained by a power law' | 'inconclusive';
  /** Why: AIC difference, held-out errors, α interval, or what was missing. */
  reason: string;
}
