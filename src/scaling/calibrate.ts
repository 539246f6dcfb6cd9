/**
 * Calibration: what the decision procedure says on this design when the truth is known. Laws of each class
 * are drawn through the same two anchor points as the data (the best fit at the smallest and largest m),
 * simulated with the design's seeds, noise, interval resolution and censoring, and decided by the same
 * procedure. A verdict may be stated only when the design labels its own law correctly often enough
 * (power ≥ MIN_POWER) and labels every other law that way rarely enough (false rate ≤ MAX_FALSE_RATE).
 */
import { Rng } from '../rng';
import { claimTasks, tallyInParallel, type ParallelOptions, type SimulationBatch } from './calibration-pool';
import { assess } from './decide';
import { modelSpec, predict } from './models';
import type { Calibration, Design, LawClass, ScalingVerdict, SimulatedLaw, TimeObservation } from './types';
// Module-level aliases: a hot loop reads them from the module scope, not the global object (whose
// lookups are far slower inside vm contexts such as jest's).
const { abs, floor, log, max, min, round } = Math;

/** Fixed before any result was seen; never tuned. */
export const MIN_POWER = 0.8;
export const MAX_FALSE_RATE = 0.1;
export const POWER_ALPHAS = [0.25, 0.5, 1] as const;
/** Exponent of the simulated saturating law: 90 % of its rise done over two decades. */
export const SATURATING_BETA = 0.5;

export const VERDICT_LABELS: ScalingVerdict[] = [
  'consistent with logarithmic scaling',
  'better explained by a power law',
  'better explained by a saturating law',
  'inconclusive',
];

const VERDICT_LAW: Record<ScalingVerdict, LawClass | null> = {
  'consistent with logarithmic scaling': 'log',
  'better explained by a power law': 'power',
  'better explained by a saturating law': 'saturating',
  inconclusive: null,
};

/** Laws of every class through (m0, t0) and (m1, t1). */
export function anchoredLaws(m0: number, t0: number, m1: number, t1: number): SimulatedLaw[] {
  const rise = t1 - t0;
  const b = rise / log(m1 / m0);
  const laws: SimulatedLaw[] = [{ id: 'log', law: 'log', model: 'log', params: { a: t0 - b * log(m0), b } }];
  for (const alpha of POWER_ALPHAS) {
    const c = rise / (m1 ** alpha - m0 ** alpha);
    laws.push({
      id: `power α=${alpha}`,
      law: 'power',
      model: 'offset-power',
      params: { a: t0 - c * m0 ** alpha, c, alpha },
    });
  }
  const beta = SATURATING_BETA;
  const c = rise / (m0 ** -beta - m1 ** -beta);
  laws.push({
    id: `saturating β=${beta}`,
    law: 'saturating',
    model: 'saturating',
    params: { a: t0 + c * m0 ** -beta, c, beta },
  });
  return laws;
}

/** The interval a run with time t > design.floor reports under the design's resolution (exact when 0). */
function measure(t: number, design: Design): { lo: number; hi: number } {
  const { absolute, relative } = design.resolution;
  if (relative > 0 && relative < 2 && relative * t >= absolute) {
    const ratio = (1 + relative / 2) / (1 - relative / 2);
    const lo = ratio ** floor(log(t) / log(ratio));
    return { lo, hi: lo * ratio };
  }
  if (absolute > 0) {
    const lo = floor(t / absolute) * absolute;
    return { lo, hi: lo + absolute };
  }
  return { lo: t, hi: t };
}

/**
 * One simulated data set of the design under a law. The law is never clipped: a time beyond T is right-censored,
 * one at or below the first checkpoint (negative ones included) is reported as [0, floor], left-censored, just
 * as a run that holds from its first checkpoint on is.
 */
export function simulate(law: SimulatedLaw, design: Design, rng: Rng): TimeObservation[] {
  const spec = modelSpec(law.model);
  const out: TimeObservation[] = [];
  for (const { m, seeds } of design.grid) {
    const mean = predict(spec, law.params, m);
    for (let seed = 0; seed < seeds; seed++) {
      const t = mean + design.sigma * rng.normal();
      if (design.censorAt !== null && t > design.censorAt) {
        out.push({ m, seed, lo: null, hi: null, censoredAt: design.censorAt });
      } else if (t <= design.floor) {
        out.push({ m, seed, lo: 0, hi: design.floor });
      } else {
        out.push({ m, seed, ...measure(t, design) });
      }
    }
  }
  return out;
}

export interface LawStream {
  rng: Rng;
  /** Data sets drawn from it so far. */
  drawn: number;
}

/** Data set s of a law's stream; the ones before it that this thread skipped are drawn and dropped. */
export function dataSetAt(law: SimulatedLaw, design: Design, stream: LawStream, s: number): TimeObservation[] {
  if (s < stream.drawn) throw new Error(`dataSetAt: data set ${s} of ${law.id} requested after ${stream.drawn}`);
  for (; stream.drawn < s; stream.drawn++) simulate(law, design, stream.rng);
  stream.drawn++;
  return simulate(law, design, stream.rng);
}

/** One stream per law of the batch, keyed by its purpose, the law and the design's grid. */
export function lawStreams(batch: Omit<SimulationBatch, 'next'>, purpose: string): LawStream[] {
  const designKey = batch.design.grid.map((g) => `${g.m}x${g.seeds}`).join(',');
  return batch.laws.map((law) => ({ rng: new Rng(batch.seed).fork(`${purpose} ${law.id} ${designKey}`), drawn: 0 }));
}

/**
 * counts[i][j]: of the simulations this thread claims from batch.next (simulation s of laws[i] is task
 * i·simulations + s), those of laws[i] that the procedure labels VERDICT_LABELS[j]. Each law's data sets come
 * from its own stream, replayed by every thread that claims any of them, so no count depends on the thread.
 */
export function tallyVerdicts(batch: SimulationBatch): number[][] {
  const { laws, design, simulations } = batch;
  const streams = lawStreams(batch, 'calibration');
  const counts = laws.map(() => VERDICT_LABELS.map(() => 0));
  claimTasks(batch.next, laws.length * simulations, (task) => {
    const i = floor(task / simulations);
    const data = dataSetAt(laws[i], design, streams[i], task % simulations);
    counts[i][VERDICT_LABELS.indexOf(assess(data).decision.verdict)]++;
  });
  return counts;
}

/**
 * rates[i][j]: share of simulations of laws[i] that the procedure labels VERDICT_LABELS[j]. The simulations
 * are spread over worker threads (calibration-pool.ts); the counts, hence the rates, are the same bits.
 */
export function confusion(
  laws: readonly SimulatedLaw[],
  design: Design,
  simulations: number,
  seed: number,
  parallel: ParallelOptions = {},
): number[][] {
  const batch = { task: 'verdicts' as const, laws: [...laws], design, simulations, seed };
  const counts = tallyInParallel(batch, tallyVerdicts, parallel);
  return counts.map((row) => row.map((c) => c / simulations));
}

interface TargetRates {
  /** The law whose detection rate is the power. */
  ownLaw: string | null;
  power: number;
  falseRate: number;
  worstLaw: string | null;
}

/**
 * Power: the share of the target's own law labelled as it (for a power law, the simulated α nearest the
 * fitted one). False rate: the largest share of a law of another class labelled as the target.
 */
export function targetRates(
  laws: readonly SimulatedLaw[],
  rates: readonly number[][],
  target: ScalingVerdict,
  fittedAlpha: number | null,
): TargetRates {
  const law = VERDICT_LAW[target];
  const column = VERDICT_LABELS.indexOf(target);
  const own = laws
    .map((l, i) => ({ l, i }))
    .filter(({ l }) => l.law === law)
    .sort((x, y) => alphaDistance(x.l, fittedAlpha) - alphaDistance(y.l, fittedAlpha));
  const power = own.length > 0 ? rates[own[0].i][column] : 0;
  let falseRate = 0;
  let worstLaw: string | null = null;
  laws.forEach((l, i) => {
    if (l.law !== law && rates[i][column] > falseRate) [falseRate, worstLaw] = [rates[i][column], l.id];
  });
  return { ownLaw: own.length > 0 ? own[0].l.id : null, power, falseRate, worstLaw };
}

function alphaDistance(law: SimulatedLaw, fittedAlpha: number | null): number {
  return fittedAlpha === null || law.params.alpha === undefined ? 0 : abs(law.params.alpha - fittedAlpha);
}

export function adequate(r: TargetRates): boolean {
  return r.power >= MIN_POWER && r.falseRate <= MAX_FALSE_RATE;
}

/** Candidate designs: more seeds at every m, or the m grid extended at its own log spacing. */
function moreSeeds(design: Design, seeds: number): Design {
  return { ...design, grid: design.grid.map((g) => ({ m: g.m, seeds: max(g.seeds, seeds) })) };
}

function extendedGrid(design: Design, extraPoints: number): Design {
  const ms = design.grid.map((g) => g.m);
  const ratio = ms.length > 1 ? (ms[ms.length - 1] / ms[0]) ** (1 / (ms.length - 1)) : 10;
  const seeds = max(...design.grid.map((g) => g.seeds));
  const extra = Array.from({ length: extraPoints }, (_, i) => ({
    m: round(ms[ms.length - 1] * ratio ** (i + 1)),
    seeds,
  }));
  return { ...design, grid: [...design.grid, ...extra] };
}

/** Runs T times longer (only when the design censors). */
function longerRun(design: Design, factor: number): Design {
  return { ...design, censorAt: design.censorAt === null ? null : design.censorAt * factor };
}

const SEED_CANDIDATES = [3, 5, 8, 12, 20, 30];
const MAX_EXTRA_GRID_POINTS = 6;
const T_FACTORS = [2, 4, 8, 16];

/** Smallest candidate that passes, by bisection over candidates ordered so that larger ones pass more easily. */
function firstPassing<T>(candidates: readonly T[], passes: (c: T) => boolean): T | null {
  if (candidates.length === 0 || !passes(candidates[candidates.length - 1])) return null;
  let lo = -1; // candidates[lo] fails (or none checked)
  let hi = candidates.length - 1; // candidates[hi] passes
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (passes(candidates[mid])) hi = mid;
    else lo = mid;
  }
  return candidates[hi];
}

/**
 * Smallest seeds per m, and smallest extended largest m, whose simulations make the target adequate. The
 * caller passes only the laws that decide it (the target's own and the one most often mistaken for it), and
 * candidates are bisected: a small search whose answer is "about".
 */
export function searchAdvice(
  laws: readonly SimulatedLaw[],
  design: Design,
  target: ScalingVerdict,
  fittedAlpha: number | null,
  simulations: number,
  seed: number,
  parallel: ParallelOptions = {},
): AdviceFound {
  const passes = (candidate: Design): boolean => {
    const rates = confusion(laws, candidate, simulations, seed, parallel);
    return adequate(targetRates(laws, rates, target, fittedAlpha));
  };
  const current = max(...design.grid.map((g) => g.seeds));
  const seedOptions = SEED_CANDIDATES.filter((k) => k > current);
  const seedsPerM = firstPassing(seedOptions, (k) => passes(moreSeeds(design, k)));
  const extensions = Array.from({ length: MAX_EXTRA_GRID_POINTS }, (_, i) => extendedGrid(design, i + 1));
  const extended = firstPassing(extensions, passes);
  const factor = design.censorAt === null ? null : firstPassing(T_FACTORS, (f) => passes(longerRun(design, f)));
  return {
    seedsPerM,
    maxM: extended ? extended.grid[extended.grid.length - 1].m : null,
    longerT: factor === null ? null : design.censorAt! * factor,
  };
}

/** What the advice search found: each remedy alone that would suffice (null: none of its candidates). */
export interface AdviceFound {
  seedsPerM: number | null;
  maxM: number | null;
  longerT: number | null;
}

function adviceText(target: ScalingVerdict, rates: TargetRates, found: AdviceFound, design: Design): string {
  const law = VERDICT_LAW[target] ?? 'log';
  const what =
    rates.worstLaw && rates.falseRate > MAX_FALSE_RATE
      ? `this design cannot separate ${law} from ${rates.worstLaw}`
      : `this design detects a true ${law} law in only ${percent(rates.power)} of simulations`;
  return `${what}; ${remedyText(found, design)}`;
}

/** Which remedy would do, in words: more seeds, a larger m, or (when only that works) a longer run. */
export function remedyText(found: AdviceFound, design: Design): string {
  const largest = design.grid[design.grid.length - 1].m;
  const ratio = design.grid.length > 1 ? (largest / design.grid[0].m) ** (1 / (design.grid.length - 1)) : 10;
  const cap = round(largest * ratio ** MAX_EXTRA_GRID_POINTS);
  const noSeeds = `${SEED_CANDIDATES[SEED_CANDIDATES.length - 1]} seeds per m`;
  const options = [
    found.seedsPerM !== null ? `about ${found.seedsPerM} seeds per m` : null,
    found.maxM !== null ? `m up to ${found.maxM}` : null,
    found.longerT !== null ? `runs to T = ${found.longerT}` : null,
  ].filter((s): s is string => s !== null);
  if (found.seedsPerM === null && found.maxM === null && found.longerT !== null) {
    return `only a longer run would: T = ${found.longerT} (neither ${noSeeds} nor m up to ${cap} would; simulated)`;
  }
  if (options.length > 0) return `${options.join(' or ')} would (simulated)`;
  const longest = design.censorAt === null ? '' : `, nor T up to ${design.censorAt * T_FACTORS[T_FACTORS.length - 1]}`;
  return `neither ${noSeeds} nor m up to ${cap}${longest} would (simulated)`;
}

export function percent(rate: number): string {
  return `${round(rate * 100)} %`;
}

/** The advice is "about": a quarter of the simulations (at least 50, at most all) per candidate design. */
function adviceSimulations(simulations: number): number {
  return min(simulations, max(50, round(simulations / 4)));
}

export interface CalibrationInput {
  design: Design;
  anchors: { m0: number; t0: number; m1: number; t1: number };
  /** The verdict to calibrate (the decision's, or the log verdict when the decision is inconclusive). */
  target: ScalingVerdict;
  fittedAlpha: number | null;
  simulations: number;
  seed: number;
  /** Search for a design that would suffice when this one does not (default true). */
  advise?: boolean;
  /** Threads for the simulations, the calling one included (default: see analysisThreads). */
  threads?: number;
}

export function calibrate(input: CalibrationInput): Calibration {
  const { design, anchors, target, fittedAlpha, simulations, seed } = input;
  const laws = anchoredLaws(anchors.m0, anchors.t0, anchors.m1, anchors.t1);
  const parallel = { threads: input.threads };
  const rates = confusion(laws, design, simulations, seed, parallel);
  const r = targetRates(laws, rates, target, fittedAlpha);
  const ok = adequate(r);
  let advice: Calibration['advice'] = null;
  if (!ok && input.advise !== false) {
    const deciding = laws.filter((l) => l.id === r.ownLaw || l.id === r.worstLaw);
    const found = searchAdvice(deciding, design, target, fittedAlpha, adviceSimulations(simulations), seed, parallel);
    advice = { ...found, text: adviceText(target, r, found, design) };
  }
  return {
    design,
    simulationsPerLaw: simulations,
    laws,
    labels: VERDICT_LABELS,
    rates,
    target,
    power: r.power,
    falseRate: r.falseRate,
    worstLaw: r.worstLaw,
    adequate: ok,
    advice,
  };
}
