/**
 * The decision procedure, shared by real data and by every calibration simulation. A verdict needs two
 * signals to agree (THEORY.md §5.5): the AICc-best model beats the best model of every other law class by at
 * least AICC_MARGIN, AND its law class predicts the largest m, refitted without that m, at least as well
 * as every other class (best model of each class; a difference within the standard error of the held-out
 * mean is a tie). Either signal alone → inconclusive.
 */
import { formatNumber } from '../../theory';
import {
  aicc,
  fitCensored,
  informativeMs,
  prepare,
  unfittableReason,
  type CoreFit,
  type PreparedObservation,
} from './fit';
import { LAW_VERDICT, MODEL_SPECS, meanParameterCount, predict, type ModelSpec } from './models';
import type { Decision, HeldOutPrediction, ScalingModel, TimeObservation } from './types';

/** AICc difference that counts as decisive (the usual rule of thumb; fixed, never tuned). */
export const AICC_MARGIN = 2;
/** Fewest distinct m with a measured time a verdict may rest on. */
export const MIN_DISTINCT_M = 3;

export interface FittedModel {
  spec: ModelSpec;
  fit: CoreFit;
  k: number;
  aicc: number;
  heldOut: HeldOutPrediction | null;
}

export interface Assessment {
  fitted: FittedModel[];
  skipped: { model: ScalingModel; reason: string }[];
  decision: Decision;
}

/** RMS distance from a prediction to each observation's set: [lo, hi], or (T, ∞) when censored. */
function distanceToObservations(prediction: number, data: readonly PreparedObservation[]): number {
  let sum = 0;
  for (const d of data) {
    const gap = prediction < d.lo ? d.lo - prediction : prediction > d.hi ? prediction - d.hi : 0;
    sum += gap * gap;
  }
  return Math.sqrt(sum / data.length);
}

/** Each model refitted without the largest m, scored at that m; null when it cannot be refitted. */
export function heldOutPrediction(spec: ModelSpec, data: readonly PreparedObservation[]): HeldOutPrediction | null {
  const largest = Math.max(...data.map((d) => d.m));
  const train = data.filter((d) => d.m !== largest);
  const test = data.filter((d) => d.m === largest);
  const fit = train.length > 0 ? fitCensored(spec, train) : null;
  if (!fit) return null;
  const prediction = predict(spec, fit.params, largest);
  const censored = test.filter((d) => d.kind === 'censored' || d.kind === 'left').length;
  return { m: largest, count: test.length, prediction, error: distanceToObservations(prediction, test), censored };
}

function identicalValues(data: readonly PreparedObservation[]): number | null {
  if (data.some((d) => d.kind === 'censored')) return null;
  const first = data[0];
  return data.every((d) => d.lo === first.lo && d.hi === first.hi) ? first.pseudo : null;
}

/** Reasons the data cannot carry a verdict whatever the fits say, or null. */
function ineligibility(data: readonly PreparedObservation[]): string | null {
  const same = identicalValues(data);
  if (same !== null) {
    return same === 0
      ? `every one of the ${data.length} runs holds at t = 0, before any step, at every m: there is no law to fit`
      : `every one of the ${data.length} values equals ${formatNumber(same)}: the time does not vary with m, ` +
          'there is no law to fit';
  }
  const measured = informativeMs(data);
  if (measured < MIN_DISTINCT_M) {
    return `only ${measured} distinct m with a measured time (a verdict needs ≥ ${MIN_DISTINCT_M})`;
  }
  const censored = data.filter((d) => d.kind === 'censored').length;
  const left = data.filter((d) => d.kind === 'left').length;
  if ((censored + left) * 2 > data.length) {
    const parts = [
      censored > 0 ? `${censored} never reached the target` : '',
      left > 0 ? `${left} reached at or before the first checkpoint` : '',
    ].filter(Boolean);
    return `${censored + left} of ${data.length} runs are censored (${parts.join(', ')}): a verdict cannot rest on them`;
  }
  return null;
}

/** Fits every law, scores its held-out prediction, and decides. */
export function assess(observations: readonly TimeObservation[]): Assessment {
  const data = prepare(observations);
  const fitted: FittedModel[] = [];
  const skipped: Assessment['skipped'] = [];
  const blocked = ineligibility(data);
  if (blocked !== null && identicalValues(data) !== null) {
    return { fitted, skipped, decision: inconclusive(blocked) };
  }
  for (const spec of MODEL_SPECS) {
    const why = unfittableReason(spec, data);
    const fit = why === null ? fitCensored(spec, data) : null;
    const k = meanParameterCount(spec) + 1;
    const score = fit ? aicc(fit.logLikelihood, k, data.length) : null;
    if (!fit || score === null) {
      skipped.push({ model: spec.model, reason: why ?? `AICc needs more than ${k + 1} observations` });
      continue;
    }
    fitted.push({ spec, fit, k, aicc: score, heldOut: heldOutPrediction(spec, data) });
  }
  const decision = blocked !== null ? inconclusive(blocked) : decideFrom(fitted);
  return { fitted, skipped, decision };
}

function inconclusive(reason: string, extra: Partial<Decision> = {}): Decision {
  return { verdict: 'inconclusive', aiccBest: null, aiccMargin: null, heldOutBest: null, reason, ...extra };
}

function bestBy<T>(items: readonly T[], score: (t: T) => number): T | null {
  let best: T | null = null;
  for (const item of items) if (best === null || score(item) < score(best)) best = item;
  return best;
}

/**
 * a + c·m^α as α → 0 and a − c·m^−β as β → 0 both become a + b·ln m (with c ~ b/α). A fit that ends at that
 * bound is the log law with one parameter too many, not evidence for another class; left in, it would
 * cap how far a true log law can ever lead (≈ the AICc cost of one parameter) and split held-out ties.
 */
export function reducesToLog(f: Pick<FittedModel, 'spec' | 'fit'>): boolean {
  const e = f.spec.exponent;
  if (!e || f.spec.model === 'power' || e.min <= 0) return false;
  return f.fit.params[e.name] <= e.min * 1.05;
}

/** AICc margin and held-out prediction together; fits that reduce to the log law take no part. */
export function decideFrom(all: readonly FittedModel[]): Decision {
  const fitted = all.filter((f) => !reducesToLog(f));
  const winner = bestBy(fitted, (f) => f.aicc);
  if (!winner) return inconclusive('no model could be fitted');
  const rivals = fitted.filter((f) => f.spec.law !== winner.spec.law);
  const rival = bestBy(rivals, (f) => f.aicc);
  const withHeldOut = fitted.filter((f) => f.heldOut !== null);
  const heldOutBest = bestBy(withHeldOut, (f) => f.heldOut!.error);
  const base = {
    aiccBest: winner.spec.model,
    aiccMargin: rival ? rival.aicc - winner.aicc : null,
    heldOutBest: heldOutBest?.spec.model ?? null,
  };
  if (!rival) return inconclusive('only one law class could be fitted', base);
  const aiccText =
    `AICc ${winner.spec.model} ${formatNumber(winner.aicc)} vs ` + `${rival.spec.model} ${formatNumber(rival.aicc)}`;
  if (rival.aicc - winner.aicc < AICC_MARGIN) {
    return inconclusive(`AICc within ${AICC_MARGIN}: ${aiccText}`, base);
  }
  // Held-out is compared class against class: a flexible winner (a + c·m^α refitted on the smaller m) can
  // extrapolate wildly while the plain power law of the same class predicts well.
  const withHeld = (models: readonly FittedModel[]) =>
    bestBy(
      models.filter((f) => f.heldOut !== null),
      (f) => f.heldOut!.error,
    );
  const ownHeld = withHeld(fitted.filter((f) => f.spec.law === winner.spec.law));
  const rivalHeld = withHeld(rivals);
  if (!ownHeld || !rivalHeld) {
    return inconclusive(`${aiccText}, but no held-out prediction at the largest m to confirm it`, base);
  }
  const own = ownHeld.heldOut!;
  const other = rivalHeld.heldOut!;
  if (own.censored === own.count) {
    // Every law "predicts" inside a censored set; a 0 vs 0 tie there is no evidence of agreement.
    return inconclusive(
      `${aiccText}, but the held-out comparison is uninformative: all ${own.count} runs at m = ${own.m} are censored`,
      base,
    );
  }
  const heldText =
    `held-out error at m = ${own.m}: ${ownHeld.spec.model} ${formatNumber(own.error)}, ` +
    `${rivalHeld.spec.model} ${formatNumber(other.error)}`;
  // A rival predicting better by less than the standard error of the held-out mean is a tie, not a
  // disagreement (a near-log saturating law otherwise wins half of the ties against a true log law).
  const tieWidth = winner.fit.sigma / Math.sqrt(own.count);
  if (own.error > other.error + tieWidth) {
    return inconclusive(`AICc and held-out prediction disagree: ${aiccText}; ${heldText}`, base);
  }
  const tie = own.error > other.error ? ` (a tie: within its standard error ${formatNumber(tieWidth)})` : '';
  return { verdict: LAW_VERDICT[winner.spec.law], ...base, reason: `${aiccText}; ${heldText}${tie}` };
}
