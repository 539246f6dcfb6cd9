/**
 * Bootstrap over seeds WITHIN each m: every resample keeps the design (the same m values, the same number
 * of runs at each) and redraws which seeds' runs are used at each m. Resampling points across m would
 * change the design; resampling duplicated points would fake precision.
 */
import { Rng } from '../rng';
import { fitCensored, type PreparedObservation } from './fit';
import { predict, type ModelSpec } from './models';
import type { CurvePoint } from './types';

export interface BootstrapSummary {
  intervals: Record<string, [number, number]>;
  curve: CurvePoint[];
}

export function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Same m values, same count at each, runs redrawn with replacement within each m. */
export function resampleWithinM(groups: readonly PreparedObservation[][], rng: Rng): PreparedObservation[] {
  return groups.flatMap((group) => Array.from({ length: group.length }, () => group[rng.int(group.length)]));
}

export function groupByM(data: readonly PreparedObservation[]): PreparedObservation[][] {
  const byM = new Map<number, PreparedObservation[]>();
  for (const d of data) byM.set(d.m, [...(byM.get(d.m) ?? []), d]);
  return [...byM.keys()].sort((a, b) => a - b).map((m) => byM.get(m)!);
}

/** Log-spaced m values over the observed range, for curves and bands. */
export function curveGrid(ms: readonly number[], count = 32): number[] {
  const lo = Math.log(Math.min(...ms));
  const hi = Math.log(Math.max(...ms));
  if (hi === lo) return [Math.exp(lo)];
  return Array.from({ length: count }, (_, i) => Math.exp(lo + ((hi - lo) * i) / (count - 1)));
}

/**
 * 95 % percentile intervals of every parameter and of the curve, over seed-within-m resamples; a parameter
 * with no successful refit (e.g. resamples = 0) gets no interval and the band collapses onto the curve.
 */
export function bootstrapModel(
  spec: ModelSpec,
  data: readonly PreparedObservation[],
  params: Record<string, number>,
  resamples: number,
  rng: Rng,
): BootstrapSummary {
  const groups = groupByM(data);
  const grid = curveGrid(groups.map((g) => g[0].m));
  const samples: Record<string, number[]> = {};
  const curves: number[][] = grid.map(() => []);
  for (let b = 0; b < resamples; b++) {
    const fit = fitCensored(spec, resampleWithinM(groups, rng));
    if (!fit || !Object.values(fit.params).every(Number.isFinite)) continue;
    for (const [name, v] of Object.entries(fit.params)) (samples[name] ??= []).push(v);
    grid.forEach((m, i) => curves[i].push(predict(spec, fit.params, m)));
  }
  const interval = (values: number[]): [number, number] => {
    values.sort((a, b) => a - b);
    return [quantile(values, 0.025), quantile(values, 0.975)];
  };
  const intervals: Record<string, [number, number]> = {};
  for (const name of Object.keys(params)) {
    const values = samples[name];
    if (values && values.length > 0) intervals[name] = interval(values);
  }
  const curve = grid.map((m, i) => {
    const t = predict(spec, params, m);
    const [lo, hi] = curves[i].length > 0 ? interval(curves[i]) : [t, t];
    return { m, t, lo, hi };
  });
  return { intervals, curve };
}
