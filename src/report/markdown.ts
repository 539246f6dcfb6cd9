/**
 * report.md: the human-readable conformance report. The verdict table comes first; everything after
 * it says how the verdicts were reached (configuration, hypotheses, bounds, measurements, fits).
 */
import type { CheckpointMeasurement, CheckResult, FitResult, RunResult, ScalingResult } from '../experiment/types';
import type { DatasetConfig } from '../experiment/config';
import {
  GREEDY,
  checkpointTimes,
  checkpointsAt,
  isClassification,
  lastCheckpoint,
  mean,
  measuredSizes,
  present,
  prunerNames,
  runsByM,
  sampleStd,
  subnetworkAt,
} from './aggregate';
import type { RunGroup } from './aggregate';
import { esc, fmt, fmtMeanStd, fmtTime, table } from './format';
import { PLOTS, applicablePlots } from './plots';
import type { ReportDocument } from './types';

/** Section headings, in report order (the tests check each is present). */
export const SECTION_HEADINGS = [
  'Summary',
  'How to replay',
  'Configuration',
  'Hypotheses',
  'Plots',
  'Bounds',
  'Derivation',
  'Measurements per m',
  'Critical times',
  'Pruner comparison',
  'Scaling fits',
  'Checks',
] as const;

type Section = (typeof SECTION_HEADINGS)[number];

/** Per-run detail lists are printed in full up to this many runs; beyond it, the first seed only. */
const FULL_DETAIL_RUNS = 6;
/** Invariant failures listed in the report (all of them are in report.json). */
const MAX_LISTED_FAILURES = 50;

const SOURCE_LABELS: Record<string, string> = {
  '[Du19]': 'Du et al. 2019, Thm 4.1 (cited)',
  '[FW]': 'proved in THEORY.md (Frank–Wolfe / herding)',
  '[R]': 'reconstruction of the paper’s main theorem',
};

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
const list = (xs: readonly (number | string)[]): string => xs.join(', ');

function heading(section: Section): string {
  return `## ${section}`;
}

function verdictText(verdict: string): string {
  return verdict === 'FAIL' ? '**FAIL**' : verdict;
}

// ---------------------------------------------------------------------------------------------

function summarySection(doc: ReportDocument): string {
  const rows = doc.summary.map((r) => [esc(r.check), r.kind, verdictText(r.verdict), esc(r.detail)]);
  const counts = new Map<string, number>();
  for (const r of doc.summary) counts.set(r.verdict, (counts.get(r.verdict) ?? 0) + 1);
  const tally = [...counts.entries()].map(([v, c]) => `${c} ${v}`).join(', ');
  return [
    heading('Summary'),
    table(['check', 'kind', 'verdict', 'detail'], rows),
    `${plural(doc.summary.length, 'check')}: ${tally}. Invariant failures are bugs in pruneproof; claim failures are findings ` +
      '(see the violated hypotheses under Claims).',
  ].join('\n\n');
}

function replaySection(doc: ReportDocument): string {
  const env = doc.environment;
  const packages = Object.keys(env.packages)
    .sort()
    .map((name) => [name, env.packages[name]]);
  return [
    heading('How to replay'),
    ['```sh', doc.command, '```'].join('\n'),
    [
      `- seeds: ${list(doc.config.seeds)} (one run per seed per m; the seed drives data, initialisation and random pruning)`,
      `- backend: ${esc(env.backendDetail || env.backend)}`,
      `- node ${esc(env.node)} on ${esc(env.platform)}, ${plural(env.cpus, 'cpu')}`,
      `- commit: ${env.commit === null ? 'not a git checkout' : `\`${env.commit}\``}`,
      `- finished ${doc.createdAt}, wall time ${fmt(doc.wallSeconds)} s, ${plural(doc.runs.length, 'run')}`,
    ].join('\n'),
    table(['package', 'version'], packages),
  ].join('\n\n');
}

function describeDataset(d: DatasetConfig): string {
  switch (d.kind) {
    case 'synthetic': {
      const extras = [
        `labels ${d.labels}`,
        `d = ${d.d}`,
        ...(d.teacherWidth !== undefined ? [`teacher width ${d.teacherWidth}`] : []),
        ...(d.clusters !== undefined ? [`${d.clusters} clusters`] : []),
      ];
      return `synthetic (${extras.join(', ')})`;
    }
    case 'mnist':
      return `MNIST (unit-norm inputs: ${d.unitNorm ? 'yes' : 'no'}, held-out ${d.heldOut})`;
    case 'file':
      return `file \`${d.path}\``;
  }
}

function configurationSection(doc: ReportDocument): string {
  const c = doc.config;
  const overrides = [
    ...Object.entries(c.theory.constants ?? {}).map(([k, v]) => `${k} = ${v}`),
    ...Object.entries(c.theory.expressions ?? {}).map(([k, v]) => `${k}: \`${v}\``),
  ];
  const rows: [string, string][] = [
    ['name', esc(c.name)],
    ['dataset', describeDataset(c.dataset)],
    ['m grid', list(c.mGrid)],
    ['seeds', list(c.seeds)],
    ['parameterisation', c.parameterisation],
    ['width N', String(c.width)],
    ['initial scale κ', String(c.kappa)],
    ['step size η', c.etaRelative === undefined ? String(c.eta) : `${c.etaRelative} × the stability limit of each run (per m)`],
    ['iterations T', String(c.iterations)],
    ['training', c.batchSize === null ? 'full-batch GD' : `minibatch SGD, batch size ${c.batchSize}`],
    ['checkpoints (log-spaced in [0, T])', String(c.checkpoints)],
    ['subnetwork sizes n', list(c.subnetworkSizes)],
    ['target loss ε', String(c.epsilon)],
    ['target accuracy', c.targetAccuracy === null ? '—' : String(c.targetAccuracy)],
    ['pruners', list(c.pruners)],
    ['hull tolerance (× 2m)', String(c.hullTolerance)],
    ['max m for kernel eigenproblems', String(c.maxKernelM)],
    ['theory overrides', overrides.length > 0 ? overrides.join('; ') : 'none'],
  ];
  const rationale = doc.configRationale.length > 0 ? doc.configRationale.map((r) => `- ${esc(r)}`).join('\n') : '- (none given)';
  return [heading('Configuration'), table(['setting', 'value'], rows), '### Rationale', rationale].join('\n\n');
}

// ---------------------------------------------------------------------------------------------

function hypothesisIds(doc: ReportDocument): string[] {
  return [...new Set(doc.runs.flatMap((r) => r.hypotheses.map((h) => h.id)))];
}

function hypothesisCell(group: RunGroup, id: string): string {
  const states = group.runs.map((r) => r.hypotheses.find((h) => h.id === id)?.holds ?? null);
  const fails = states.filter((s) => s === false).length;
  const holds = states.filter((s) => s === true).length;
  const seeds = states.length;
  if (fails > 0) return `**fails** (${fails}/${seeds})`;
  if (holds > 0) return holds === seeds ? 'holds' : `holds (${holds}/${seeds}, rest n/a)`;
  return 'n/a';
}

function hypothesisDetails(doc: ReportDocument, groups: RunGroup[], ids: string[]): string {
  const full = doc.runs.length <= FULL_DETAIL_RUNS;
  const lines: string[] = [];
  for (const group of groups) {
    const runs = full ? group.runs : group.runs.slice(0, 1);
    for (const id of ids) {
      const details = runs.flatMap((r) => {
        const h = r.hypotheses.find((x) => x.id === id);
        if (!h) return [];
        const state = h.holds === null ? 'n/a' : h.holds ? 'holds' : 'fails';
        return [`seed ${r.seed}: ${state}, ${esc(h.detail)}`];
      });
      if (details.length > 0) lines.push(`- m = ${group.m}, ${id}: ${details.join('; ')}`);
    }
  }
  const note = full ? '' : `\n\n(first seed of each m shown; every seed is in report.json)`;
  return lines.join('\n') + note;
}

function hypothesesSection(doc: ReportDocument): string {
  const ids = hypothesisIds(doc);
  if (ids.length === 0) return [heading('Hypotheses'), 'No hypotheses were evaluated.'].join('\n\n');
  const first = (id: string) => doc.runs.flatMap((r) => r.hypotheses).find((h) => h.id === id);
  const legend = ids.map((id) => [id, first(id)?.label ?? '', esc(first(id)?.statement ?? '')]);
  const groups = runsByM(doc);
  const grid = groups.map((g) => [String(g.m), ...ids.map((id) => hypothesisCell(g, id))]);
  return [
    heading('Hypotheses'),
    'Hypotheses of the theorem (THEORY.md §4), checked on each run’s numbers. A claim may fail when they do not hold.',
    table(['id', 'source', 'statement'], legend),
    table(['m', ...ids], grid),
    '### Numbers',
    hypothesisDetails(doc, groups, ids),
  ].join('\n\n');
}

function plotsSection(doc: ReportDocument): string {
  const drawn = applicablePlots(doc);
  const missing = PLOTS.filter((p) => !drawn.includes(p));
  const images = drawn.map((p) => `![${esc(p.title)}](${p.file})`);
  const omitted = missing.length > 0 ? [`Not drawn (no data for them in this run): ${missing.map((p) => p.title).join('; ')}.`] : [];
  return [heading('Plots'), ...images, ...omitted].join('\n\n');
}

function boundsSection(doc: ReportDocument): string {
  if (doc.expressions.length === 0) return [heading('Bounds'), 'No bound expressions recorded.'].join('\n\n');
  const labels = [...new Set([...Object.keys(SOURCE_LABELS), ...doc.expressions.map((e) => e.label)])];
  const parts: string[] = [heading('Bounds'), 'Labels: [Du19] cited published result, [FW] proved in THEORY.md, [R] reconstruction of the paper’s theorem.'];
  for (const label of labels) {
    const group = doc.expressions.filter((e) => e.label === label);
    if (group.length === 0) continue;
    parts.push(`### ${label} ${SOURCE_LABELS[label] ?? ''}`.trimEnd());
    for (const e of group) {
      const override = e.overridden ? ' — **overridden from the config file**' : '';
      parts.push(`**${esc(e.id)}** ${label}: ${esc(e.statement)}${override}\n\n$$\n${e.latex}\n$$\n\nmathjs: \`${e.expression}\``);
    }
  }
  return parts.join('\n\n');
}

function derivationSection(doc: ReportDocument): string {
  if (doc.derivation.length === 0) return [heading('Derivation'), 'No derivation recorded.'].join('\n\n');
  const steps = doc.derivation.map((d, i) => `${i + 1}. ${esc(d.statement)}\n\n$$\n${d.latex}\n$$\n\nresult: \`${d.result}\``);
  return [heading('Derivation'), ...steps].join('\n\n');
}

// ---------------------------------------------------------------------------------------------

function meanOf(values: readonly (number | null | undefined)[]): number | null {
  return mean(present(values));
}

function groupHeader(group: RunGroup): string {
  const runs = group.runs;
  const b1Rate = meanOf(runs.map((r) => (r.lambda0 === null ? null : (r.etaEffective * r.lambda0) / 2)));
  return [
    `seeds ${list(runs.map((r) => r.seed))} (table: mean over seeds)`,
    `η_A (effective) = ${fmt(meanOf(runs.map((r) => r.etaEffective)))}`,
    `λ0 = ${fmt(meanOf(runs.map((r) => r.lambda0)))}`,
    `ηλ0/2 = ${fmt(b1Rate)}`,
    `λ_max(H(0)) = ${fmt(meanOf(runs.map((r) => r.lambdaMaxH0)))}`,
    `stability limit 2/λ_max = ${fmt(meanOf(runs.map((r) => r.stabilityLimit)))}`,
    `R(0) = ${fmt(meanOf(runs.map((r) => r.initialResidual)))}`,
  ].join(' · ');
}

/** Mean certified squared distance with the solver's gap (the true distance lies within it). */
function hullCell(cs: CheckpointMeasurement[]): string {
  const distance = meanOf(cs.map((c) => c.hull.distanceSq));
  const gap = present(cs.map((c) => c.hull.gap));
  return gap.length > 0 ? `${fmt(distance)} (gap ≤ ${fmt(Math.max(...gap), 2)})` : fmt(distance);
}

function checkpointTable(doc: ReportDocument, group: RunGroup): string {
  const sizes = measuredSizes(doc);
  const nMax = sizes[sizes.length - 1];
  const classification = isClassification(doc);
  const hasGram = group.runs.some((r) => r.checkpoints.some((c) => c.gramLambdaMin !== null));
  const b1Rate = meanOf(group.runs.map((r) => (r.lambda0 === null ? null : (r.etaEffective * r.lambda0) / 2)));
  const header = [
    't',
    'R(t)',
    'L dense',
    ...(classification ? ['acc dense'] : []),
    'rate −ln(R(t)/R(0))/t',
    'rate ÷ ηλ0/2',
    ...(hasGram ? ['λ_min(H(t))'] : []),
    'D_t',
    'ρ_t',
    'dist²(y, hull) (solver gap)',
    'y ∈ hull',
    ...sizes.map((n) => `greedy L (n=${n})`),
  ];
  const rows = checkpointTimes(group.runs).map((t) => {
    const cs = checkpointsAt(group.runs, t);
    const rate = meanOf(cs.map((c) => c.contractionRate));
    return [
      String(t),
      fmt(meanOf(cs.map((c) => c.residual))),
      fmt(meanOf(cs.map((c) => c.denseLoss))),
      ...(classification ? [fmt(meanOf(cs.map((c) => c.denseAccuracy)))] : []),
      fmt(rate),
      rate !== null && b1Rate !== null && b1Rate > 0 ? fmt(rate / b1Rate) : '—',
      ...(hasGram ? [fmt(meanOf(cs.map((c) => c.gramLambdaMin)))] : []),
      fmt(meanOf(cs.map((c) => c.diameter))),
      cs.some((c) => c.ballVoid) ? 'void' : fmt(meanOf(cs.map((c) => c.rho))),
      hullCell(cs),
      `${cs.filter((c) => c.hull.inside).length}/${cs.length}`,
      ...sizes.map((n) => fmt(meanOf(cs.map((c) => subnetworkAt(c, GREEDY, n)?.loss)))),
    ];
  });
  return table(header, rows);
}

function measurementsSection(doc: ReportDocument): string {
  const parts = [
    heading('Measurements per m'),
    'Losses are normalised, L = ‖·‖²/(2m); R(t) is the unnormalised dense residual. “rate ÷ ηλ0/2” > 1 means the dense ' +
      'network contracts faster than B1 guarantees. “greedy ÷ B2” is ‖f_S − y‖² over the B2 bound (≤ 1 when B2 holds). ' +
      'dist²(y, hull) is the solver’s squared distance from y to conv{Φ_r(t)}, with its certified gap (largest over seeds); ' +
      '“y ∈ hull” counts seeds whose distance is within tolerance; ρ_t “void” means N ≤ m·C (B4 says nothing).',
  ];
  for (const group of runsByM(doc)) {
    parts.push(`### m = ${group.m}`, groupHeader(group), checkpointTable(doc, group));
  }
  if (doc.runs.length === 0) parts.push('No runs.');
  return parts.join('\n\n');
}

// ---------------------------------------------------------------------------------------------

function criticalSection(doc: ReportDocument): string {
  const sizes = measuredSizes(doc);
  const accuracySizes = [...new Set(doc.runs.flatMap((r) => r.critical.tCritAccuracy.map((x) => x.n)))].sort((a, b) => a - b);
  const header = [
    'm',
    'seed',
    't_in',
    ...sizes.map((n) => `t_crit (n=${n})`),
    ...accuracySizes.map((n) => `t_crit acc (n=${n})`),
    'T* (η configured)',
    'T* (η at H5)',
    'T* upper (log m form)',
    'tightness t_crit/T*',
  ];
  const timeAt = (xs: { n: number; t: number | null }[], n: number) => {
    const found = xs.find((x) => x.n === n);
    return found ? fmtTime(found.t) : '—';
  };
  const rows = sortedRuns(doc).map((r) => [
    String(r.m),
    String(r.seed),
    fmtTime(r.critical.tIn),
    ...sizes.map((n) => timeAt(r.critical.tCrit, n)),
    ...accuracySizes.map((n) => timeAt(r.critical.tCritAccuracy, n)),
    fmt(r.tStar.etaConfigured),
    fmt(r.tStar.etaH5),
    fmt(r.tStar.upperForm),
    fmt(r.tightness),
  ]);
  const notes = [...new Set(doc.runs.map((r) => r.tStar.note).filter((n) => n.length > 0))].map((n) => `- ${esc(n)}`);
  return [
    heading('Critical times'),
    `t_in: first checkpoint from which y stays in the hull; t_crit: first checkpoint from which the greedy loss stays ≤ ε = ${doc.config.epsilon}` +
      ' (“not reached”: not within the run). T*(m) of B3 both ways: with η as configured, and with η at its H5 value; ' +
      'tightness uses the largest n (roughly constant across m means the bound captures the m-dependence).',
    table(header, rows),
    ...(notes.length > 0 ? ['Notes on T*:', notes.join('\n')] : []),
  ].join('\n\n');
}

function sortedRuns(doc: ReportDocument): RunResult[] {
  return runsByM(doc).flatMap((g) => g.runs);
}

function prunerSection(doc: ReportDocument): string {
  const sizes = measuredSizes(doc);
  const nMax = sizes[sizes.length - 1];
  const classification = isClassification(doc);
  const header = [
    'm',
    'pruner',
    ...sizes.map((n) => `L (n=${n})`),
    ...(classification ? [`acc (n=${nMax})`] : []),
    `distinct / size (n=${nMax})`,
    'ms per call',
  ];
  const rows: string[][] = [];
  for (const group of runsByM(doc)) {
    const lasts = group.runs.map(lastCheckpoint);
    for (const pruner of prunerNames(doc)) {
      const at = (n: number) => present(lasts.map((c) => subnetworkAt(c, pruner, n)));
      if (sizes.every((n) => at(n).length === 0)) continue;
      const stat = (xs: number[]) => fmtMeanStd(mean(xs), sampleStd(xs), xs.length);
      const largest = at(nMax);
      const ms = present(lasts.map((c) => c.pruners.find((p) => p.pruner === pruner)?.ms));
      rows.push([
        String(group.m),
        esc(pruner),
        ...sizes.map((n) => stat(at(n).map((s) => s.loss))),
        ...(classification ? [stat(present(largest.map((s) => s.accuracy)))] : []),
        largest.length > 0 ? `${fmt(meanOf(largest.map((s) => s.distinct)))} / ${fmt(meanOf(largest.map((s) => s.size)))}` : '—',
        fmt(mean(ms)),
      ]);
    }
  }
  const lastTs = [...new Set(doc.runs.map((r) => lastCheckpoint(r).t))].sort((a, b) => a - b);
  return [
    heading('Pruner comparison'),
    `Training loss L(f_S) at the last checkpoint (t = ${list(lastTs)}), mean ± std over seeds. Sizes are measured: ` +
      '“distinct” counts different neurons, “size” the multiset (greedy selects with replacement by default).',
    rows.length > 0 ? table(header, rows) : 'No pruner measurements.',
  ].join('\n\n');
}

// ---------------------------------------------------------------------------------------------

const FORMULA: Record<FitResult['model'], string> = { log: 't = a + b·ln m', power: 't = c·m^α' };

function paramText(params: Record<string, number>): string {
  return Object.keys(params)
    .map((k) => `${k} = ${fmt(params[k])}`)
    .join(', ');
}

function intervalText(intervals: Record<string, [number, number]>): string {
  const keys = Object.keys(intervals);
  return keys.length === 0 ? '—' : keys.map((k) => `${k} ∈ [${fmt(intervals[k][0])}, ${fmt(intervals[k][1])}]`).join(', ');
}

function scalingBlock(s: ScalingResult): string {
  const rows = s.fits.map((f) => [
    f.model,
    FORMULA[f.model],
    paramText(f.params),
    intervalText(f.intervals),
    fmt(f.rss),
    fmt(f.aic),
    fmt(f.heldOutError),
  ]);
  const unreached =
    s.unreached.length > 0
      ? `Not reached within the run (excluded from the fit): ${s.unreached.map((u) => `m = ${u.m} seed ${u.seed}`).join('; ')}.`
      : 'Reached in every run.';
  return [
    `### ${esc(s.quantity)}`,
    `**${s.verdict}** — ${esc(s.reason)}`,
    `${plural(s.points.length, 'point')} over ${plural(new Set(s.points.map((p) => p.m)).size, 'distinct m value')}. ${unreached}`,
    s.fits.length > 0
      ? table(['model', 'formula', 'parameters', '95% bootstrap intervals (over seeds)', 'RSS', 'AIC', 'held-out error (largest m)'], rows)
      : 'No fit (too few points).',
  ].join('\n\n');
}

function scalingSection(doc: ReportDocument): string {
  const blocks = doc.scaling.map(scalingBlock);
  return [
    heading('Scaling fits'),
    'Least squares in t-space for both models, so RSS and AIC are comparable (lower AIC is better). The held-out error ' +
      'is the prediction error at the largest m by a model fitted without it.',
    ...(blocks.length > 0 ? blocks : ['No scaling fit in this run.']),
  ].join('\n\n');
}

function premisesCell(c: CheckResult): string {
  return c.violatedHypotheses.length > 0 ? list(c.violatedHypotheses) : 'none';
}

function checkRow(c: CheckResult): string[] {
  const counts = `${c.checked} / ${c.vacuous} / ${c.undecided}`;
  return [esc(c.id), esc(c.statement), verdictText(c.verdict), counts, fmt(c.tightness), esc(c.detail), c.kind === 'claim' ? premisesCell(c) : '—'];
}

function failureRows(doc: ReportDocument, kind: CheckResult['kind']): string[][] {
  const perRun = sortedRuns(doc).flatMap((r) =>
    r.checks
      .filter((c) => c.kind === kind)
      .flatMap((c) => c.failures.map((f) => [esc(c.id), String(r.m), String(r.seed), String(f.t), f.n === undefined ? '—' : String(f.n), esc(f.detail)])),
  );
  if (perRun.length > 0 || doc.runs.length > 0) return perRun;
  // Aggregated failures without a run attached (e.g. from property tests over generated cases).
  return doc.checks
    .filter((c) => c.kind === kind)
    .flatMap((c) => c.failures.map((f) => [esc(c.id), '—', '—', String(f.t), f.n === undefined ? '—' : String(f.n), esc(f.detail)]));
}

function checksBlock(doc: ReportDocument, kind: CheckResult['kind']): string {
  const checks = doc.checks.filter((c) => c.kind === kind);
  const failures = failureRows(doc, kind);
  const listed = failures.slice(0, MAX_LISTED_FAILURES);
  const more = failures.length > listed.length ? [`… ${failures.length - listed.length} more failures in report.json.`] : [];
  const header = ['check', 'statement', 'verdict', 'decided / could not fail / undecided', 'largest measured ÷ bound', 'detail', 'premises violated'];
  return [
    checks.length > 0 ? table(header, checks.map(checkRow)) : `No ${kind}s were checked.`,
    ...(failures.length > 0
      ? [`### ${kind === 'claim' ? 'Counterexamples' : 'Invariant failures'}`, table([kind, 'm', 'seed', 't', 'n', 'detail'], listed), ...more]
      : [`No ${kind} failed in any run.`]),
  ].join('\n\n');
}

function checksSection(doc: ReportDocument): string {
  return [
    heading('Checks'),
    'Every check comes from one registry (src/checks) and takes its bounds from the theory module, overrides applied. ' +
      'A comparison counts as decided only when it could have failed; comparisons that could not fail (e.g. a bound at or ' +
      'above D_y², the largest loss any subnetwork can have) are counted apart, and a check with no decided comparison is ' +
      'VACUOUS, never PASS. UNDECIDED: below the arithmetic\'s precision floor, or hull membership not certified.',
    '## Invariants',
    'Invariants must hold in every case: a failure is a bug in pruneproof or in the pruner under test.',
    checksBlock(doc, 'invariant'),
    '## Claims',
    'Claims may fail outside their hypotheses: a failure is a finding, shown with the premises the run violated.',
    checksBlock(doc, 'claim'),
  ].join('\n\n');
}

// ---------------------------------------------------------------------------------------------

/** Renders report.md. Image links are relative (the SVGs sit beside report.md). */
export function renderMarkdown(doc: ReportDocument): string {
  const sections = [
    `# pruneproof conformance report: ${esc(doc.runId)}`,
    summarySection(doc),
    replaySection(doc),
    configurationSection(doc),
    hypothesesSection(doc),
    plotsSection(doc),
    boundsSection(doc),
    derivationSection(doc),
    measurementsSection(doc),
    criticalSection(doc),
    prunerSection(doc),
    scalingSection(doc),
    checksSection(doc),
  ];
  return `${sections.join('\n\n')}\n`;
}
