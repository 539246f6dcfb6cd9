/**
 * What an experiment measures (THEORY.md §5) and concludes. These records are written verbatim
 * into report.json, so every field is a plain JSON value and says what was measured, not requested.
 */

/** One pruner's subnetwork measured at one size n. */
export interface SubnetworkMeasurement {
  /** Requested subnetwork size (selection steps). */
  n: number;
  /** Normalised training loss ‖f_S − y‖²/(2m). */
  loss: number;
  /** Training accuracy (classification data only). */
  accuracy: number | null;
  /** Accuracy on held-out data (classification data with a held-out set only). */
  heldOutAccuracy: number | null;
  /** Measured multiset size |S| (counting multiplicity). */
  size: number;
  /** Measured number of distinct neurons in S. */
  distinct: number;
}

export interface PrunerMeasurement {
  pruner: string;
  subnetworks: SubnetworkMeasurement[];
  /** Wall time of the pruner call, milliseconds. */
  ms: number;
}

/** Everything measured at one checkpoint t of one (m, seed) run. */
export interface CheckpointMeasurement {
  t: number;
  /** Dense residual R(t) = ‖u(t) − y‖². */
  residual: number;
  /** Dense normalised loss R(t)/(2m). */
  denseLoss: number;
  /** Dense training accuracy (classification only). */
  denseAccuracy: number | null;
  /** Empirical contraction rate −ln(R(t)/R(0))/t (null at t = 0). */
  contractionRate: number | null;
  /** λ_min of the finite-width Gram H(t) (null when m > maxKernelM). */
  gramLambdaMin: number | null;
  /** D_t = max_{r,s} ‖Φ_r(t) − Φ_s(t)‖. */
  diameter: number;
  /** D_y = max_r ‖Φ_r(t) − y‖. */
  diameterToTarget: number;
  /** ρ_t of B4 (0 when the ball is void). */
  rho: number;
  /** True when N ≤ mC: the hull is not full-dimensional and B4 says nothing. */
  ballVoid: boolean;
  /** Distance from y to conv{Φ_r(t)}: squared distance, certified lower bound, solver gap. */
  hull: { distanceSq: number; lowerBound: number; gap: number; inside: boolean; iterations: number };
  pruners: PrunerMeasurement[];
  /** B2 bound R(t) + D_t² H_n/n per n (unnormalised, like ‖f_S − y‖²). */
  boundB2: { n: number; value: number }[];
  /** B2′ bound D_y²/n per n (applies only when y is inside the hull). */
  boundB2prime: { n: number; value: number }[];
}

export type Verdict = 'PASS' | 'FAIL' | 'NOT APPLICABLE';

/** A hypothesis of the theorem checked on this run's numbers. */
export interface HypothesisResult {
  id: string;
  label: string;
  statement: string;
  holds: boolean | null;
  detail: string;
}

/** A claim (THEORY.md §6.2): may fail outside its hypotheses; a failure is a finding. */
export interface ClaimResult {
  id: string;
  statement: string;
  verdict: Verdict;
  detail: string;
  /** Hypotheses that do not hold for this run, listed beside the verdict. */
  violatedHypotheses: string[];
}

/** An invariant (THEORY.md §6.1) re-checked on real data: a failure is a bug in pruneproof. */
export interface InvariantResult {
  id: string;
  statement: string;
  checked: number;
  failures: { t: number; n?: number; detail: string }[];
}

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
  tStar: { etaConfigured: number | null; etaH5: number | null; upperForm: number | null; rhoUsed: number; note: string };
  hypotheses: HypothesisResult[];
  checkpoints: CheckpointMeasurement[];
  critical: CriticalTimes;
  /** t_crit(m; ε, n) / T*(m) for the largest n (null when either is undefined). */
  tightness: number | null;
  claims: ClaimResult[];
  invariants: InvariantResult[];
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
