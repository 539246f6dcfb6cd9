/**
 * What an experiment measures (THEORY.md §5) and concludes. These records are written verbatim
 * into report.json, so every field is a plain JSON value and says what was measured, not requested.
 */

export type {
  CheckpointMeasurement,
  HypothesisResult,
  PrunerMeasurement,
  SubnetworkMeasurement,
} from '../pipeline/types';
import type { CheckpointMeasurement, HypothesisResult } from '../pipeline/types';

export type { CheckResult, Verdict } from '../checks/types';
import type { CheckResult } from '../checks/types';
import type { CriticalTime } from '../pipeline/critical';
import type { ScalingAnalysis } from '../scaling/types';

/** Critical iteration counts of one run, each an interval [lo, t] or right-censored at T (src/pipeline/critical.ts). */
export interface CriticalTimes {
  /** From when y stays inside the hull (undecided checkpoints count neither way). */
  tIn: CriticalTime;
  /** From when the greedy loss at size n stays ≤ ε, per n. */
  tCrit: (CriticalTime & { n: number })[];
  /** From when greedy's training accuracy at size n stays ≥ the target (classification only). */
  tCritAccuracy: (CriticalTime & { n: number })[];
  /** From when the dense network's own loss stays ≤ ε: the baseline t_crit is compared with. */
  tDense: CriticalTime;
  /** From when the dense network's training accuracy stays ≥ the target (classification only). */
  tDenseAccuracy: CriticalTime | null;
  /** t_crit at the largest n under each alternative target of config.sensitivity (absent without one). */
  sensitivity?: SensitivityTime[];
}

/** A relative target: ε = relative × ‖y‖²/(2m) ('loss'), or relative × the dense accuracy at T ('accuracy'). */
export interface RelativeTarget {
  kind: 'loss' | 'accuracy';
  relative: number;
}

/** From when greedy's subnetwork of size n stays within one alternative target (`value`, absolute, this run's). */
export interface SensitivityTime extends CriticalTime, RelativeTarget {
  value: number;
  n: number;
}

/** One row of the sensitivity table: the scaling analysis of t_crit(n) under one target. */
export interface SensitivityRow extends RelativeTarget {
  n: number;
  /**
   * True for the design's own target (its analysis is the one in `scaling`), false for the alternatives. The name
   * says only that the target was fixed with the design; whether it was chosen before any run of its kind is stated
   * in the configuration's rationale (the MNIST presets' ε was not).
   */
  preregistered: boolean;
  analysis: ScalingAnalysis;
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
  /** The loss target ε of this run (absolute; from epsilonRelative × ‖y‖²/(2m) when that is set). */
  epsilon: number;
  /** The accuracy target of this run (absolute), classification only. */
  targetAccuracy: number | null;
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
  tStar: {
    etaConfigured: number | null;
    etaH5: number | null;
    upperForm: number | null;
    rho0: number | null;
    rhoUsed: number;
    note: string;
  };
  hypotheses: HypothesisResult[];
  checkpoints: CheckpointMeasurement[];
  critical: CriticalTimes;
  /** B3's tightness t_in(m) / T*(m): how early y enters the hull against the bound's promise (null when either is undefined). */
  tightness: number | null;
  /** Every check of the registry (src/checks) on this run. */
  checks: CheckResult[];
  /** What refining the critical times cost: replayed GD steps, seconds, and their share of the run's time. */
  refinement: { seconds: number; replayedSteps: number; shareOfRun: number };
  seconds: number;
}

/** The scaling analysis of one critical time against m (src/scaling). */
export type ScalingResult = ScalingAnalysis;
