/**
 * The paper's question, asked one-sidedly: does t(m) grow faster than A + B·ln m? H0: no faster (log, or slower,
 * e.g. saturating); H1: faster. Statistic: the signed root of the censored likelihood ratio of the log law
 * against t = a + b·ln m + γ·(ln m)², z = sign(γ̂)·√(2(ℓ_quad − ℓ_log)), large when the data curve upwards in ln m
 * (every m^α with α > 0 does; a saturating law curves downwards). Its null distribution is simulated at the
 * least favourable null law, the fitted log law itself (slower laws reject less often), on the data's own design:
 * m grid, seeds, interval widths, both censorings, and σ of the censored fit. The same simulations give the
 * design's power against m^α through the fitted law's end points, hence the smallest α it detects.
 */
import { formatNumber } from '../../theory';
import { dataSetAt, lawStreams } from './calibrate';
import {
  claimTasks,
  tallyInParallel,
  type ParallelOptions,
  type SimulationBatch,
  type Tally,
} from './calibration-pool';
import { fitCensored, informativeMs, prepare, type PreparedObservation } from './fit';
import { logQuadraticSpec, modelSpec, predict } from './models';
import type { Design, LogBound, SimulatedLaw, TimeObservation } from './types';

/** Fixed before any result was seen; never tuned. */
export const LOG_BOUND_LEVEL = 0.05;
export const DETECTION_POWER = 0.8;
/** A design that cannot catch m^1 cannot tell the bound from linear growth: no verdict. */
export const MAX_DETECTABLE_EXPONENT = 1;
/** The exponents α whose detection is simulated: 0.1, 0.2, …, 1.5. */
export const EXPONENT_GRID: readonly number[] = Array.from({ length: 15 }, (_, i) => (i + 1) / 10);
/** Fewest distinct m with a measured time the test runs on (a curvature needs three). */
export const MIN_TESTED_M = 3;

const LOG = modelSpec('log');

/** z = sign(γ̂)·√(2(ℓ_quad − ℓ_log)) of censored fits; −∞ when either cannot be fitted (never a rejection). */
export function curvatureStatistic(data: readonly PreparedObservation[]): { z: number; gamma: number | null } {
  const log = fitCensored(LOG, data);
  if (!log) return { z: -Infinity, gamma: null };
  const lnMs = data.map((d) => d.lnM);
  const center = (Math.min(...lnMs) + Math.max(...lnMs)) / 2;
  const [a, b] = log.vector;
  const quad = fitCensored(logQuadraticSpec(center), data, { vector: [a + b * center, b, 0], sigma: log.sigma });
  if (!quad) return { z: -Infinity, gamma: null };
  const gamma = quad.params.gamma;
  const z = Math.sign(gamma) * Math.sqrt(Math.max(0, 2 * (quad.logLikelihood - log.logLikelihood)));
  return { z: Number.isFinite(z) ? z : -Infinity, gamma };
}

/** Per law, the statistic of each simulation this thread claims, then the count it claimed (see Tally). */
export function tallyStatistics(batch: SimulationBatch): Tally {
  const { laws, design, simulations } = batch;
  const streams = lawStreams(batch, 'log bound');
  const rows = laws.map(() => new Array<number>(simulations + 1).fill(0));
  claimTasks(batch.next, laws.length * simulations, (task) => {
    const i = Math.floor(task / simulations);
    const s = task % simulations;
    rows[i][s] = curvatureStatistic(prepare(dataSetAt(laws[i], design, streams[i], s))).z;
    rows[i][simulations]++;
  });
  return rows;
}

/** The statistic of each simulation of each law (rows in law order), on every thread. */
export function simulatedStatistics(
  laws: readonly SimulatedLaw[],
  design: Design,
  simulations: number,
  seed: number,
  parallel: ParallelOptions = {},
): number[][] {
  const batch = { task: 'statistics' as const, laws: [...laws], design, simulations, seed };
  return tallyInParallel(batch, tallyStatistics, parallel).map((row) => row.slice(0, simulations));
}

/** Monte-Carlo p-value: (1 + #{null ≥ z}) / (1 + N), from the null statistics sorted ascending. */
export function pValueOf(z: number, sortedNull: readonly number[]): number {
  let lo = 0;
  let hi = sortedNull.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sortedNull[mid] < z) lo = mid + 1;
    else hi = mid;
  }
  return (1 + sortedNull.length - lo) / (1 + sortedNull.length);
}

/** t = a + c·m^α through (m0, t0) and (m1, t1). */
export function powerLawThrough(m0: number, t0: number, m1: number, t1: number, alpha: number): SimulatedLaw {
  const c = (t1 - t0) / (m1 ** alpha - m0 ** alpha);
  return { id: `m^${alpha}`, law: 'power', model: 'offset-power', params: { a: t0 - c * m0 ** alpha, c, alpha } };
}

/** Smallest index whose candidate passes, by bisection (passing assumed monotone); null when the last fails. */
function firstPassingIndex(count: number, passes: (i: number) => boolean): number | null {
  if (count === 0 || !passes(count - 1)) return null;
  let lo = -1;
  let hi = count - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (passes(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

export interface LogBoundInput {
  quantity: string;
  observations: readonly TimeObservation[];
  /** The design but its noise (σ comes from the censored log fit). */
  design: Omit<Design, 'sigma' | 'sigmaSource'>;
  /** Simulations per alternative exponent; the null gets twice as many (its tail sets p) unless told. */
  simulations: number;
  nullSimulations?: number;
  /** Rejection level (default LOG_BOUND_LEVEL; lower when many cases are tested, e.g. a claim's). */
  level?: number;
  seed: number;
  /** What a time of 0 at every m means for this quantity, in plain words (e.g. for t_in). */
  atZero?: string;
  threads?: number;
}

/** What is wrong with data that cannot be tested, in plain words; null when they can. */
export function untestable(
  quantity: string,
  data: readonly PreparedObservation[],
  design: LogBoundInput['design'],
  atZero?: string,
): string | null {
  const n = data.length;
  const right = data.filter((d) => d.kind === 'censored').length;
  const left = data.filter((d) => d.kind === 'left').length;
  const T = design.censorAt === null ? 'the end of the run' : `T = ${formatNumber(design.censorAt)}`;
  if (left === n && data.every((d) => d.hi === 0)) {
    return `${quantity} = 0 at every m: ${atZero ?? 'it holds before any step'}; there is no growth to test`;
  }
  if (left === n) return `${quantity} is reached at or before the first checkpoint at every m; no growth to test`;
  if (right === n) return `${quantity} is not reached by ${T} at any m; no growth to test`;
  const measured = informativeMs(data);
  if (measured < MIN_TESTED_M) {
    return `only ${measured} distinct m with a measured ${quantity} (the test needs ≥ ${MIN_TESTED_M})`;
  }
  if (2 * (right + left) > n) {
    const parts = [
      right > 0 ? `${right} not reached by ${T}` : null,
      left > 0 ? `${left} reached at or before the first checkpoint` : null,
    ].filter(Boolean);
    return `most runs are censored (${parts.join(', ')}, of ${n}): the test cannot rest on them`;
  }
  return null;
}

function undetermined(reason: string, pValue: number | null = null, detectable: number | null = null): LogBound {
  return { verdict: 'undetermined', pValue, detectableExponent: detectable, reason };
}

const fmtP = (p: number) => (p < 0.001 ? p.toExponential(1) : formatNumber(Number(p.toPrecision(2))));

/** The observed statistic against its null simulated at the fitted log law on the design. */
export interface NullTest {
  p: number;
  gamma: number | null;
  /** The design with σ of the censored log fit. */
  design: Design;
  logParams: Record<string, number>;
  /** The null's statistics, ascending. */
  sortedNull: number[];
}

/** The p-value of the data (null when the log law cannot be fitted). */
export function nullTest(
  data: readonly PreparedObservation[],
  base: LogBoundInput['design'],
  nullSimulations: number,
  seed: number,
  parallel: ParallelOptions = {},
): NullTest | null {
  const log = fitCensored(LOG, data);
  if (!log) return null;
  const design: Design = { ...base, sigma: log.sigma, sigmaSource: 'censored fit of t = a + b·ln m' };
  const observed = curvatureStatistic(data);
  const nullLaw: SimulatedLaw = { id: 'log (fitted)', law: 'log', model: 'log', params: log.params };
  const sortedNull = simulatedStatistics([nullLaw], design, nullSimulations, seed, parallel)[0].sort((a, b) => a - b);
  return { p: pValueOf(observed.z, sortedNull), gamma: observed.gamma, design, logParams: log.params, sortedNull };
}

/** The exponent whose power every "consistent" or "faster" verdict also states (a fixed yardstick). */
export const REFERENCE_EXPONENT = 0.5;

/** The one-sided verdict on t(m) = O(log m) for one quantity. */
export function testLogBound(input: LogBoundInput): LogBound {
  const { quantity, observations, simulations, seed } = input;
  const data = prepare(observations);
  const why = untestable(quantity, data, input.design, input.atZero);
  if (why !== null) return undetermined(why);
  const parallel = { threads: input.threads };
  const nullSimulations = input.nullSimulations ?? 2 * simulations;
  const level = input.level ?? LOG_BOUND_LEVEL;
  const t = nullTest(data, input.design, nullSimulations, seed, parallel);
  if (!t) return undetermined(`the log law t = a + b·ln m cannot be fitted to ${quantity}`);
  const p = t.p;
  const powerAt = powerCurve(t, simulations, seed, parallel, level);
  const detectable = detectableExponent(powerAt);
  const gamma = t.gamma === null ? '' : `γ̂ = ${formatNumber(t.gamma)}, `;
  const yardstick = `power against m^${REFERENCE_EXPONENT}: ${percent(powerAt(REFERENCE_EXPONENT))}`;
  const test =
    `one-sided test of the curvature in ln m (${gamma}censored fits; p = ${fmtP(p)} from ` +
    `${nullSimulations} simulations of the fitted log law on this design; ${yardstick})`;
  const power = `≥ ${percent(DETECTION_POWER)} power, ${simulations} simulations per exponent`;
  const largest = EXPONENT_GRID[EXPONENT_GRID.length - 1];
  const caught =
    detectable === null
      ? `no m^α with α ≤ ${largest} is detected (${power}) on this design`
      : `would have caught m^${detectable} (${power})`;
  if (p <= level) {
    const reach =
      detectable === null
        ? `no m^α with α ≤ ${largest} is detected (${power})`
        : `it catches m^${detectable} (${power})`;
    return {
      verdict: 'grows faster than log m',
      pValue: p,
      detectableExponent: detectable,
      reason: `rejected at ${percentLevel(level)}: ${test}; on this design ${reach}`,
    };
  }
  if (detectable === null || detectable > MAX_DETECTABLE_EXPONENT) {
    const weak = `too weak to tell the bound from growth like m^${MAX_DETECTABLE_EXPONENT}`;
    return undetermined(`not rejected (${test}), but ${caught}: ${weak}`, p, detectable);
  }
  return {
    verdict: 'consistent with O(log m)',
    pValue: p,
    detectableExponent: detectable,
    reason: `not rejected at ${percentLevel(level)}: ${test}; ${caught}`,
  };
}

function percentLevel(level: number): string {
  return `${formatNumber(Number((level * 100).toPrecision(3)))} %`;
}

function percent(rate: number): string {
  return `${Math.round(rate * 100)} %`;
}

/**
 * Power of the test against m^α through the fitted log law's values at the smallest and largest m (a fitted law
 * that does not rise is replaced, for this purpose only, by one rising 2σ over the grid), each α simulated once.
 */
export function powerCurve(
  t: NullTest,
  simulations: number,
  seed: number,
  parallel: ParallelOptions = {},
  level = LOG_BOUND_LEVEL,
): (alpha: number) => number {
  const { design, logParams, sortedNull } = t;
  const m0 = design.grid[0].m;
  const m1 = design.grid[design.grid.length - 1].m;
  const t0 = predict(LOG, logParams, m0);
  const rise = Math.max(predict(LOG, logParams, m1) - t0, 0) || 2 * design.sigma;
  const known = new Map<number, number>();
  return (alpha) => {
    if (!known.has(alpha)) {
      const law = powerLawThrough(m0, t0, m1, t0 + rise, alpha);
      const stats = simulatedStatistics([law], design, simulations, seed, parallel)[0];
      known.set(alpha, stats.filter((z) => pValueOf(z, sortedNull) <= level).length / simulations);
    }
    return known.get(alpha)!;
  };
}

/** Smallest α of EXPONENT_GRID detected with ≥ DETECTION_POWER (bisection: power grows with α); null if none. */
export function detectableExponent(powerAt: (alpha: number) => number): number | null {
  const index = firstPassingIndex(EXPONENT_GRID.length, (i) => powerAt(EXPONENT_GRID[i]) >= DETECTION_POWER);
  return index === null ? null : EXPONENT_GRID[index];
}
