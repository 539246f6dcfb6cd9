/**
 * Markdown of one scaling analysis (src/scaling): the one-sided verdict on t(m) = O(log m) and why, then the
 * four-law description (each law's parameters with bootstrap intervals, AICc and held-out error, and the
 * calibration's confusion matrix). Pure: same analysis, same text.
 */
import { percent } from '../scaling/calibrate';
import type { ScalingAnalysis } from '../scaling/types';
import { esc, fmt, table } from './format';

const PARAM_SYMBOL: Record<string, string> = { a: 'a', b: 'b', c: 'c', alpha: 'α', beta: 'β' };

function paramsCell(params: Record<string, number>, intervals: Record<string, [number, number]>): string {
  return Object.entries(params)
    .map(([name, v]) => {
      const ci = intervals[name];
      return `${PARAM_SYMBOL[name] ?? name} = ${fmt(v)}${ci ? ` [${fmt(ci[0])}, ${fmt(ci[1])}]` : ''}`;
    })
    .join(', ');
}

function fitsTable(s: ScalingAnalysis): string {
  const best = Math.min(...s.fits.map((f) => f.aicc));
  const rows = s.fits.map((f) => [
    esc(f.formula),
    paramsCell(f.params, f.intervals),
    fmt(f.sigma),
    fmt(f.aicc),
    fmt(f.aicc - best),
    f.heldOut ? `${fmt(f.heldOut.error)} (predicted ${fmt(f.heldOut.prediction)})` : '—',
  ]);
  const heldOutM = s.fits.find((f) => f.heldOut)?.heldOut?.m;
  const oneRunPerM = s.fits.every((f) => Object.keys(f.intervals).length === 0);
  const header = [
    'law',
    oneRunPerM
      ? 'parameters (one run per m: no bootstrap interval)'
      : 'parameters [95 % bootstrap over seeds within m]',
    'σ',
    'AICc',
    'ΔAICc',
    `held-out error at m = ${heldOutM ?? 'largest'}`,
  ];
  return table(header, rows);
}

function calibrationBlock(s: ScalingAnalysis): string {
  const c = s.calibration;
  if (!c) return '';
  const d = c.design;
  const grid = d.grid.map((g) => `${g.m}×${g.seeds}`).join(', ');
  const resolution =
    d.resolution.relative > 0
      ? `${fmt(d.resolution.relative * 100)} % of t`
      : d.resolution.absolute > 0
        ? `${fmt(d.resolution.absolute)}`
        : 'exact';
  const short = (label: string) => label.replace('consistent with ', '').replace('better explained by a ', '');
  const rows = c.laws.map((law, i) => [law.id, ...c.rates[i].map(percent)]);
  const lines = [
    `Calibration (${c.simulationsPerLaw} simulations per law; design m×seeds ${grid}; resolution ${resolution}; ` +
      `censored at ${d.censorAt === null ? 'never' : fmt(d.censorAt)}; σ = ${fmt(d.sigma)} (${d.sigmaSource})):`,
    '',
    table(['true law', ...c.labels.map(short)], rows),
    '',
    `For "${c.target}": power ${percent(c.power)}, false-verdict rate ${percent(c.falseRate)}` +
      `${c.worstLaw ? ` (worst: ${c.worstLaw})` : ''} — ${c.adequate ? 'adequate' : 'not adequate'} ` +
      '(needs power ≥ 80 % and false rate ≤ 10 %).',
  ];
  if (c.advice) lines.push('', `Design advice: ${esc(c.advice.text)}.`);
  return lines.join('\n');
}

/** The verdict on the bound with its numbers: p and the smallest exponent the design detects. */
export function logBoundLine(s: ScalingAnalysis): string {
  const b = s.logBound;
  const p = b.pValue === null ? 'p —' : `p = ${fmt(b.pValue)}`;
  const caught = b.detectableExponent === null ? 'no m^α with α ≤ 1.5 detectable' : `detects m^${b.detectableExponent}`;
  return `Bound t(m) = O(log m): **${b.verdict}** (${p}; ${caught}).`;
}

/** The section body (no heading level assumptions beyond ####). */
export function scalingSectionMarkdown(s: ScalingAnalysis): string {
  const n = s.counts;
  const parts = [
    `#### ${esc(s.quantity)}: ${s.logBound.verdict}`,
    '',
    `${logBoundLine(s)} ${esc(s.logBound.reason)}.`,
    '',
    `Best described by: **${s.verdict}**. ${esc(s.reason)}`,
    '',
    `${n.observations} runs over ${n.distinctM} values of m: ${n.exact} exact, ${n.interval} known within an ` +
      `interval, ${n.censored} censored (never reached).`,
  ];
  if (s.fits.length > 0) parts.push('', fitsTable(s));
  if (s.skipped.length > 0)
    parts.push('', `Not fitted: ${s.skipped.map((k) => `${k.model} (${k.reason})`).join('; ')}.`);
  const calibration = calibrationBlock(s);
  if (calibration) parts.push('', calibration);
  return `${parts.join('\n')}\n`;
}
