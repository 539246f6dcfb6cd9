/**
 * Reports of `pruneproof claims` and `pruneproof check-pruner`: a JSON document (validated against
 * claims-schema.ts, keys sorted by `stableJson`) and its markdown rendering, written atomically into
 * `<out>/<run-id>/{report.md, report.json}`. The run id is a readable prefix plus a hash of the settings.
 */
import type { PrunerCheckResult, PrunerComparison } from '../claims/pruner-check';
import type { PropertyKind } from '../testing/property';
import type { PropertyRunResult } from '../claims/runner';
import type { SessionResult } from '../claims/session';
import { contentHash, safeName } from '../files/json';
import { writeDirectoryAtomically } from '../files/atomic';
import { validatePropertyReport } from './claims-schema';
import {
  PROPERTY_REPORT_SCHEMA_VERSION,
  type ClaimsReportDocument,
  type PrunerReportDocument,
  type PropertyReportDocument,
  type SummaryLine,
} from './claims-types';
import { esc, fmt, table } from './format';
import type { Environment } from './types';
import { stableJson } from './write';

export { PROPERTY_REPORT_SCHEMA_VERSION } from './claims-types';
export type { ClaimsReportDocument, PrunerReportDocument, PropertyReportDocument, SummaryLine } from './claims-types';

export interface ReportMeta {
  command: string;
  environment: Environment;
  createdAt?: string;
}

/** Non-finite measurements become null (JSON has no ∞); the markdown shows null as "—". */
function jsonSafe(result: PropertyRunResult): PropertyRunResult {
  const clean = (record: Record<string, number | null>) =>
    Object.fromEntries(Object.entries(record).map(([k, v]) => [k, v === null || Number.isFinite(v) ? v : null]));
  if (!result.counterexample) return result;
  const ce = result.counterexample;
  return {
    ...result,
    counterexample: {
      ...ce,
      measured: clean(ce.measured),
      hypotheses: ce.hypotheses.map((h) => ({
        ...h,
        factor: h.factor !== null && Number.isFinite(h.factor) ? h.factor : null,
      })),
    },
  };
}

export function summaryLine(r: PropertyRunResult): SummaryLine {
  const detail =
    r.error ??
    r.counterexample?.detail ??
    (r.verdict === 'PASS' ? `held on ${r.cases.passed} case(s)` : 'no case was in scope');
  return {
    id: r.id,
    kind: r.kind,
    verdict: r.verdict,
    cases: `${r.cases.passed} / ${r.cases.notApplicable} / ${r.cases.evaluated}`,
    detail,
  };
}

export function claimsReportDocument(session: SessionResult, meta: ReportMeta): ClaimsReportDocument {
  const properties = session.results.map(jsonSafe);
  return {
    schemaVersion: PROPERTY_REPORT_SCHEMA_VERSION,
    kind: 'claims',
    runId: `claims-${contentHash({ settings: session.settings, properties: properties.map((p) => p.id) })}`,
    createdAt: meta.createdAt ?? new Date().toISOString(),
    command: meta.command,
    environment: meta.environment,
    wallSeconds: session.seconds,
    settings: session.settings,
    summary: properties.map(summaryLine),
    properties,
  };
}

export function prunerReportDocument(
  result: PrunerCheckResult,
  meta: ReportMeta & { module: string | null; moduleHash?: string },
): PrunerReportDocument {
  const contracts = result.contracts.map(jsonSafe);
  const claims = result.claims.map(jsonSafe);
  return {
    schemaVersion: PROPERTY_REPORT_SCHEMA_VERSION,
    kind: 'check-pruner',
    runId: `check-pruner-${safeName(result.pruner, 'pruner')}-${contentHash({ settings: result.settings, pruner: result.pruner, module: meta.moduleHash ?? meta.module })}`,
    createdAt: meta.createdAt ?? new Date().toISOString(),
    command: meta.command,
    environment: meta.environment,
    wallSeconds: result.seconds,
    module: meta.module,
    pruner: { name: result.pruner, prefixConsistent: result.prefixConsistent },
    passed: result.passed,
    brokenContracts: result.brokenContracts,
    skipped: result.skipped,
    settings: result.settings,
    summary: [...contracts, ...claims].map(summaryLine),
    contracts,
    claims,
    comparison: result.comparison,
  };
}

// ---------------------------------------------------------------------------------------------------
// Markdown.

const KIND_MEANING: Record<PropertyKind, string> = {
  invariant: 'must hold on every case: a failure is a bug in pruneproof',
  claim: 'may fail outside its hypotheses: a failure is a finding',
  contract: "a pruner's obligation: a failure is a broken pruner",
};

function summaryTable(lines: SummaryLine[]): string {
  return table(
    ['property', 'kind', 'verdict', 'cases (passed / n.a. / evaluated)', 'detail'],
    lines.map((l) => [l.id, l.kind, `**${l.verdict}**`, l.cases, esc(l.detail)]),
  );
}

function counts(record: Record<string, number>): string {
  const entries = Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1));
  return entries.length ? entries.map(([k, v]) => `${esc(k)}: ${v}`).join(', ') : '—';
}

function counterexampleSection(r: PropertyRunResult): string[] {
  const ce = r.counterexample;
  if (!ce) return [];
  const hyps = ce.violatedHypotheses.length
    ? ce.violatedHypotheses.map((h) => `${h.id} (${esc(h.detail)})`).join('; ')
    : 'none';
  const measured =
    Object.entries(ce.measured)
      .map(([k, v]) => `${esc(k)} = ${fmt(v)}`)
      .join(', ') || '—';
  const origin = ce.fromStore ? 'replayed from the counterexample store' : 'found in this run';
  // Shrinking shares the property's time budget: when it ran out, this is the smallest case found so far.
  const cut = r.interrupted ? ' (shrinking cut short by the time limit: a longer --time-limit may shrink further)' : '';
  return [
    `### ${r.id} — ${r.verdict} (${r.kind})`,
    '',
    `> ${esc(r.statement)}`,
    '',
    `- **What failed:** ${esc(ce.detail)}`,
    ...(ce.error ? [`- **The property threw:** ${esc(ce.error)}`] : []),
    ...(r.kind === 'contract' ? [] : [`- **Violated hypotheses:** ${hyps}`]),
    `- **Regimes:** ${ce.regimes.length ? esc(ce.regimes.join(', ')) : '—'}`,
    `- **Origin:** ${origin}; fast-check seed ${ce.seed}, path \`${ce.path ?? 'n/a'}\`, ${ce.numShrinks} shrink step(s)${cut}`,
    `- **Measured:** ${measured}`,
    '- **Shrunk case:**',
    '',
    '```json',
    JSON.stringify(ce.case, null, 2),
    '```',
    '',
  ];
}

function coverageTable(results: PropertyRunResult[]): string {
  return table(
    ['property', 'regimes of the evaluated cases', 'not applicable because', 'runs', 'seconds'],
    results.map((r) => [
      r.id,
      counts(r.regimes),
      counts(r.notApplicableReasons),
      `${r.cases.evaluated} of ${r.numRuns}${r.interrupted ? ' (time limit)' : ''} + ${r.shrinkEvaluations} shrink`,
      fmt(r.seconds),
    ]),
  );
}

function storeSection(results: PropertyRunResult[], dir: string | null): string[] {
  if (!dir) return ['No counterexample store was used (nothing replayed, nothing recorded).', ''];
  const replays = results.filter((r) => r.replay);
  const recorded = results.filter((r) => r.counterexample);
  return [
    `Store: \`${dir}\` — one JSON file per property (seed, path and shrunk case); stored cases are replayed before any generated case, and removed once they pass. Delete a file to explore that property afresh.`,
    '',
    replays.length
      ? table(
          ['property', 'stored case', 'replay'],
          replays.map((r) => [r.id, `\`${r.replay!.file}\``, `${r.replay!.status}: ${esc(r.replay!.detail)}`]),
        )
      : 'No stored counterexample was replayed.',
    '',
    recorded.length
      ? `Recorded now: ${recorded.map((r) => r.id).join(', ')}.`
      : 'Nothing recorded: no property failed.',
    '',
  ];
}

function environmentLines(env: Environment): string[] {
  return [
    `- Backend: ${esc(env.backendDetail)}`,
    `- Node ${env.node}, ${env.platform}, ${env.cpus} CPU(s)`,
    `- Packages: ${Object.entries(env.packages)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `- Commit: ${env.commit ?? 'unknown'}`,
  ];
}

function replayLines(command: string, seed: number): string[] {
  return [
    '```sh',
    command,
    '```',
    '',
    `Cases come from fast-check with seed ${seed}; each counterexample lists its seed and path, so \`fc.check(property, { seed, path })\` replays it with the same generator, and the stored case replays it whatever the generator.`,
    '',
  ];
}

export function renderClaimsMarkdown(doc: ClaimsReportDocument): string {
  const failures = doc.properties.filter((r) => r.verdict === 'FAIL');
  const defects = failures.filter((r) => r.kind !== 'claim' || r.error);
  return [
    `# pruneproof claims — ${doc.runId}`,
    '',
    `The statements of THEORY.md §6 as fast-check properties over generated pre-trained cases (seed ${doc.settings.seed}, ${doc.settings.quick ? 'quick' : 'full'} session, ${doc.settings.timeLimitSeconds} s per property, pruner ${doc.settings.pruner}). Created ${doc.createdAt} in ${fmt(doc.wallSeconds)} s.`,
    '',
    '## Summary',
    '',
    summaryTable(doc.summary),
    '',
    ...Object.entries(KIND_MEANING).map(([k, v]) => `- **${k}**: ${v}.`),
    `- ${defects.length ? `**${defects.length} invariant or contract failure(s): a bug to fix.**` : 'No invariant failed.'} ${failures.length - defects.length} claim(s) FAILed on some generated case (findings, listed below with the hypotheses each violates).`,
    '',
    '## Counterexamples',
    '',
    ...(failures.length ? failures.flatMap(counterexampleSection) : ['None: no property failed.', '']),
    '## Coverage',
    '',
    'Regimes of the cases each property evaluated before its first failure (fast-check stops exploring there), and why cases were out of scope.',
    '',
    coverageTable(doc.properties),
    '',
    '## Statements',
    '',
    ...doc.properties.map((r) => `- **${r.id}** (${r.kind}, ${r.source}): ${esc(r.statement)}`),
    '',
    ...trailerSections(doc.properties, doc),
  ].join('\n');
}

function comparisonSection(c: PrunerComparison | null, skipped: string | null): string[] {
  if (!c) return [`Skipped: ${esc(skipped ?? 'not run')}.`, ''];
  const rows = table(
    ['pruner', 'cases', 'mean loss', 'geometric mean loss / greedy', 'cases with loss ≤ greedy'],
    c.rows.map((r) => [
      r.pruner,
      String(r.cases),
      fmt(r.meanLoss),
      fmt(r.geometricMeanRatioToGreedy),
      String(r.atMostGreedy),
    ]),
  );
  const perCase = table(
    ['case', ...c.pruners],
    c.cases.map((k) => [
      esc(
        `m=${k.case.dataset.m} d=${k.case.dataset.d} ${k.case.dataset.labels} N=${k.case.width} n=${k.case.n} ${k.case.parameterisation} T=${k.case.iterations}`,
      ),
      ...c.pruners.map((p) => (k.errors[p] ? `error: ${esc(k.errors[p])}` : fmt(k.losses[p]))),
    ]),
  );
  return [
    "Normalised training loss ‖f_S − y‖²/(2m) of each pruner at the end of pre-training (t = T), at the case's n, on the same generated cases.",
    '',
    rows,
    '',
    perCase,
    '',
  ];
}

export function renderPrunerMarkdown(doc: PrunerReportDocument): string {
  const verdict = doc.passed
    ? `**CONFORMS**: every pruner contract held on the generated cases.`
    : `**BREAKS ITS CONTRACT**: ${doc.brokenContracts.join(', ')}. The shrunk counterexamples below are the smallest cases found that expose each break.`;
  const failures = [...doc.contracts, ...doc.claims].filter((r) => r.verdict === 'FAIL');
  return [
    `# pruneproof check-pruner — ${esc(doc.pruner.name)}`,
    '',
    `Pruner \`${esc(doc.pruner.name)}\`${doc.module ? ` from \`${esc(doc.module)}\`` : ''} (prefixConsistent: ${doc.pruner.prefixConsistent}); run ${doc.runId}, seed ${doc.settings.seed}, ${doc.settings.quick ? 'quick' : 'full'}, ${doc.settings.timeLimitSeconds} s per property; created ${doc.createdAt} in ${fmt(doc.wallSeconds)} s.`,
    '',
    verdict,
    '',
    '## Summary',
    '',
    summaryTable(doc.summary),
    '',
    `- **contract**: ${KIND_MEANING.contract} (exit code 1).`,
    `- **claim**: B2, B2′ and B3 are proved for greedy forward selection only; with this pruner in its place they are claims, and a failure is a finding about the pruner, not a contract break.`,
    '',
    '## Counterexamples',
    '',
    ...(failures.length ? failures.flatMap(counterexampleSection) : ['None: no property failed.', '']),
    '## Claims with this pruner',
    '',
    ...(doc.claims.length ? [coverageTable(doc.claims), ''] : [`Skipped: ${esc(doc.skipped ?? 'not run')}.`, '']),
    '## Comparison with greedy, random and magnitude',
    '',
    ...comparisonSection(doc.comparison, doc.skipped),
    '## Contract coverage',
    '',
    coverageTable(doc.contracts),
    '',
    '## Statements',
    '',
    ...[...doc.contracts, ...doc.claims].map((r) => `- **${r.id}** (${r.kind}): ${esc(r.statement)}`),
    '',
    ...trailerSections([...doc.contracts, ...doc.claims], doc),
  ].join('\n');
}

/** Validates and writes `<outDir>/<runId>/{report.md, report.json}` atomically. */
export async function writePropertyReport(
  doc: PropertyReportDocument,
  outDir: string,
): Promise<{ dir: string; files: string[] }> {
  const json = stableJson(doc);
  for (const [what, value] of [
    ['document', doc],
    ['report.json', JSON.parse(json) as unknown],
  ] as const) {
    const { valid, errors } = validatePropertyReport(value);
    if (!valid)
      throw new Error(
        `writePropertyReport: ${what} of run '${doc.runId}' does not match the schema:\n${errors
          .slice(0, 20)
          .map((e) => `  - ${e}`)
          .join('\n')}`,
      );
  }
  const markdown = doc.kind === 'claims' ? renderClaimsMarkdown(doc) : renderPrunerMarkdown(doc);
  return writeDirectoryAtomically(
    outDir,
    doc.runId,
    new Map([
      ['report.md', markdown],
      ['report.json', json],
    ]),
  );
}

/** The sections every claims / check-pruner report ends with: the store, how to replay, the environment. */
function trailerSections(
  properties: Parameters<typeof storeSection>[0],
  doc: {
    command: string;
    settings: { seed: number; store: Parameters<typeof storeSection>[1] };
    environment: Parameters<typeof environmentLines>[0];
  },
): string[] {
  return [
    '## Counterexample store',
    '',
    ...storeSection(properties, doc.settings.store),
    '## How to replay',
    '',
    ...replayLines(doc.command, doc.settings.seed),
    '## Environment',
    '',
    ...environmentLines(doc.environment),
    '',
  ];
}
