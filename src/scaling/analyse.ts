/**
 * The scaling analysis of one critical time against m: validation, the censored fits of the four laws,
 * the decision (AICc margin and held-out prediction), the bootstrap over seeds within m, and the calibration
 * that decides whether this design may state the decision's verdict at all.
 */
import { Rng } from '../rng';
import { bootstrapModel } from './bootstrap';
import { calibrate, percent } from './calibrate';
import { analysisThreads } from './calibration-pool';
import { assess, type FittedModel } from './decide';
import { prepare } from './fit';
import { testLogBound, type LogBoundInput } from './log-bound';
import { LAW_VERDICT, predict } from './models';
import type {
  Calibration,
  Design,
  LogBound,
  ModelFit,
  ScalingAnalysis,
  ScalingVerdict,
  TimeObservation,
} from './types';

/** The t(m) analysis's seed, bootstrap resamples, calibration simulations, design and threads. */
export interface ScalingOptions {
  /** One seed drives the bootstrap and the calibration (default 0). */
  seed?: number;
  /** Bootstrap resamples per model (default 200). */
  resamples?: number;
  /** Calibration simulations per law (default 200). */
  simulations?: number;
  /**
   * What the run's design is known to be; inferred from the observations where not given. A computed quantity
   * (e.g. T*(m)) is never censored: pass censorAt null and resolution 0.
   */
  design?: Partial<Pick<Design, 'resolution' | 'censorAt' | 'floor'>>;
  /** What a time of 0 at every m means for this quantity, in plain words (e.g. "y is in the hull before any step"). */
  atZero?: string;
  /** Search for a design that would suffice when this one does not (default true). */
  advise?: boolean;
  /**
   * Threads for the calibration's simulations, the calling one included (default: PRUNEPROOF_ANALYSIS_THREADS,
   * else every core). The results do not depend on it.
   */
  threads?: number;
}

/** Checks the observations; throws RangeError naming the index and field of the first bad one. */
export function validateObservations(observations: readonly TimeObservation[]): void {
  const seen = new Set<string>();
  observations.forEach((o, i) => {
    const where = `observations[${i}]`;
    if (!(Number.isFinite(o.m) && o.m > 0)) throw new RangeError(`${where}.m: must be a finite number > 0, got ${o.m}`);
    if (!Number.isInteger(o.seed)) throw new RangeError(`${where}.seed: must be an integer, got ${o.seed}`);
    const key = `${o.m}/${o.seed}`;
    if (seen.has(key)) throw new RangeError(`${where}: duplicate (m = ${o.m}, seed = ${o.seed})`);
    seen.add(key);
    if (o.lo === null || o.hi === null) {
      if (o.lo !== o.hi) throw new RangeError(`${where}: lo and hi must both be numbers or both null`);
      if (!(Number.isFinite(o.censoredAt) && o.censoredAt! >= 0)) {
        throw new RangeError(`${where}.censoredAt: a censored run needs a finite censoredAt ≥ 0`);
      }
      return;
    }
    if (!Number.isFinite(o.lo) || o.lo < 0)
      throw new RangeError(`${where}.lo: must be a finite number ≥ 0, got ${o.lo}`);
    if (!Number.isFinite(o.hi)) throw new RangeError(`${where}.hi: must be a finite number, got ${o.hi}`);
    if (o.lo > o.hi) throw new RangeError(`${where}.lo: lo = ${o.lo} > hi = ${o.hi}`);
    if (o.censoredAt !== undefined) throw new RangeError(`${where}.censoredAt: only for runs without a time`);
  });
  if (observations.length < 2) throw new RangeError(`observations: need ≥ 2, got ${observations.length}`);
}

function sameObservation(a: TimeObservation, b: TimeObservation): boolean {
  return a.lo === b.lo && a.hi === b.hi && a.censoredAt === b.censoredAt;
}

/**
 * When every m with several seeds shows the same value for all of them, the seeds do not vary what is
 * measured: keeping every copy would count each point several times (doubling AICc margins, zero-width
 * bootstrap). They collapse to one observation per m.
 */
function collapseIdenticalSeeds(observations: readonly TimeObservation[]): {
  kept: TimeObservation[];
  note: string | null;
} {
  const byM = new Map<number, TimeObservation[]>();
  for (const o of observations) byM.set(o.m, [...(byM.get(o.m) ?? []), o]);
  const repeated = [...byM.values()].filter((g) => g.length > 1);
  if (repeated.length === 0 || !repeated.every((g) => g.every((o) => sameObservation(o, g[0])))) {
    return { kept: [...observations], note: null };
  }
  const kept = [...byM.values()].map((g) => g[0]);
  return {
    kept,
    note:
      `every seed gives the same value at each m, so the ${observations.length} runs ` +
      `count as ${kept.length} points`,
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Interval width the runs were measured with: absolute if the widths are alike, relative if they grow. */
export function inferResolution(observations: readonly TimeObservation[]): Design['resolution'] {
  const intervals = observations.filter((o) => o.lo !== null && o.hi !== null && o.hi > o.lo);
  if (intervals.length === 0) return { absolute: 0, relative: 0 };
  const widths = intervals.map((o) => o.hi! - o.lo!);
  if (Math.max(...widths) > 2 * Math.min(...widths)) {
    return { absolute: 0, relative: median(intervals.map((o) => (2 * (o.hi! - o.lo!)) / (o.hi! + o.lo!))) };
  }
  return { absolute: median(widths), relative: 0 };
}

/** The first checkpoint: the smallest upper end of a time reported as [0, t₁] (0 when none is). */
export function inferFloor(observations: readonly TimeObservation[]): number {
  const left = observations.filter((o) => o.lo === 0 && o.hi !== null).map((o) => o.hi!);
  return left.length > 0 ? Math.min(...left) : 0;
}

/** The design the observations were measured on, but its noise. */
function observedDesign(
  observations: readonly TimeObservation[],
  options: ScalingOptions,
): Omit<Design, 'sigma' | 'sigmaSource'> {
  const counts = new Map<number, number>();
  for (const o of observations) counts.set(o.m, (counts.get(o.m) ?? 0) + 1);
  const grid = [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([m, seeds]) => ({ m, seeds }));
  const censoredAt = observations.filter((o) => o.censoredAt !== undefined).map((o) => o.censoredAt!);
  return {
    grid,
    resolution: options.design?.resolution ?? inferResolution(observations),
    censorAt:
      options.design?.censorAt !== undefined
        ? options.design.censorAt
        : censoredAt.length
          ? Math.max(...censoredAt)
          : null,
    floor: options.design?.floor ?? inferFloor(observations),
  };
}

/** The design with σ of the best law's censored fit (all runs, censored ones included). */
function inferDesign(observations: readonly TimeObservation[], best: FittedModel, options: ScalingOptions): Design {
  return {
    ...observedDesign(observations, options),
    sigma: best.fit.sigma,
    sigmaSource: `censored fit of ${best.spec.formula}`,
  };
}

function modelFits(
  fitted: readonly FittedModel[],
  observations: readonly TimeObservation[],
  options: ScalingOptions,
): ModelFit[] {
  const data = prepare(observations);
  const rng = new Rng(options.seed ?? 0).fork('bootstrap');
  // With one run per m, resampling seeds within m can only redraw the same data: no interval is given.
  const oneRunPerM = new Set(data.map((d) => d.m)).size === data.length;
  return fitted.map((f) => {
    const resamples = oneRunPerM ? 0 : (options.resamples ?? 200);
    const boot = bootstrapModel(f.spec, data, f.fit.params, resamples, rng.fork(f.spec.model));
    return {
      model: f.spec.model,
      formula: f.spec.formula,
      params: f.fit.params,
      sigma: f.fit.sigma,
      logLikelihood: f.fit.logLikelihood,
      k: f.k,
      aicc: f.aicc,
      heldOut: f.heldOut,
      intervals: boot.intervals,
      curve: boot.curve,
    };
  });
}

function calibrationFor(
  observations: readonly TimeObservation[],
  fitted: readonly FittedModel[],
  verdict: ScalingVerdict,
  options: ScalingOptions,
): Calibration | string {
  const best = fitted.reduce((a, b) => (b.aicc < a.aicc ? b : a));
  const ms = observations.map((o) => o.m);
  const m0 = Math.min(...ms);
  const m1 = Math.max(...ms);
  const t0 = predict(best.spec, best.fit.params, m0);
  const t1 = predict(best.spec, best.fit.params, m1);
  if (!(Number.isFinite(t0) && Number.isFinite(t1) && t1 > t0)) {
    return (
      `the best fit (${best.spec.model}) does not grow from m = ${m0} to m = ${m1}, ` +
      'so no growth law can be calibrated'
    );
  }
  const powerFit = fitted.filter((f) => f.spec.law === 'power').sort((a, b) => a.aicc - b.aicc)[0];
  return calibrate({
    design: inferDesign(observations, best, options),
    anchors: { m0, t0, m1, t1 },
    target: verdict === 'inconclusive' ? LAW_VERDICT.log : verdict,
    fittedAlpha: powerFit ? powerFit.fit.params.alpha : null,
    simulations: options.simulations ?? 200,
    seed: options.seed ?? 0,
    advise: options.advise,
    threads: options.threads,
  });
}

function calibratedStatement(decided: ScalingVerdict, c: Calibration): { verdict: ScalingVerdict; reason: string } {
  const worst = c.worstLaw ? ` (${c.worstLaw})` : '';
  const rates = `power ${percent(c.power)}, false-verdict rate ${percent(c.falseRate)}${worst}`;
  if (decided === 'inconclusive') {
    return { verdict: 'inconclusive', reason: c.adequate ? '' : ` Design: ${c.advice?.text ?? rates}.` };
  }
  if (c.adequate) return { verdict: decided, reason: ` Calibrated on this design: ${rates}.` };
  return {
    verdict: 'inconclusive',
    reason:
      ` The procedure says "${decided}", but calibration does not back it (${rates}; needs power ≥ 80 %, ` +
      `false rate ≤ 10 %): inconclusive: ${c.advice?.text ?? 'this design cannot separate the laws'}.`,
  };
}

/**
 * The one-sided verdict on t(m) = O(log m) alone (no four-law fits), on the design the observations show.
 * Throws RangeError on invalid observations or threads.
 */
export function logBoundOf(
  quantity: string,
  observations: readonly TimeObservation[],
  options: ScalingOptions & Pick<LogBoundInput, 'level' | 'nullSimulations'> = {},
): LogBound {
  validateObservations(observations);
  const threads = analysisThreads(options.threads);
  const { kept } = collapseIdenticalSeeds(observations);
  return testLogBound({
    quantity,
    observations: kept,
    design: observedDesign(kept, options),
    simulations: options.simulations ?? 200,
    nullSimulations: options.nullSimulations,
    level: options.level,
    seed: options.seed ?? 0,
    atZero: options.atZero,
    threads,
  });
}

/**
 * The whole t(m) analysis of one quantity (THEORY.md §5.4–§5.6): the four laws fitted with censoring, AICc,
 * bootstrap intervals, and a verdict only when a calibration backs it.
 *
 * @param quantity - what was measured (names the analysis).
 * @param observations - one per (m, seed).
 * @param options - seed, resamples, simulations, threads.
 * @returns the analysis.
 * @throws RangeError on invalid observations or threads.
 */
export function analyseScaling(
  quantity: string,
  observations: readonly TimeObservation[],
  options: ScalingOptions = {},
): ScalingAnalysis {
  validateObservations(observations);
  const threads = analysisThreads(options.threads); // checked here, whether or not a calibration runs
  const { kept, note } = collapseIdenticalSeeds(observations);
  const { fitted, skipped, decision } = assess(kept);
  const censored = kept.filter((o) => o.lo === null).length;
  const exact = kept.filter((o) => o.lo !== null && o.lo === o.hi).length;
  const counts = {
    observations: kept.length,
    distinctM: new Set(kept.map((o) => o.m)).size,
    exact,
    interval: kept.length - censored - exact,
    censored,
  };
  const notePrefix = note ? `${note}. ` : '';
  let calibration: Calibration | null = null;
  let verdict: ScalingVerdict = 'inconclusive';
  let reason = `${notePrefix}${decision.reason}.`;
  const eligible = fitted.length > 0 && decision.aiccBest !== null;
  if (eligible) {
    const c = calibrationFor(kept, fitted, decision.verdict, { ...options, threads });
    if (typeof c === 'string') {
      reason += ` No verdict: ${c}.`;
    } else {
      calibration = c;
      const stated = calibratedStatement(decision.verdict, c);
      verdict = stated.verdict;
      reason += stated.reason;
    }
  }
  const logBound = testLogBound({
    quantity,
    observations: kept,
    design: observedDesign(kept, options),
    simulations: options.simulations ?? 200,
    seed: options.seed ?? 0,
    atZero: options.atZero,
    threads,
  });
  return {
    quantity,
    observations: kept,
    counts,
    fits: modelFits(fitted, kept, options),
    skipped,
    decision,
    calibration,
    logBound,
    verdict,
    reason: reason.replace(/\.\./g, '.'),
    seed: options.seed ?? 0,
  };
}
