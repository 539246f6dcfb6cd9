/**
 * The regimes the theory distinguishes (THEORY.md §4), as labels for `fc.statistics` and for reports:
 * N < m (B4 void: the hull of the features is flat) or N > m; small or large λ0 = λ_min(H∞) (B1's rate
 * ηλ0/2 and T*(m) scale with it); the parameterisation; the label kind.
 */
import { kernelSpectrum } from '../kernel/gram';
import { buildDataset, type DatasetSpec } from './arbitraries/dataset-spec';
import type { PruningCase } from './arbitraries/pruning-case';

/** λ0 below this counts as "small": the data are then close to degenerate for [Du19] (near-parallel inputs). */
export const SMALL_LAMBDA0 = 0.05;

/** λ0 = λ_min(H∞) of a spec's dataset; null when H∞ is numerically singular (H3 fails). */
export function lambda0Of(spec: DatasetSpec): number | null {
  try {
    return kernelSpectrum(buildDataset(spec), { certify: false }).lambda0;
  } catch {
    return null;
  }
}

export function widthRegime(m: number, N: number): 'N<m' | 'N=m' | 'N>m' {
  return N < m ? 'N<m' : N > m ? 'N>m' : 'N=m';
}

export function lambda0Regime(lambda0: number | null): 'λ0 small' | 'λ0 large' | 'λ0 = 0' {
  if (lambda0 === null || !(lambda0 > 0)) return 'λ0 = 0';
  return lambda0 < SMALL_LAMBDA0 ? 'λ0 small' : 'λ0 large';
}

/**
 * The regime labels of a case (λ0 small or large, width against m), for `fc.statistics` and coverage tables.
 *
 * @param c - the case.
 * @param lambda0 - λ0 of its dataset (THEORY.md §3.1), computed when not given.
 * @returns the labels.
 */
export function caseRegimes(c: PruningCase, lambda0: number | null = lambda0Of(c.dataset)): string[] {
  return [widthRegime(c.dataset.m, c.width), lambda0Regime(lambda0), c.parameterisation, `labels=${c.dataset.labels}`];
}
