/** Public shapes of the scaling analysis (pure math: no tensors, no I/O). */

/**
 * One (m, seed) run's critical time: exact, known within an interval, right-censored, or left-censored. lo = 0
 * means "reached at or before the first checkpoint hi" (0 included): a law may pass below 0 there, a run cannot.
 */
export interface TimeObservation {
  m: number;
  seed: number;
  /** Exact or interval-known time: lo ≤ t ≤ hi (lo === hi when exact); both null when censored. */
  lo: number | null;
  hi: number | null;
  /** Right-censored: the time exceeds censoredAt (never reached within the run). */
  censoredAt?: number;
}

export type ScalingModel = 'log' | 'power' | 'offset-power' | 'saturating';

export type ScalingVerdict =
  | 'consistent with logarithmic scaling'
  | 'better explained by a power law'
  | 'better explained by a saturating law'
  | 'inconclusive';

/** The law class a model argues for (offset power counts as a power law). */
export type LawClass = 'log' | 'power' | 'saturating';

/** Prediction of the model refitted without the largest m, scored on that m's observations. */
export interface HeldOutPrediction {
  m: number;
  /** Observations at that m. */
  count: number;
  prediction: number;
  /** RMS distance from the prediction to each held-out observation's set ([lo, hi] or (T, ∞)); 0 inside. */
  error: number;
  /** Held-out runs censored on either side; when all are, the comparison is uninformative. */
  censored: number;
}

/** A point of a fitted curve with its bootstrap 95 % band. */
export interface CurvePoint {
  m: number;
  t: number;
  lo: number;
  hi: number;
}

export interface ModelFit {
  model: ScalingModel;
  /** e.g. "t = a + b·ln m". */
  formula: string;
  params: Record<string, number>;
  /** Gaussian noise standard deviation (maximum likelihood). */
  sigma: number;
  logLikelihood: number;
  /** Free parameters, σ included. */
  k: number;
  aicc: number;
  /** null when the fit without the largest m has too few distinct m for this model. */
  heldOut: HeldOutPrediction | null;
  /** Bootstrap (seeds resampled within each m) 95 % percentile intervals; empty with one run per m. */
  intervals: Record<string, [number, number]>;
  /** The curve over the observed m range, with its bootstrap band (for plots). */
  curve: CurvePoint[];
}

/** Outcome of the uncalibrated decision procedure (AICc margin and held-out prediction together). */
export interface Decision {
  verdict: ScalingVerdict;
  /** AICc-best model and its margin over the best model of another law class (null when not computable). */
  aiccBest: ScalingModel | null;
  aiccMargin: number | null;
  /** Model with the smallest held-out error. */
  heldOutBest: ScalingModel | null;
  reason: string;
}

/** The design a verdict is calibrated for: what a run like this one can observe. */
export interface Design {
  /** Distinct m, ascending, with the number of seeds run at each. */
  grid: { m: number; seeds: number }[];
  /** Interval width of a measured time: max(absolute, relative·t); both 0 for exact times. */
  resolution: { absolute: number; relative: number };
  /** Censoring level T (times beyond it are right-censored); null when the design never censors. */
  censorAt: number | null;
  /** The first checkpoint: a time at or below it is reported as [0, floor] (left-censored). */
  floor: number;
  /** Noise standard deviation and where it came from (the censored fit of the simulated law). */
  sigma: number;
  sigmaSource: string;
}

/** A law simulated in calibration. */
export interface SimulatedLaw {
  id: string;
  law: LawClass;
  model: ScalingModel;
  params: Record<string, number>;
}

export interface Calibration {
  design: Design;
  simulationsPerLaw: number;
  laws: SimulatedLaw[];
  /** Column labels of the confusion matrix (the four verdicts). */
  labels: ScalingVerdict[];
  /** rates[i][j]: fraction of simulations of laws[i] labelled labels[j]. */
  rates: number[][];
  /** For the raw verdict (or, when it is inconclusive, for the log verdict): */
  target: ScalingVerdict;
  /** P(target | a true law of its class); for power, the simulated α nearest the fitted one. */
  power: number;
  /** Largest P(target | a true law of another class), and that law. */
  falseRate: number;
  worstLaw: string | null;
  /** Whether the design may state the target verdict (power ≥ 0.8 and false rate ≤ 0.1). */
  adequate: boolean;
  /** When inadequate: seeds per m or largest m that would suffice, found by re-simulation (null: not found). */
  advice: { seedsPerM: number | null; maxM: number | null; longerT: number | null; text: string } | null;
}

export type LogBoundVerdict = 'consistent with O(log m)' | 'grows faster than log m' | 'undetermined';

/**
 * The one-sided test of the paper's bound (log-bound.ts). H0: t(m) grows no faster than A + B·ln m; H1: faster.
 * pValue: of the curvature statistic against its simulated null at the fitted log law (null when not tested).
 * detectableExponent: smallest α of the grid for which m^α through the fitted law's end points is detected with
 * ≥ 80 % power on this design (null when none of the grid is, or not computed).
 */
export interface LogBound {
  verdict: LogBoundVerdict;
  pValue: number | null;
  detectableExponent: number | null;
  reason: string;
}

/** The t(m) analysis of one quantity: observations, fits, decision, calibration and the verdict with its reason. */
export interface ScalingAnalysis {
  quantity: string;
  observations: TimeObservation[];
  counts: { observations: number; distinctM: number; exact: number; interval: number; censored: number };
  fits: ModelFit[];
  /** Models that could not be fitted, and why. */
  skipped: { model: ScalingModel; reason: string }[];
  /** The decision procedure's verdict before calibration. */
  decision: Decision;
  calibration: Calibration | null;
  /** The headline: the one-sided verdict on the bound t(m) = O(log m). */
  logBound: LogBound;
  /** The four-law description: the decision's verdict only when calibration shows the design can back it. */
  verdict: ScalingVerdict;
  reason: string;
  seed: number;
}
