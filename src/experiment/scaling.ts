/**
 * Scaling of a critical iteration count t against the dataset size m (THEORY.md §5):
 * t = a + b·ln m versus t = c·m^α. Both models are fitted by least squares in t-space, so their
 * residuals and AICs are directly comparable (a log-log fit of the power law would weight points
 * differently and cannot take t = 0). Intervals come from a bootstrap over seeds.
 */
import { Rng } from '../rng';
import type { FitResult, ScalingResult } from './types';

export interface ScalingPoint {
  m: number;
  seed: number;
  t: number;
}

interface Fitted {
  params: Record<string, number>;
  predict(m: number): number;
}

/** Ordinary least squares of t on ln m. */
function fitLog(points: ScalingPoint[]): Fitted {
  const xs = points.map((p) => Math.log(p.m));
  const ts = points.map((p) => p.t);
  const n = xs.length;
  const mx = xs.reduce((s, v) => s + v, 0) / n;
  const mt = ts.reduce((s, v) => s + v, 0) / n;
  let sxx = 0;
  let sxt = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - mx) ** 2;
    sxt += (xs[i] - mx) * (ts[i] - mt);
  }
  const b = sxx > 0 ? sxt / sxx : 0;
  const a = mt - b * mx;
  return { params: { a, b }, predict: (m) => a + b * Math.log(m) };
}

/** For fixed α the best c is closed-form; α is found by golden-section search on the profile RSS. */
function fitPower(points: ScalingPoint[]): Fitted {
  const bestC = (alpha: number): number => {
    let num = 0;
    let den = 0;
    for (const p of points) {
      const f = p.m ** alpha;
      num += p.t * f;
      den += f * f;
    }
    return den > 0 ? num / den : 0;
  };
  const rssAt = (alpha: number): number => {
    const c = bestC(alpha);
    return points.reduce((s, p) => s + (p.t - c * p.m ** alpha) ** 2, 0);
  };
  const alpha = goldenSectionMin(rssAt, -3, 5, 1e-7);
  const c = bestC(alpha);
  return { params: { c, alpha }, predict: (m) => c * m ** alpha };
}

function goldenSectionMin(f: (x: number) => number, lo: number, hi: number, tol: number): number {
  // Scan first: the profile RSS need not be unimodal over the whole range.
  const steps = 80;
  let best = lo;
  let bestVal = Infinity;
  for (let i = 0; i <= steps; i++) {
    const x = lo + ((hi - lo) * i) / steps;
    const v = f(x);
    if (v < bestVal) {
      bestVal = v;
      best = x;
    }
  }
  const h = (hi - lo) / steps;
  let a = Math.max(lo, best - h);
  let b = Math.min(hi, best + h);
  const g = (Math.sqrt(5) - 1) / 2;
  while (b - a > tol) {
    const x1 = b - g * (b - a);
    const x2 = a + g * (b - a);
    if (f(x1) <= f(x2)) b = x2;
    else a = x1;
  }
  return (a + b) / 2;
}

const FITTERS: Record<FitResult['model'], (points: ScalingPoint[]) => Fitted> = { log: fitLog, power: fitPower };

function rss(fit: Fitted, points: ScalingPoint[]): number {
  return points.reduce((s, p) => s + (p.t - fit.predict(p.m)) ** 2, 0);
}

/** Gaussian AIC with k = 2 parameters; RSS is floored so a perfect fit does not give −∞. */
function aic(residualSumSq: number, points: ScalingPoint[]): number {
  const scale = points.reduce((s, p) => s + p.t * p.t, 0) || 1;
  const floored = Math.max(residualSumSq, 1e-12 * scale);
  return points.length * Math.log(floored / points.length) + 2 * 2;
}

function distinctMs(points: ScalingPoint[]): number[] {
  return [...new Set(points.map((p) => p.m))].sort((a, b) => a - b);
}

/** Error of the prediction at the largest m by a model fitted on the other m values. */
function heldOutError(model: FitResult['model'], points: ScalingPoint[]): number | null {
  const ms = distinctMs(points);
  if (ms.length < 3) return null;
  const largest = ms[ms.length - 1];
  const train = points.filter((p) => p.m !== largest);
  const test = points.filter((p) => p.m === largest);
  const observed = test.reduce((s, p) => s + p.t, 0) / test.length;
  return Math.abs(FITTERS[model](train).predict(largest) - observed);
}

/** Percentile intervals of each parameter over refits on seed-resampled point sets. */
function bootstrapIntervals(
  model: FitResult['model'],
  points: ScalingPoint[],
  resamples: number,
  seed: number,
): Record<string, [number, number]> {
  const seeds = [...new Set(points.map((p) => p.seed))];
  const rng = new Rng(seed).fork(`bootstrap-${model}`);
  const samples: Record<string, number[]> = {};
  for (let b = 0; b < resamples; b++) {
    const drawn = Array.from({ length: seeds.length }, () => seeds[rng.int(seeds.length)]);
    const resampled = drawn.flatMap((s) => points.filter((p) => p.seed === s));
    if (distinctMs(resampled).length < 2) continue;
    for (const [k, v] of Object.entries(FITTERS[model](resampled).params)) (samples[k] ??= []).push(v);
  }
  const out: Record<string, [number, number]> = {};
  for (const [k, vs] of Object.entries(samples)) {
    vs.sort((a, b) => a - b);
    out[k] = [quantile(vs, 0.025), quantile(vs, 0.975)];
  }
  return out;
}

function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function fitModel(model: FitResult['model'], points: ScalingPoint[], resamples: number, seed: number): FitResult {
  const fit = FITTERS[model](points);
  const r = rss(fit, points);
  return {
    model,
    params: fit.params,
    rss: r,
    aic: aic(r, points),
    heldOutError: heldOutError(model, points),
    intervals: bootstrapIntervals(model, points, resamples, seed),
  };
}

export interface ScalingOptions {
  /** Bootstrap resamples over seeds (default 500). */
  resamples?: number;
  /** Seed of the bootstrap's resampling (default 0). */
  seed?: number;
  /** AIC difference that counts as decisive (default 2, the usual rule of thumb). */
  aicMargin?: number;
}

const fmt = (v: number): string => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v !== 0) ? v.toExponential(2) : v.toPrecision(3));

/**
 * Fit both models and decide. Over the m ranges one can afford, a + b·ln m and c·m^α (small α) differ by
 * only a few percent, so a verdict needs two independent signals to agree:
 *  - fewer than 3 distinct m with a reached time → inconclusive;
 *  - a model wins when its AIC is lower by more than `aicMargin` AND its held-out prediction at the
 *    largest m is no worse than the other's;
 *  - otherwise inconclusive, saying which signal was missing or disagreed.
 */
export function fitScaling(
  quantity: string,
  points: ScalingPoint[],
  unreached: { m: number; seed: number }[],
  options: ScalingOptions = {},
): ScalingResult {
  const resamples = options.resamples ?? 500;
  const seed = options.seed ?? 0;
  const margin = options.aicMargin ?? 2;
  const ms = distinctMs(points);
  const base = { quantity, points, unreached };
  if (ms.length < 3) {
    const why = unreached.length > 0 ? `; ${unreached.length} run(s) never reached it within the run` : '';
    return { ...base, fits: [], verdict: 'inconclusive', reason: `only ${ms.length} distinct m with a measured ${quantity} (need ≥ 3)${why}` };
  }
  const log = fitModel('log', points, resamples, seed);
  const power = fitModel('power', points, resamples, seed);
  const fits = [log, power];
  const alpha = power.params.alpha;
  const alphaCi = power.intervals.alpha;
  const alphaText = `α = ${fmt(alpha)}${alphaCi ? ` [${fmt(alphaCi[0])}, ${fmt(alphaCi[1])}]` : ''}`;
  const aicText = `AIC log ${fmt(log.aic)} vs power ${fmt(power.aic)}`;
  const missing = unreached.length > 0 ? `; ${unreached.length} run(s) excluded (never reached)` : '';
  if (log.aic + margin < power.aic) {
    return { ...base, fits, verdict: 'consistent with logarithmic scaling', reason: `${aicText} (log better by ${fmt(power.aic - log.aic)}); ${alphaText}${missing}` };
  }
  if (power.aic + margin < log.aic) {
    return { ...base, fits, verdict: 'better explained by a power law', reason: `${aicText} (power better by ${fmt(log.aic - power.aic)}); ${alphaText}${missing}` };
  }
  const hl = log.heldOutError;
  const hp = power.heldOutError;
  const heldText = `held-out error at m = ${ms[ms.length - 1]}: log ${hl === null ? 'n/a' : fmt(hl)}, power ${hp === null ? 'n/a' : fmt(hp)}`;
  const details = `${aicText}; ${heldText}; ${alphaText}${missing}`;
  const heldOutAgrees = (winner: number | null, loser: number | null): boolean => winner === null || loser === null || winner <= loser;
  if (log.aic + margin < power.aic && heldOutAgrees(hl, hp)) {
    return { ...base, fits, verdict: 'consistent with logarithmic scaling', reason: details };
  }
  if (power.aic + margin < log.aic && heldOutAgrees(hp, hl)) {
    return { ...base, fits, verdict: 'better explained by a power law', reason: details };
  }
  const why = Math.abs(log.aic - power.aic) <= margin ? `AIC within ${margin}` : 'AIC and held-out prediction disagree';
  return { ...base, fits, verdict: 'inconclusive', reason: `${why}: ${details}` };
}
