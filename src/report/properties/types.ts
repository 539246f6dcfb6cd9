/** The claims and check-pruner report documents (report.json of `pruneproof claims` / `check-pruner`). */
import type { PrunerCheckSettings, PrunerComparison } from '../../properties/pruner-check';
import type { PropertyRunResult } from '../../properties/runner';
import type { SessionSettings } from '../../properties/session';
import type { Verdict } from '../../experiment/types';
import type { PropertyKind } from '../../testing/property';
import type { Environment } from '../types';

export const PROPERTY_REPORT_SCHEMA_VERSION = 1;

export interface SummaryLine {
  id: string;
  kind: PropertyKind;
  verdict: Verdict;
  /** "passed / not applicable / evaluated". */
  cases: string;
  detail: string;
}

interface ReportHeader {
  schemaVersion: typeof PROPERTY_REPORT_SCHEMA_VERSION;
  runId: string;
  /** ISO time the run finished. */
  createdAt: string;
  /** The command line that produced the report. */
  command: string;
  environment: Environment;
  wallSeconds: number;
}

export interface ClaimsReportDocument extends ReportHeader {
  kind: 'claims';
  settings: SessionSettings;
  summary: SummaryLine[];
  properties: PropertyRunResult[];
}

export interface PrunerReportDocument extends ReportHeader {
  kind: 'check-pruner';
  /** The module file the pruner was loaded from (null when checked in-process). */
  module: string | null;
  pruner: { name: string; prefixConsistent: boolean };
  /** Every contract met. */
  passed: boolean;
  brokenContracts: string[];
  skipped: string | null;
  settings: PrunerCheckSettings;
  summary: SummaryLine[];
  contracts: PropertyRunResult[];
  claims: PropertyRunResult[];
  comparison: PrunerComparison | null;
}

export type PropertyReportDocument = ClaimsReportDocument | PrunerReportDocument;
