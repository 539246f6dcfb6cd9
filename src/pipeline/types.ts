/**
 * What the pipeline measures at a checkpoint (THEORY.md §5). These records are written verbatim into
 * report.json, so every field is a plain JSON value and says what was measured, not requested.
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
}

/** A hypothesis of the theorem checked on this run's numbers. */
export interface HypothesisResult {
  id: string;
  label: string;
  statement: string;
  holds: boolean | null;
  detail: string;
  /** How far a failing hypothesis is from holding (rhs/lhs), when known. */
  factor: number | null;
}
