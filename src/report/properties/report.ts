/**
 * Reports of `pruneproof claims` and `pruneproof check-pruner`: a JSON document (validated against
 * schema.ts, keys sorted by `stableJson`) and its markdown rendering, written atomically into
 * `<out>/<run-id>/{report.md, report.json}`. The run id is a readable prefix plus a hash of the settings.
 */
import type { PrunerCheckResult, PrunerComparison } from '../../properties/pruner-check';
import type { PropertyKind } from '../../testing/property';
import type { PropertyRunResult } from '../../properties/runner';
import type { SessionResult } from '../../properties/session';
import { contentHash, safeName } from '../../files/json';
import { writeDirectoryAtomically } from '../../files/atomic';
import { validatePropertyReport } from './schema';
import { renderHtmlPage } from '../html/page';
import {
  PROPERTY_REPORT_SCHEMA_VERSION,
  type ClaimsReportDocument,
  type PrunerReportDocument,
  type PropertyReportDocument,
  type SummaryLine,
} from './types';
import {
  anchorOf,
  code,
  data,
  heading,
  list as listBlock,
  paragraph,
  renderBlocksMarkdown,
  strong,
  tableBlock,
  type Block,
  type Inline,
  type Text,
} from '../blocks';
import { fmt } from '../format';
import type { Environment } from '../types';
import { stableJson } from '../write';

export { PROPERTY_REPORT_SCHEMA_VERSION } from './types';
export type { ClaimsReportDocument, PrunerReportDocument, PropertyReportDocument, SummaryLine } from './types';

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
// The report's blocks (src/report/blocks.ts): report.md and report.html render the same ones.

const KIND_MEANING: Record<PropertyKind, string> = {
  invariant: 'must hold on every case: a failure is a bug in pruneproof',
  claim: 'may fail outside its hypotheses: a failure is a finding',
  contract: "a pruner's obligation: a failure is a broken pruner",
};

/** The anchor of a property's section in the report. */
export function propertyAnchor(id: string): string {
  return anchorOf(id);
}

function summaryTable(lines: SummaryLine[]): Block {
  return tableBlock(
    ['property', 'kind', 'verdict', 'cases (passed / n.a. / evaluated)', 'detail'],
    lines.map((l): Text[] => [
      { anchor: propertyAnchor(l.id), text: data(l.id) },
      l.kind,
      { verdict: l.verdict },
      l.cases,
      data(l.detail),
    ]),
  );
}

function counts(record: Record<string, number>): Text {
  const entries = Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1));
  return entries.length ? entries.flatMap(([k, v], i): Inline[] => [...(i ? [', '] : []), data(k), `: ${v}`]) : '—';
}

function joined(parts: Inline[][], separator: string): Inline[] {
  return parts.flatMap((p, i) => (i ? [separator, ...p] : p));
}

function counterexampleBlocks(r: PropertyRunResult): Block[] {
  const ce = r.counterexample;
  if (!ce) return [];
  const hyps: Text = ce.violatedHypotheses.length
    ? joined(
        ce.violatedHypotheses.map((h) => [data(h.id), ' (', data(h.detail), ')']),
        '; ',
      )
    : 'none';
  const measured: Text = Object.keys(ce.measured).length
    ? joined(
        Object.entries(ce.measured).map(([k, v]) => [data(k), ` = ${fmt(v)}`]),
        ', ',
      )
    : '—';
  const origin = ce.fromStore ? 'replayed from the counterexample store' : 'found in this run';
  // Shrinking shares the property's time budget: when it ran out, this is the smallest case found so far.
  const cut = r.interrupted ? ' (shrinking cut short by the time limit: a longer --time-limit may shrink further)' : '';
  return [
    {
      kind: 'details',
      summary: `Counterexample (${ce.numShrinks} shrink step(s))`,
      blocks: [
        listBlock([
          [strong('What failed:'), ' ', data(ce.detail)],
          ...(ce.error ? [[strong('The property threw:'), ' ', data(ce.error)]] : []),
          ...(r.kind === 'contract' ? [] : [[strong('Violated hypotheses:'), ' ', hyps]]),
          [strong('Regimes:'), ' ', ce.regimes.length ? data(ce.regimes.join(', ')) : '—'],
          [
            strong('Origin:'),
            ` ${origin}; fast-check seed ${ce.seed}, path `,
            code(ce.path ?? 'n/a'),
            `, ${ce.numShrinks} shrink step(s)${cut}`,
          ],
          [strong('Measured:'), ' ', measured],
          strong('Shrunk case:'),
        ]),
        { kind: 'code', language: 'json', text: JSON.stringify(ce.case, null, 2) },
      ],
    },
  ];
}

/** One property: its verdict, statement and cases, then its counterexample folded. */
function propertySection(r: PropertyRunResult): Block[] {
  return [
    heading(3, [data(r.id), ' — ', { verdict: r.verdict }, ` (${r.kind})`], propertyAnchor(r.id)),
    { kind: 'quote', text: data(r.statement) },
    paragraph([
      `${r.kind}, source ${r.source}; cases ${r.cases.passed} passed / ${r.cases.notApplicable} not applicable / ` +
        `${r.cases.evaluated} evaluated`,
      ...(r.error ? ['; error: ', data(r.error)] : []),
      '.',
    ]),
    ...counterexampleBlocks(r),
  ];
}

function propertiesSection(results: PropertyRunResult[]): Block[] {
  return [
    heading(2, 'Properties', 'properties'),
    ...(results.length ? results.flatMap(propertySection) : [paragraph('No property was run.')]),
  ];
}

function coverageTable(results: PropertyRunResult[]): Block {
  return tableBlock(
    ['property', 'regimes of the evaluated cases', 'not applicable because', 'runs', 'seconds'],
    results.map((r): Text[] => [
      { anchor: propertyAnchor(r.id), text: data(r.id) },
      counts(r.regimes),
      counts(r.notApplicableReasons),
      `${r.cases.evaluated} of ${r.numRuns}${r.interrupted ? ' (time limit)' : ''} + ${r.shrinkEvaluations} shrink`,
      fmt(r.seconds),
    ]),
  );
}

function storeSection(results: PropertyRunResult[], dir: string | null): Block[] {
  if (!dir) return [paragraph('No counterexample store was used (nothing replayed, nothing recorded).')];
  const replays = results.filter((r) => r.replay);
  const recorded = results.filter((r) => r.counterexample);
  return [
    paragraph([
      'Store: ',
      code(dir),
      ' — one JSON file per property (seed, path and shrunk case); stored cases are replayed before any generated case, and removed once they pass. Delete a file to explore that property afresh.',
    ]),
    replays.length
      ? tableBlock(
          ['property', 'stored case', 'replay'],
          replays.map((r): Text[] => [
            data(r.id),
            code(r.replay!.file),
            [`${r.replay!.status}: `, data(r.replay!.detail)],
          ]),
        )
      : paragraph('No stored counterexample was replayed.'),
    paragraph(
      recorded.length
        ? [
            'Recorded now: ',
            ...joined(
              recorded.map((r) => [data(r.id)]),
              ', ',
            ),
            '.',
          ]
        : 'Nothing recorded: no property failed.',
    ),
  ];
}

function environmentBlocks(env: Environment): Block[] {
  return [
    listBlock([
      ['Backend: ', data(env.backendDetail)],
      ['Node ', data(env.node), ', ', data(env.platform), `, ${env.cpus} CPU(s)`],
      [
        'Packages: ',
        ...joined(
          Object.entries(env.packages).map(([k, v]) => [data(k), ' ', data(v)]),
          ', ',
        ),
      ],
      ['Commit: ', data(env.commit ?? 'unknown')],
    ]),
  ];
}

function replayBlocks(command: string, seed: number): Block[] {
  return [
    { kind: 'code', language: 'sh', text: command, copy: true },
    paragraph([
      `Cases come from fast-check with seed ${seed}; each counterexample lists its seed and path, so `,
      code('fc.check(property, { seed, path })'),
      ' replays it with the same generator, and the stored case replays it whatever the generator.',
    ]),
  ];
}

function claimsHeadline(doc: ClaimsReportDocument): Block {
  const failures = doc.properties.filter((r) => r.verdict === 'FAIL');
  const defects = failures.filter((r) => r.kind !== 'claim' || r.error);
  const findings = failures.length - defects.length;
  return {
    kind: 'headline',
    verdict: defects.length ? 'FAIL' : 'PASS',
    text: [
      defects.length
        ? strong(`${defects.length} invariant or contract failure(s): a bug to fix.`)
        : 'No invariant failed.',
      ` ${findings} claim(s) FAILed on some generated case (findings, listed below with the hypotheses each violates).`,
    ],
    blocks: [
      paragraph(
        `The statements of THEORY.md §6 as fast-check properties over generated pre-trained cases (seed ${doc.settings.seed}, ${doc.settings.quick ? 'quick' : 'full'} session, ${doc.settings.timeLimitSeconds} s per property, pruner ${doc.settings.pruner}). Created ${doc.createdAt} in ${fmt(doc.wallSeconds)} s.`,
      ),
    ],
  };
}

/** The claims report as blocks, in page order. */
export function claimsReportBlocks(doc: ClaimsReportDocument): Block[] {
  return [
    heading(1, ['pruneproof claims — ', data(doc.runId)]),
    claimsHeadline(doc),
    heading(2, 'Summary', 'summary'),
    summaryTable(doc.summary),
    listBlock(Object.entries(KIND_MEANING).map(([k, v]): Text => [strong(k), `: ${v}.`])),
    ...propertiesSection(doc.properties),
    heading(2, 'Coverage', 'coverage'),
    paragraph(
      'Regimes of the cases each property evaluated before its first failure (fast-check stops exploring there), and why cases were out of scope.',
    ),
    coverageTable(doc.properties),
    ...trailerSections(doc.properties, doc),
  ];
}

/** report.md of a claims report. */
export function renderClaimsMarkdown(doc: ClaimsReportDocument): string {
  return renderBlocksMarkdown(claimsReportBlocks(doc), 'all');
}

function comparisonBlocks(c: PrunerComparison | null, skipped: string | null): Block[] {
  if (!c) return [paragraph(['Skipped: ', data(skipped ?? 'not run'), '.'])];
  const rows = tableBlock(
    ['pruner', 'cases', 'mean loss', 'geometric mean loss / greedy', 'cases with loss ≤ greedy'],
    c.rows.map((r): Text[] => [
      data(r.pruner),
      String(r.cases),
      fmt(r.meanLoss),
      fmt(r.geometricMeanRatioToGreedy),
      String(r.atMostGreedy),
    ]),
  );
  const perCase = tableBlock(
    ['case', ...c.pruners.map(data)],
    c.cases.map((k): Text[] => [
      data(
        `m=${k.case.dataset.m} d=${k.case.dataset.d} ${k.case.dataset.labels} N=${k.case.width} n=${k.case.n} ${k.case.parameterisation} T=${k.case.iterations}`,
      ),
      ...c.pruners.map((p): Text => (k.errors[p] ? ['error: ', data(k.errors[p])] : fmt(k.losses[p]))),
    ]),
  );
  return [
    paragraph(
      "Normalised training loss ‖f_S − y‖²/(2m) of each pruner at the end of pre-training (t = T), at the case's n, on the same generated cases.",
    ),
    rows,
    { kind: 'details', summary: `Per case: ${c.cases.length} case(s)`, blocks: [perCase] },
  ];
}

function prunerHeadline(doc: PrunerReportDocument): Block {
  return {
    kind: 'headline',
    verdict: doc.passed ? 'CONFORMS' : 'BREAKS ITS CONTRACT',
    text: doc.passed
      ? 'every pruner contract held on the generated cases.'
      : [
          ...joined(
            doc.brokenContracts.map((id) => [{ anchor: propertyAnchor(id), text: data(id) }]),
            ', ',
          ),
          '. The shrunk counterexamples below are the smallest cases found that expose each break.',
        ],
    blocks: [
      paragraph([
        'Pruner ',
        code(doc.pruner.name),
        ...(doc.module ? [' from ', code(doc.module)] : []),
        ` (prefixConsistent: ${doc.pruner.prefixConsistent}); run ${doc.runId}, seed ${doc.settings.seed}, ${doc.settings.quick ? 'quick' : 'full'}, ${doc.settings.timeLimitSeconds} s per property; created ${doc.createdAt} in ${fmt(doc.wallSeconds)} s.`,
      ]),
    ],
  };
}

/** The check-pruner report as blocks, in page order. */
export function prunerReportBlocks(doc: PrunerReportDocument): Block[] {
  const all = [...doc.contracts, ...doc.claims];
  return [
    heading(1, ['pruneproof check-pruner — ', data(doc.pruner.name)]),
    prunerHeadline(doc),
    heading(2, 'Summary', 'summary'),
    summaryTable(doc.summary),
    listBlock([
      [strong('contract'), `: ${KIND_MEANING.contract} (exit code 1).`],
      [
        strong('claim'),
        ': B2, B2′ and B3 are proved for greedy forward selection only; with this pruner in its place they are claims, and a failure is a finding about the pruner, not a contract break.',
      ],
    ]),
    ...propertiesSection(all),
    heading(2, 'Claims with this pruner', 'claims-with-this-pruner'),
    ...(doc.claims.length
      ? [coverageTable(doc.claims)]
      : [paragraph(['Skipped: ', data(doc.skipped ?? 'not run'), '.'])]),
    heading(2, 'Comparison with greedy, random and magnitude', 'comparison'),
    ...comparisonBlocks(doc.comparison, doc.skipped),
    heading(2, 'Contract coverage', 'contract-coverage'),
    coverageTable(doc.contracts),
    ...trailerSections(all, doc),
  ];
}

/** report.md of a check-pruner report. */
export function renderPrunerMarkdown(doc: PrunerReportDocument): string {
  return renderBlocksMarkdown(prunerReportBlocks(doc), 'all');
}

/** A claims or check-pruner report as blocks. */
export function propertyReportBlocks(doc: PropertyReportDocument): Block[] {
  return doc.kind === 'claims' ? claimsReportBlocks(doc) : prunerReportBlocks(doc);
}

/** report.html of a claims or check-pruner report; `json` is its report.json text. */
export function renderPropertyReportHtml(doc: PropertyReportDocument, json: string): string {
  const title = doc.kind === 'claims' ? `pruneproof claims ${doc.runId}` : `pruneproof check-pruner ${doc.pruner.name}`;
  return renderHtmlPage({ title, blocks: propertyReportBlocks(doc), svgs: new Map(), json });
}

/** Validates and writes `<outDir>/<runId>/{report.md, report.html, report.json}` atomically. */
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
  const markdown = renderBlocksMarkdown(propertyReportBlocks(doc), 'all');
  return writeDirectoryAtomically(
    outDir,
    doc.runId,
    new Map([
      ['report.md', markdown],
      ['report.html', renderPropertyReportHtml(doc, json)],
      ['report.json', json],
    ]),
  );
}

/** The sections every claims / check-pruner report ends with: the store, how to replay, the environment. */
function trailerSections(
  properties: PropertyRunResult[],
  doc: { command: string; settings: { seed: number; store: string | null }; environment: Environment },
): Block[] {
  return [
    heading(2, 'Counterexample store', 'counterexample-store'),
    ...storeSection(properties, doc.settings.store),
    heading(2, 'How to replay', 'how-to-replay'),
    ...replayBlocks(doc.command, doc.settings.seed),
    heading(2, 'Environment', 'environment'),
    ...environmentBlocks(doc.environment),
  ];
}
