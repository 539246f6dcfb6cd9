/**
 * One scaling analysis (src/scaling) as report blocks: the one-sided verdict on t(m) = O(log m) and why, then the
 * four-law description (each law's parameters with bootstrap intervals, AICc and held-out error, and the
 * calibration's confusion matrix). Pure: same analysis, same blocks.
 */
import { percent } from '../../scaling/calibrate';
import { EXPONENT_GRID } from '../../scaling/log-bound';
import type { ScalingAnalysis } from '../../scaling/types';
import {
  data,
  heading,
  inlineMarkdown,
  paragraph,
  renderBlocksMarkdown,
  strong,
  tableBlock,
  type Block,
  type Text,
} from '../blocks';
import { fmt } from '../format';

const PARAM_SYMBOL: Record<string, string> = { a: 'a', b: 'b', c: 'c', alpha: 'α', beta: 'β' };

function paramsCell(params: Record<string, number>, intervals: Record<string, [number, number]>): string {
  return Object.entries(params)
    .map(([name, v]) => {
      const ci = intervals[name];
      return `${PARAM_SYMBOL[name] ?? name} = ${fmt(v)}${ci ? ` [${fmt(ci[0])}, ${fmt(ci[1])}]` : ''}`;
    })
    .join(', ');
}

function fitsTable(s: ScalingAnalysis): Block {
  const best = Math.min(...s.fits.map((f) => f.aicc));
  const rows = s.fits.map((f): Text[] => [
    data(f.formula),
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
  return tableBlock(header, rows);
}

function calibrationBlocks(s: ScalingAnalysis): Block[] {
  const c = s.calibration;
  if (!c) return [];
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
  return [
    {
      kind: 'details',
      summary:
        `Calibration (${c.simulationsPerLaw} simulations per law; design m×seeds ${grid}; resolution ${resolution}; ` +
        `censored at ${d.censorAt === null ? 'never' : fmt(d.censorAt)}; σ = ${fmt(d.sigma)} (${d.sigmaSource})):`,
      blocks: [tableBlock(['true law', ...c.labels.map(short)], rows)],
    },
    paragraph(
      `For "${c.target}": power ${percent(c.power)}, false-verdict rate ${percent(c.falseRate)}` +
        `${c.worstLaw ? ` (worst: ${c.worstLaw})` : ''} — ${c.adequate ? 'adequate' : 'not adequate'} ` +
        '(needs power ≥ 80 % and false rate ≤ 10 %).',
    ),
    ...(c.advice ? [paragraph(['Design advice: ', data(c.advice.text), '.'])] : []),
  ];
}

/** The verdict on the bound with its numbers: p and the smallest exponent the design detects. */
export function logBoundText(s: ScalingAnalysis): Text {
  const b = s.logBound;
  const p = b.pValue === null ? 'p —' : `p = ${fmt(b.pValue)}`;
  const largest = EXPONENT_GRID[EXPONENT_GRID.length - 1];
  const caught =
    b.detectableExponent === null ? `no m^α with α ≤ ${largest} detectable` : `detects m^${b.detectableExponent}`;
  return ['Bound t(m) = O(log m): ', strong({ verdict: b.verdict }), ` (${p}; ${caught}).`];
}

/** logBoundText as markdown. */
export function logBoundLine(s: ScalingAnalysis): string {
  return inlineMarkdown(logBoundText(s), 'all');
}

/** The analysis's blocks under a level-4 heading that carries `anchor`. */
export function scalingSectionBlocks(s: ScalingAnalysis, anchor?: string): Block[] {
  const n = s.counts;
  return [
    heading(4, [data(s.quantity), ': ', { verdict: s.logBound.verdict }], anchor),
    paragraph([logBoundText(s), ' ', data(s.logBound.reason), '.']),
    paragraph(['Best described by: ', strong({ verdict: s.verdict }), '. ', data(s.reason)]),
    paragraph(
      `${n.observations} runs over ${n.distinctM} values of m: ${n.exact} exact, ${n.interval} known within an ` +
        `interval, ${n.censored} censored (never reached).`,
    ),
    ...(s.fits.length > 0 ? [fitsTable(s)] : []),
    ...(s.skipped.length > 0
      ? [paragraph(`Not fitted: ${s.skipped.map((k) => `${k.model} (${k.reason})`).join('; ')}.`)]
      : []),
    ...calibrationBlocks(s),
  ];
}

/** The analysis as markdown (no heading level assumptions beyond ####). */
export function scalingSectionMarkdown(s: ScalingAnalysis): string {
  return renderBlocksMarkdown(scalingSectionBlocks(s));
}
