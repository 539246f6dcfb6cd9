/**
 * Shared pieces of the property evaluations: hypotheses H1–H5 of a pre-trained case, the float32 slack of
 * bound comparisons, outcome constructors and number formatting.
 */
import { checkHypotheses, formatNumber } from '../../theory';
import type { Dataset } from '../data/types';
import type { PretrainedCase } from '../testing/pretrain';
import { caseRegimes } from '../testing/regimes';
import type { CaseOutcome, CaseStatus, HypothesisStatus } from '../testing/property';

// Bound once: under jest every global lookup costs ~1 µs (see src/data/synthetic.ts).
const { abs, sqrt, max } = Math;

export const fmt = formatNumber;

/**
 * Relative slack of "measured ≤ bound" comparisons, as in src/experiment/checks.ts: losses and bounds are
 * float64 sums of float32 products (features and their Gram), whose relative rounding is far below 1e-4;
 * the scale term (‖y‖²) covers bounds that are themselves ≈ 0.
 */
export const RELATIVE_SLACK = 1e-4;

export function within(measured: number, bound: number, scale: number): boolean {
  return measured <= bound + RELATIVE_SLACK * max(bound, scale);
}

export function sumSquares(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] * values[i];
  return s;
}

function maxAbs(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s = max(s, abs(values[i]));
  return s;
}

function maxNormDeviation(ds: Dataset): number {
  let worst = 0;
  for (let j = 0; j < ds.m; j++) worst = max(worst, abs(sqrt(sumSquares(ds.x.subarray(j * ds.d, (j + 1) * ds.d))) - 1));
  return worst;
}

/**
 * H1–H5 of B1 on a pre-trained case, with η the NTK-equivalent step (B1 is stated for parameterisation A).
 * A singular H∞ is passed as λ0 = 0, so H3 reports the failure.
 */
export function hypothesesOf(p: PretrainedCase): HypothesisStatus[] {
  const checks = checkHypotheses({
    m: p.data.m,
    N: p.case.width,
    eta: p.etaEffective,
    lambda0: p.lambda0 ?? 0,
    normMax: maxNormDeviation(p.data),
    yMax: maxAbs(p.data.y),
  });
  return checks.map((h) => ({
    id: h.id,
    holds: h.holds,
    detail: h.holds === null && h.reason ? `${h.detail} (${h.reason})` : h.detail,
    factor: Number.isFinite(h.factor ?? NaN) ? h.factor : null,
  }));
}

export function violatedHypotheses(hypotheses: readonly HypothesisStatus[]): HypothesisStatus[] {
  return hypotheses.filter((h) => h.holds === false);
}

export interface OutcomeParts {
  detail: string;
  reason?: string;
  hypotheses?: HypothesisStatus[];
  measured?: Record<string, number | null>;
}

/** An outcome for a pre-trained case, with its regimes filled in. */
export function outcome(status: CaseStatus, p: PretrainedCase, parts: OutcomeParts): CaseOutcome {
  return {
    status,
    detail: parts.detail,
    ...(parts.reason ? { reason: parts.reason } : {}),
    regimes: caseRegimes(p.case, p.lambda0),
    hypotheses: parts.hypotheses ?? [],
    measured: parts.measured ?? {},
  };
}

/** Replaces non-finite numbers by null so a measurement survives JSON. */
export function finiteOrNull(value: number | null | undefined): number | null {
  return value === null || value === undefined || !Number.isFinite(value) ? null : value;
}
