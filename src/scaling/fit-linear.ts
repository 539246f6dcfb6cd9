/**
 * Censored maximum likelihood for a law linear in its coefficients (t = x·β + σ·z: the log law and the one-sided
 * test's log-quadratic alternative) by Newton's method in Olsen's parametrisation θ = β/σ, h = 1/σ. There the
 * log-likelihood of exact, interval, left- and right-censored normal observations is concave (the normal density is
 * log-concave; Pratt 1981, Econometrica 49:1493), so its maximum is unique and Newton reaches it in a few steps where
 * a simplex needs hundreds of evaluations. Every step gains likelihood (a backtracking line search), so the larger of
 * two nested models started at the smaller one's maximum (log inside log-quadratic) never ends below it, which the
 * one-sided statistic relies on even where the likelihood is flat (intervals much wider than σ).
 */
import { cholesky, choleskySolve } from '../linalg/cholesky';
import { logIntervalProbability, logLowerTail, logUpperTail } from './normal';
// Module-level aliases: a hot loop reads them from the module scope, not the global object (whose
// lookups are far slower inside vm contexts such as jest's).
const { PI, exp, log } = Math;

/** What the likelihood reads of an observation: exact (lo = hi), or P(lo ≤ t ≤ hi) with lo = −∞ or hi = ∞ allowed. */
export interface CensoredValue {
  lo: number;
  hi: number;
}

/** The maximum: coefficients β, noise σ, and the Newton steps taken. */
export interface LinearFit {
  beta: number[];
  sigma: number;
  steps: number;
}

const LOG_SQRT_2PI = 0.5 * log(2 * PI);
/** An interval narrower than this many σ is its midpoint's density (as the likelihood of fit.ts reads it). */
const POINT_WIDTH = 1e-6;
const MAX_STEPS = 100;
/**
 * Converged when half the Newton decrement, the gain in log-likelihood a full step predicts, is below this. The
 * tail probabilities are accurate to ~1e-7 relative (normal.ts), so the decrement of their exact derivatives stalls
 * near 1e-11 on a few hundred observations; 1e-9 is far below any difference between fits that matters.
 */
const DECREMENT = 1e-9;
/** When no step along Newton's direction gains, a predicted gain below this is convergence; above it, failure. */
const STALLED = 1e-6;

/** log-likelihood, gradient and Hessian in (θ, h) of every observation, summed. */
interface Local {
  value: number;
  gradient: Float64Array;
  hessian: Float64Array;
}

/**
 * One interval observation's contribution: ℓ = ln(Φ(b) − Φ(a)) with a = h·lo − x·θ, b = h·hi − x·θ. With
 * r_a = φ(a)/P and r_b = φ(b)/P: ℓ_a = −r_a, ℓ_b = r_b, ℓ_aa = a·r_a − r_a², ℓ_bb = −b·r_b − r_b², ℓ_ab = r_a·r_b.
 */
function addInterval(x: readonly number[], lo: number, hi: number, theta: Float64Array, h: number, out: Local): void {
  const p = x.length;
  let mean = 0;
  for (let j = 0; j < p; j++) mean += x[j] * theta[j];
  const a = h * lo - mean;
  const b = h * hi - mean;
  const logP = lo === -Infinity ? logLowerTail(b) : hi === Infinity ? logUpperTail(a) : logIntervalProbability(a, b);
  out.value += logP;
  const ra = lo === -Infinity ? 0 : exp(-0.5 * a * a - LOG_SQRT_2PI - logP);
  const rb = hi === Infinity ? 0 : exp(-0.5 * b * b - LOG_SQRT_2PI - logP);
  const laa = ra === 0 ? 0 : a * ra - ra * ra;
  const lbb = rb === 0 ? 0 : -b * rb - rb * rb;
  const lab = ra * rb;
  // ∇a = (−x, lo), ∇b = (−x, hi); an infinite end carries no weight (its r is 0).
  const da = (k: number) => (k < p ? -x[k] : ra === 0 ? 0 : lo);
  const db = (k: number) => (k < p ? -x[k] : rb === 0 ? 0 : hi);
  const n = p + 1;
  for (let k = 0; k < n; k++) {
    const ak = da(k);
    const bk = db(k);
    out.gradient[k] += -ra * ak + rb * bk;
    for (let l = 0; l <= k; l++) {
      const al = da(l);
      const bl = db(l);
      out.hessian[k * n + l] += laa * ak * al + lbb * bk * bl + lab * (ak * bl + bk * al);
    }
  }
}

/** An exact observation t: ℓ = ln h − ½(h·t − x·θ)² − ln √(2π). */
function addExact(x: readonly number[], t: number, theta: Float64Array, h: number, out: Local): void {
  const p = x.length;
  let mean = 0;
  for (let j = 0; j < p; j++) mean += x[j] * theta[j];
  const z = h * t - mean;
  out.value += log(h) - 0.5 * z * z - LOG_SQRT_2PI;
  const n = p + 1;
  const dz = (k: number) => (k < p ? -x[k] : t);
  for (let k = 0; k < n; k++) {
    out.gradient[k] += -z * dz(k) + (k === p ? 1 / h : 0);
    for (let l = 0; l <= k; l++) out.hessian[k * n + l] += -dz(k) * dz(l) - (k === p && l === p ? 1 / (h * h) : 0);
  }
}

function evaluate(rows: readonly (readonly number[])[], data: readonly CensoredValue[], params: Float64Array): Local {
  const n = params.length;
  const h = params[n - 1];
  const theta = params.subarray(0, n - 1);
  const out: Local = { value: 0, gradient: new Float64Array(n), hessian: new Float64Array(n * n) };
  data.forEach((d, i) => {
    if (d.hi - d.lo < POINT_WIDTH / h) addExact(rows[i], (d.lo + d.hi) / 2, theta, h, out);
    else addInterval(rows[i], d.lo, d.hi, theta, h, out);
  });
  for (let k = 0; k < n; k++) for (let l = k + 1; l < n; l++) out.hessian[k * n + l] = out.hessian[l * n + k];
  return out;
}

/** The point and its local model; value −∞ outside h > 0 or where ℓ is not finite (never accepted). */
interface Point {
  params: Float64Array;
  local: Local;
}

function pointAt(rows: readonly (readonly number[])[], data: readonly CensoredValue[], params: Float64Array): Point {
  const local: Local =
    params[params.length - 1] > 0
      ? evaluate(rows, data, params)
      : { value: -Infinity, gradient: new Float64Array(0), hessian: new Float64Array(0) };
  if (!Number.isFinite(local.value)) local.value = -Infinity;
  return { params, local };
}

/**
 * The maximum-likelihood β and σ from a start (e.g. least squares), or null when Newton cannot reach one: no
 * finite maximum (the data do not bound the law, e.g. almost every run censored), a singular curvature, or σ below
 * `sigmaFloor`. The caller then falls back to a simplex.
 */
export function fitLinearCensored(
  rows: readonly (readonly number[])[],
  data: readonly CensoredValue[],
  start: { beta: readonly number[]; sigma: number },
  sigmaFloor: number,
): LinearFit | null {
  const n = start.beta.length + 1;
  let point = pointAt(rows, data, Float64Array.from([...start.beta.map((b) => b / start.sigma), 1 / start.sigma]));
  if (point.local.value === -Infinity) return null;
  const step = new Float64Array(n);
  for (let steps = 1; steps <= MAX_STEPS; steps++) {
    const { params, local: current } = point;
    const negated = { n, a: current.hessian.map((v) => -v) };
    const factor = cholesky(negated);
    if (!factor.ok) return null;
    choleskySolve(factor.L, n, current.gradient, step);
    let decrement = 0;
    for (let k = 0; k < n; k++) decrement += current.gradient[k] * step[k];
    if (!(decrement >= 0)) return null;
    if (decrement / 2 < DECREMENT) return finish(lastStep(rows, data, params, step, current.value), sigmaFloor, steps);
    const next = backtrack(rows, data, params, step, current.value, decrement);
    if (next === null) return decrement / 2 < STALLED ? finish(params, sigmaFloor, steps) : null;
    point = next;
  }
  return null;
}

/** Converged: the last full Newton step still sharpens the parameters (the error squares), unless it loses. */
function lastStep(
  rows: readonly (readonly number[])[],
  data: readonly CensoredValue[],
  params: Float64Array,
  step: Float64Array,
  value: number,
): Float64Array {
  const candidate = pointAt(
    rows,
    data,
    params.map((v, k) => v + step[k]),
  );
  return candidate.local.value >= value ? candidate.params : params;
}

/** The first of steps 1, ½, ¼, … that gains at least a quarter of what the quadratic model predicts (Armijo). */
function backtrack(
  rows: readonly (readonly number[])[],
  data: readonly CensoredValue[],
  params: Float64Array,
  step: Float64Array,
  value: number,
  decrement: number,
): Point | null {
  for (let t = 1; t > 1e-12; t /= 2) {
    const candidate = pointAt(
      rows,
      data,
      params.map((v, k) => v + t * step[k]),
    );
    if (candidate.local.value >= value + 0.25 * t * decrement) return candidate;
  }
  return null;
}

function finish(params: Float64Array, sigmaFloor: number, steps: number): LinearFit | null {
  const h = params[params.length - 1];
  const sigma = 1 / h;
  if (!(sigma >= sigmaFloor) || !Number.isFinite(sigma)) return null;
  return { beta: Array.from(params.subarray(0, params.length - 1), (v) => v / h), sigma, steps };
}
