/**
 * `pruneproof fit --data measurements.json`: the scaling analysis of src/scaling applied to anyone's
 * critical times (e.g. from their own PyTorch runs). Input:
 *   {"quantity": "...", "points": [{"m", "seed", "t": number | null, "lo"?, "hi"?, "censoredAt"?}]}
 * t alone: exact; lo and hi (t null or inside them): known within [lo, hi]; t null with censoredAt: the run
 * never reached the target before censoredAt. A time of 0, or lo = 0, is left-censored: reached at or before the
 * first checkpoint (t ≤ hi), the way a run that holds from its start reports it. Every field is checked before
 * anything is computed. The output's headline is `logBound`, the one-sided verdict on t(m) = O(log m).
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomically } from '../files/atomic';
import { renderScalingPlot } from '../report/scaling/plot';
import { scalingSectionMarkdown } from '../report/scaling/section';
import { analyseScaling } from '../scaling';
import type { ScalingAnalysis, TimeObservation } from '../scaling';
import { InputError } from './errors';

export interface FitFlags {
  data: string;
  plot?: string;
  seed?: number;
  json?: boolean;
  /** Calibration simulations per law (and per exponent of the bound's power) and bootstrap resamples per model (defaults 200 each). */
  simulations?: number;
  resamples?: number;
}

export interface Measurements {
  quantity: string;
  observations: TimeObservation[];
}

const TOP_FIELDS = new Set(['quantity', 'points']);
const POINT_FIELDS = new Set(['m', 'seed', 't', 'lo', 'hi', 'censoredAt']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function finiteNumber(v: unknown, where: string, check: (x: number) => boolean, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !check(v)) {
    throw new InputError(`${where}: expected ${what}, got ${JSON.stringify(v) ?? 'undefined'}`);
  }
  return v;
}

const nonNegative = (v: unknown, where: string) => finiteNumber(v, where, (x) => x >= 0, 'a finite number ≥ 0');

function unknownFields(value: Record<string, unknown>, allowed: Set<string>, where: string): void {
  const extra = Object.keys(value).find((k) => !allowed.has(k));
  if (extra !== undefined)
    throw new InputError(`${where}.${extra}: unknown field (allowed: ${[...allowed].join(', ')})`);
}

function parsePoint(p: unknown, where: string): TimeObservation {
  if (!isRecord(p)) throw new InputError(`${where}: expected an object`);
  unknownFields(p, POINT_FIELDS, where);
  const m = finiteNumber(p.m, `${where}.m`, (x) => x > 0, 'a number > 0');
  const seed = finiteNumber(p.seed, `${where}.seed`, Number.isInteger, 'an integer');
  if (!('t' in p)) throw new InputError(`${where}.t: missing (a number, or null with lo/hi or censoredAt)`);
  const t = p.t === null ? null : nonNegative(p.t, `${where}.t`);
  const hasInterval = 'lo' in p || 'hi' in p;
  if (hasInterval) {
    if (!('lo' in p)) throw new InputError(`${where}.lo: missing (hi is given)`);
    if (!('hi' in p)) throw new InputError(`${where}.hi: missing (lo is given)`);
    if ('censoredAt' in p) throw new InputError(`${where}.censoredAt: a run known within [lo, hi] is not censored`);
    const lo = nonNegative(p.lo, `${where}.lo`);
    const hi = nonNegative(p.hi, `${where}.hi`);
    if (lo > hi) throw new InputError(`${where}.lo: lo = ${lo} is greater than hi = ${hi}`);
    if (t !== null && (t < lo || t > hi))
      throw new InputError(`${where}.t: t = ${t} lies outside [lo, hi] = [${lo}, ${hi}]`);
    return { m, seed, lo, hi };
  }
  if (t !== null) {
    if ('censoredAt' in p) throw new InputError(`${where}.censoredAt: only for runs with t null (never reached)`);
    return { m, seed, lo: t, hi: t };
  }
  if (!('censoredAt' in p))
    throw new InputError(`${where}.censoredAt: missing (t is null: give censoredAt, or lo and hi)`);
  return { m, seed, lo: null, hi: null, censoredAt: nonNegative(p.censoredAt, `${where}.censoredAt`) };
}

/** Parses and checks a measurements document; InputError names the first bad field. */
export function parseMeasurements(value: unknown, source: string): Measurements {
  if (!isRecord(value)) throw new InputError(`${source}: expected an object {"quantity", "points"}`);
  unknownFields(value, TOP_FIELDS, source);
  if (typeof value.quantity !== 'string' || value.quantity.trim() === '') {
    throw new InputError(`${source}: quantity: expected a non-empty string`);
  }
  if (!Array.isArray(value.points)) throw new InputError(`${source}: points: expected an array`);
  const observations = value.points.map((p, i) => parsePoint(p, `points[${i}]`));
  if (observations.length < 2) throw new InputError(`points: need at least 2 points, got ${observations.length}`);
  const seen = new Map<string, number>();
  observations.forEach((o, i) => {
    const key = `${o.m}/${o.seed}`;
    const first = seen.get(key);
    if (first !== undefined)
      throw new InputError(`points[${i}]: same (m = ${o.m}, seed = ${o.seed}) as points[${first}]`);
    seen.set(key, i);
  });
  return { quantity: value.quantity, observations };
}

function readMeasurements(path: string): Measurements {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`--data ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new InputError(`--data ${path}: not valid JSON (${(e as Error).message})`);
  }
  return parseMeasurements(parsed, path);
}

/** Runs the analysis; prints markdown (or JSON with --json); writes the SVG with --plot. */
export async function fitCommand(flags: FitFlags): Promise<ScalingAnalysis> {
  const { quantity, observations } = readMeasurements(flags.data);
  const analysis = analyseScaling(quantity, observations, {
    seed: flags.seed ?? 0,
    simulations: flags.simulations,
    resamples: flags.resamples,
  });
  if (flags.plot) await writeFileAtomically(flags.plot, await renderScalingPlot(analysis));
  process.stdout.write(flags.json ? `${JSON.stringify(analysis, null, 2)}\n` : scalingSectionMarkdown(analysis));
  return analysis;
}
