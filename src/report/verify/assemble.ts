/**
 * The report document of a `verify` experiment: its result, the theory as configured (expressions, LaTeX,
 * the T* derivation) and the summary verdict table. Pure: the same result and config give the same document.
 */
import {
  EXPRESSION_IDS,
  EXPRESSIONS,
  allExpressionsLatex,
  deriveTStarSlopes,
  resolveTheory,
  type TheoryOverrides,
} from '../../../theory';
import type { ExperimentConfig } from '../../experiment/config';
import { runId } from '../../experiment/config';
import type { ExperimentResult } from '../../experiment/verify';
import type { CheckResult, ScalingResult } from '../../experiment/types';
import {
  REPORT_SCHEMA_VERSION,
  type Environment,
  type ExpressionRecord,
  type ReportDocument,
  type SummaryRow,
} from '../types';

export interface ReportContext {
  environment: Environment;
  command: string;
  rationale: string[];
}

export function assembleReport(
  config: ExperimentConfig,
  result: ExperimentResult,
  context: ReportContext,
): ReportDocument {
  const slopes = deriveTStarSlopes(config.theory as TheoryOverrides);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    runId: runId(config),
    createdAt: new Date().toISOString(),
    command: context.command,
    config,
    configRationale: context.rationale,
    environment: context.environment,
    wallSeconds: result.wallSeconds,
    analysisSeconds: result.analysisSeconds,
    expressions: expressionRecords(config),
    summary: summaryRows(result.checks, result.scaling),
    runs: result.runs,
    scaling: result.scaling,
    sensitivity: result.sensitivity,
    checks: result.checks,
    derivation: [slopes.upperFixedEta, slopes.exactFixedEta, slopes.upperEtaH5, slopes.upperStableEta].map((s) => ({
      statement: s.description,
      result: `dT*/d(ln m) = ${s.derivative}${s.constantInLnM ? ' (constant in m: T* is linear in ln m)' : ' (depends on m: T* is not logarithmic in m)'}`,
      latex: s.latex,
    })),
  };
}

function expressionRecords(config: ExperimentConfig): ExpressionRecord[] {
  const overrides = config.theory as TheoryOverrides;
  const theory = resolveTheory(overrides);
  const latex = allExpressionsLatex(overrides);
  return EXPRESSION_IDS.map((id) => ({
    id,
    label: EXPRESSIONS[id].label,
    statement: EXPRESSIONS[id].statement,
    expression: theory.expressions[id].def.expr,
    latex: latex[id],
    overridden: theory.expressions[id].overridden,
  }));
}

/** The headline on a critical time: the one-sided verdict on O(log m), the four-law fit as its description. */
export function logBoundRow(s: ScalingResult): SummaryRow {
  return {
    check: logBoundCheck(s.quantity),
    kind: 'scaling',
    verdict: s.logBound.verdict,
    detail: `${s.logBound.reason}. ${describedAs(s)}`,
  };
}

/** The summary's name for the bound's check on a quantity. */
export function logBoundCheck(quantity: string): string {
  return `${quantity} grows at most like log m`;
}

/** The four-law description, in words: "best described by …" (or why no law is). */
export function describedAs(s: ScalingResult): string {
  const law =
    s.verdict === 'inconclusive'
      ? 'no one of the four laws (inconclusive)'
      : s.verdict.replace(/^(consistent with|better explained by) /, '');
  return `Best described by ${law}: ${s.reason}`;
}

function summaryRows(checks: CheckResult[], scaling: ScalingResult[]): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const s of scaling) rows.push(logBoundRow(s));
  for (const c of checks) {
    const hyps = c.violatedHypotheses.length ? ` [premises violated: ${c.violatedHypotheses.join(', ')}]` : '';
    rows.push({ check: `${c.id}: ${c.statement}`, kind: c.kind, verdict: c.verdict, detail: c.detail + hyps });
  }
  return rows;
}
