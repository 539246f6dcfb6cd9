/**
 * Censored maximum-likelihood fit of one law: t_i = f(m_i) + σ·z_i with z_i standard normal. An exact time
 * contributes its density, an interval-known time P(lo ≤ t ≤ hi), a right-censored run P(t > T) (Tobit), and a
 * time reached at or before the first checkpoint (lo = 0: [0, t₁], or exactly 0) P(t ≤ t₁): a law may pass
 * below 0 there, and a run cannot report less than 0, so 0 is a bound, not a value.
 * Start: least squares on pseudo-values (interval midpoints, T for censored runs) with the coefficients
 * profiled out and the exponent scanned then golden-section refined. With only exact times that start is
 * already the maximum-likelihood fit (σ² = RSS/n). Otherwise a law without an exponent is maximised exactly by
 * Newton's method (fit-linear.ts), and a law with one by Nelder–Mead with restarts over (coefficients, exponent,
 * ln σ), which is also the fallback when Newton finds no finite maximum.
 */
import { logDensity, logIntervalProbability, logLowerTail, logUpperTail } from './normal';
import { meanParameterCount, namedParams, type ModelSpec } from './models';
import { nelderMead } from './optimise';
import { fitLinearCensored } from './fit-linear';
import type { TimeObservation } from './types';
// Module-level aliases: a hot loop reads them from the module scope, not the global object (whose
// lookups are far slower inside vm contexts such as jest's).
const { abs, exp, log, max, min, sqrt } = Math;

/** An observation in the form the likelihood reads. */
export interface PreparedObservation {
  m: number;
  lnM: number;
  /** censored: beyond T (lo = T, hi = ∞); left: at or before the first checkpoint (lo = −∞, hi = t₁). */
  kind: 'exact' | 'interval' | 'censored' | 'left';
  lo: number;
  hi: number;
  /** Value used for the least-squares start. */
  pseudo: number;
}

export function prepare(observations: readonly TimeObservation[]): PreparedObservation[] {
  return observations.map((o) => {
    if (o.lo === null || o.hi === null) {
      const T = o.censoredAt ?? NaN;
      return { m: o.m, lnM: log(o.m), kind: 'censored', lo: T, hi: Infinity, pseudo: T };
    }
    if (o.lo === 0) return { m: o.m, lnM: log(o.m), kind: 'left', lo: -Infinity, hi: o.hi, pseudo: o.hi / 2 };
    const kind = o.lo === o.hi ? 'exact' : 'interval';
    return { m: o.m, lnM: log(o.m), kind, lo: o.lo, hi: o.hi, pseudo: (o.lo + o.hi) / 2 };
  });
}

export interface CoreFit {
  /** [coefficients…, exponent?]. */
  vector: number[];
  params: Record<string, number>;
  sigma: number;
  logLikelihood: number;
}

/**
 * The observations with their distinct m factored out. A design has a few m and several seeds at each, so
 * bases, means and censored tails are computed once per m; every sum still runs over the observations in
 * their order, so the result is the same number an observation-by-observation loop gives.
 */
interface GroupedData {
  data: readonly PreparedObservation[];
  /** Distinct m, in order of first appearance, and their logarithms. */
  ms: number[];
  lnMs: number[];
  /** Index into ms of each observation. */
  group: Int32Array;
  /** Scratch for logLikelihood, one entry per distinct m (a fit evaluates it hundreds of times). */
  mus: Float64Array;
  tailAt: Float64Array;
  tail: Float64Array;
}

function groupData(data: readonly PreparedObservation[]): GroupedData {
  const index = new Map<number, number>();
  const ms: number[] = [];
  const lnMs: number[] = [];
  const group = new Int32Array(data.length);
  data.forEach((d, i) => {
    let g = index.get(d.m);
    if (g === undefined) {
      g = ms.length;
      index.set(d.m, g);
      ms.push(d.m);
      lnMs.push(d.lnM);
    }
    group[i] = g;
  });
  const scratch = () => new Float64Array(ms.length);
  return { data, ms, lnMs, group, mus: scratch(), tailAt: scratch(), tail: scratch() };
}

/** Least squares of the pseudo-values on the basis columns (normal equations); null when collinear. */
function leastSquares(g: GroupedData, rows: readonly number[][]): { coef: number[]; rss: number } | null {
  const p = rows[0].length;
  const { data, group } = g;
  const a = Array.from({ length: p }, () => new Array<number>(p + 1).fill(0));
  for (let i = 0; i < data.length; i++) {
    const x = rows[group[i]];
    const y = data[i].pseudo;
    for (let j = 0; j < p; j++) {
      for (let k = 0; k < p; k++) a[j][k] += x[j] * x[k];
      a[j][p] += x[j] * y;
    }
  }
  const coef = solve(a);
  if (!coef) return null;
  const fitted = rows.map((x) => x.reduce((s, v, j) => s + v * coef[j], 0));
  let rss = 0;
  for (let i = 0; i < data.length; i++) rss += (data[i].pseudo - fitted[group[i]]) ** 2;
  return { coef, rss };
}

/** Solves the augmented system [A | b] by Gaussian elimination with partial pivoting; null when singular. */
function solve(a: number[][]): number[] | null {
  const p = a.length;
  const scale = max(...a.map((row, j) => abs(row[j])));
  for (let c = 0; c < p; c++) {
    let pivot = c;
    for (let r = c + 1; r < p; r++) if (abs(a[r][c]) > abs(a[pivot][c])) pivot = r;
    if (!(abs(a[pivot][c]) > 1e-12 * scale)) return null;
    [a[c], a[pivot]] = [a[pivot], a[c]];
    for (let r = c + 1; r < p; r++) {
      const f = a[r][c] / a[c][c];
      for (let k = c; k <= p; k++) a[r][k] -= f * a[c][k];
    }
  }
  const x = new Array<number>(p).fill(0);
  for (let r = p - 1; r >= 0; r--) {
    let sum = a[r][p];
    for (let k = r + 1; k < p; k++) sum -= a[r][k] * x[k];
    x[r] = sum / a[r][r];
  }
  return x;
}

function profile(spec: ModelSpec<string>, g: GroupedData, exponent: number) {
  return leastSquares(
    g,
    g.ms.map((m) => spec.basis(m, exponent)),
  );
}

/** Least-squares start: coefficients profiled out, exponent by a scan then golden-section refinement. */
function leastSquaresStart(spec: ModelSpec<string>, g: GroupedData): { vector: number[]; rss: number } | null {
  if (!spec.exponent) {
    const fit = profile(spec, g, 0);
    return fit && { vector: fit.coef, rss: fit.rss };
  }
  const { min: lowest, max: highest } = spec.exponent;
  const rssAt = (e: number) => profile(spec, g, e)?.rss ?? Infinity;
  const steps = 48;
  let best = lowest;
  let bestRss = Infinity;
  for (let i = 0; i <= steps; i++) {
    const e = lowest + ((highest - lowest) * i) / steps;
    const r = rssAt(e);
    if (r < bestRss) [best, bestRss] = [e, r];
  }
  if (!Number.isFinite(bestRss)) return null;
  const h = (highest - lowest) / steps;
  let a = max(lowest, best - h);
  let b = min(highest, best + h);
  const golden = (sqrt(5) - 1) / 2;
  while (b - a > 1e-6) {
    const x1 = b - golden * (b - a);
    const x2 = a + golden * (b - a);
    if (rssAt(x1) <= rssAt(x2)) b = x2;
    else a = x1;
  }
  const exponent = (a + b) / 2;
  const fit = profile(spec, g, exponent);
  return fit && { vector: [...fit.coef, exponent], rss: fit.rss };
}

/** Smallest σ allowed: keeps a perfect fit's likelihood finite (relative to the size of the times). */
function sigmaFloor(data: readonly PreparedObservation[]): number {
  const scale = data.reduce((s, d) => s + abs(d.pseudo), 0) / data.length;
  return 1e-6 * (scale > 0 ? scale : 1);
}

/** Log-likelihood of the observations under mean vector and σ (a censored tail is computed once per (m, T)). */
function logLikelihood(spec: ModelSpec<string>, vector: readonly number[], sigma: number, g: GroupedData): number {
  const { data, group, lnMs, mus, tailAt, tail } = g;
  for (let k = 0; k < lnMs.length; k++) mus[k] = spec.mean(vector, lnMs[k]);
  tailAt.fill(NaN);
  let total = 0;
  for (let i = 0; i < data.length; i++) {
    const d = data[i];
    const k = group[i];
    const mu = mus[k];
    if (d.kind === 'exact') total += logDensity(d.lo, mu, sigma);
    else if (d.kind === 'left') total += logLowerTail((d.hi - mu) / sigma);
    else if (d.kind === 'censored') {
      if (tailAt[k] !== d.lo) [tailAt[k], tail[k]] = [d.lo, logUpperTail((d.lo - mu) / sigma)];
      total += tail[k];
    } else if (d.hi - d.lo < 1e-6 * sigma) total += logDensity((d.lo + d.hi) / 2, mu, sigma) + log(d.hi - d.lo);
    else total += logIntervalProbability((d.lo - mu) / sigma, (d.hi - mu) / sigma);
  }
  return total;
}

/** The censored log-likelihood of the data under the law with mean vector `vector` and noise σ. */
export function censoredLogLikelihood(
  spec: ModelSpec<string>,
  vector: readonly number[],
  sigma: number,
  data: readonly PreparedObservation[],
): number {
  return logLikelihood(spec, vector, sigma, groupData(data));
}

/** Whether the observation bounds the time on both sides (exact or an interval above the first checkpoint). */
export function isMeasured(d: PreparedObservation): boolean {
  return d.kind === 'exact' || d.kind === 'interval';
}

/** Distinct m with a measured time (what a law's shape can be read from). */
export function informativeMs(data: readonly PreparedObservation[]): number {
  return new Set(data.filter(isMeasured).map((d) => d.m)).size;
}

/** Why the model cannot be fitted to these data, or null when it can. */
export function unfittableReason(spec: ModelSpec<string>, data: readonly PreparedObservation[]): string | null {
  const p = meanParameterCount(spec);
  if (informativeMs(data) < p) return `needs ≥ ${p} distinct m with a measured time`;
  if (data.length < p + 1) return `needs ≥ ${p + 1} observations`;
  return null;
}

/**
 * Maximum-likelihood fit, or null when the model cannot be fitted (see unfittableReason). `from` starts the
 * search (Newton or simplex) at a given mean vector and σ (e.g. a nested model's maximum with the extra term at 0,
 * so the larger model's likelihood cannot end below the smaller one's) instead of at the least-squares start.
 */
export function fitCensored(
  spec: ModelSpec<string>,
  data: readonly PreparedObservation[],
  from?: { vector: readonly number[]; sigma: number },
): CoreFit | null {
  if (unfittableReason(spec, data) !== null) return null;
  const grouped = groupData(data);
  const start = leastSquaresStart(spec, grouped);
  if (!start) return null;
  const floor = sigmaFloor(data);
  const startSigma = max(sqrt(start.rss / data.length), floor);
  if (data.every((d) => d.kind === 'exact')) return finish(spec, start.vector, startSigma, grouped);
  if (!spec.exponent) {
    const rows = grouped.ms.map((m) => spec.basis(m, 0));
    const exact = fitLinearCensored(
      data.map((_, i) => rows[grouped.group[i]]),
      data,
      from ? { beta: from.vector, sigma: max(from.sigma, floor) } : { beta: start.vector, sigma: startSigma },
      floor,
    );
    if (exact) return finish(spec, exact.beta, exact.sigma, grouped);
  }
  const narrow = narrowIntervalSigma(data, start.rss);
  if (narrow !== null) return finish(spec, start.vector, max(narrow, floor), grouped);
  const p = start.vector.length;
  const exponent = spec.exponent;
  const objective = (x: number[]): number => {
    if (exponent && (x[p - 1] < exponent.min || x[p - 1] > exponent.max)) return Infinity;
    const sigma = exp(x[p]);
    if (!(sigma >= floor)) return Infinity;
    const value = -logLikelihood(spec, x, sigma, grouped); // x[p] (ln σ) is past the mean's parameters
    return Number.isNaN(value) ? Infinity : value;
  };
  // σ from the pseudo-values overstates the noise when intervals are wide; start a little lower.
  const x0 = from
    ? [...from.vector, log(max(from.sigma, floor * 2))]
    : [...start.vector, log(max(startSigma * 0.7, floor * 2))];
  const sigma0 = exp(x0[p]);
  // A coefficient starting at 0 steps by half a σ of its largest basis value's effect on t.
  const zeroStep = (j: number) => (0.5 * sigma0) / max(...grouped.ms.map((m) => abs(spec.basis(m, 0)[j])));
  const steps = x0.map((v, i) =>
    i === p ? 0.3 : abs(v) > 1e-8 ? 0.1 * abs(v) : from && !spec.exponent ? zeroStep(i) : 0.1,
  );
  if (exponent) steps[p - 1] = min(0.1, (exponent.max - exponent.min) / 10);
  const best = nelderMead(objective, x0, { steps, tolerance: 1e-5, restarts: 1 });
  return finish(spec, best.x.slice(0, p), exp(best.x[p]), grouped);
}

/**
 * Intervals much narrower than the noise (width ≤ NARROW·σ, no censoring) barely change the maximum: the
 * least-squares fit on midpoints with Sheppard's correction σ² = RSS/n + mean(w²)/12 is within O((w/σ)²)
 * of it. That skips the simplex for finely resolved times; the likelihood reported is still the exact
 * interval likelihood at that point, so models stay comparable.
 */
const NARROW = 0.5;

function narrowIntervalSigma(data: readonly PreparedObservation[], rss: number): number | null {
  if (!data.every(isMeasured)) return null;
  const widthSq = data.reduce((s, d) => s + (d.hi - d.lo) ** 2, 0) / data.length;
  const sigma = sqrt(rss / data.length + widthSq / 12);
  const widest = max(...data.map((d) => d.hi - d.lo));
  return widest <= NARROW * sigma ? sigma : null;
}

function finish(spec: ModelSpec<string>, vector: number[], sigma: number, g: GroupedData): CoreFit {
  return { vector, params: namedParams(spec, vector), sigma, logLikelihood: logLikelihood(spec, vector, sigma, g) };
}

/** AICc with k free parameters (σ included) on n observations; null when n ≤ k + 1. */
export function aicc(logLik: number, k: number, n: number): number | null {
  if (n <= k + 1) return null;
  return 2 * k - 2 * logLik + (2 * k * (k + 1)) / (n - k - 1);
}
