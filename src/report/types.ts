/** The conformance report document: what report.json holds and report.md/plots render. */
import type { ExperimentConfig } from '../experiment/config';
import type { CheckResult, RunResult, ScalingResult, SensitivityRow, Verdict } from '../experiment/types';

/** 2: one `checks` list from the check registry (VACUOUS and UNDECIDED verdicts) instead of claims + invariants. */
export const REPORT_SCHEMA_VERSION = 2;

export interface Environment {
  backend: string;
  backendDetail: string;
  node: string;
  platform: string;
  cpus: number;
  /** Exact versions of the numerical packages that produced the numbers. */
  packages: Record<string, string>;
  /** git commit of pruneproof (with "-dirty" when the tree had changes), or null outside a checkout. */
  commit: string | null;
  /** The engine that ran GD (name, version, intra-op threads per run, precision); absent for tfjs-only commands. */
  engine?: { name: string; version: string; threads: number; precision: string };
}

/** One bound or hypothesis expression, as the theory module states it, for the report. */
export interface ExpressionRecord {
  id: string;
  label: string;
  statement: string;
  expression: string;
  latex: string;
  /** True when the expression was replaced from the config file. */
  overridden: boolean;
}

export interface SummaryRow {
  /** What was checked, e.g. "B3: greedy loss within B2′ once t ≥ T*(m)". */
  check: string;
  kind: 'invariant' | 'claim' | 'scaling';
  verdict: Verdict | ScalingResult['verdict'] | ScalingResult['logBound']['verdict'];
  detail: string;
}

/** report.json of `verify`: config, environment, the runs' measurements, the checks' verdicts, the scaling fits. */
export interface ReportDocument {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  runId: string;
  /** ISO time the run finished. */
  createdAt: string;
  /** The command line that produced the report (replays it with the same config file). */
  command: string;
  config: ExperimentConfig;
  /** Why the config's values were chosen (shown in the report). */
  configRationale: string[];
  environment: Environment;
  /** From the first run to the conclusion (runs and scaling analysis). */
  wallSeconds: number;
  /** The scaling analysis's share of wallSeconds (absent in older reports). */
  analysisSeconds?: number;
  expressions: ExpressionRecord[];
  summary: SummaryRow[];
  runs: RunResult[];
  scaling: ScalingResult[];
  /** The verdict on t_crit at the largest n under the design's target and each alternative one (absent in older reports). */
  sensitivity?: SensitivityRow[];
  /** Every check of the registry aggregated over all runs (each run also keeps its own). */
  checks: CheckResult[];
  /** Symbolic derivation of dT*(m)/d(ln m), from the theory module. */
  derivation: { statement: string; result: string; latex: string }[];
  /** Present when the analysis was re-run on stored runs (`pruneproof reconclude`): which code did what. */
  reconcluded?: Reconcluded;
}

/** A report re-concluded from another report's runs: the runs' commit and the analysis's commit. */
export interface Reconcluded {
  /** The commit that computed the runs (environment describes that computation). */
  runsCommit: string | null;
  /** The commit whose analysis (checks, scaling, sensitivity, summary) concluded this report. */
  analysisCommit: string | null;
  /** The report the runs were read from, and when that report was made. */
  from: string;
  fromCreatedAt: string;
}
