/** Shared by the run-store tests: the CLI in-process, tiny sweeps, and report comparison without timings. */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ReportDocument } from '../../src/report/types';

/** 4 runs of a second or so each: m ∈ {10, 20} × seeds {1, 2}. */
export const TINY_SWEEP = [
  '--quick',
  '--m',
  '10,20',
  '--seeds',
  '1,2',
  '--width',
  '20',
  '--iterations',
  '20',
  '--n',
  '4,8',
  '--quiet',
  '--workers',
  '1',
];

export { runCli as cli } from '../cli/capture';

/** The one report under a reports directory. */
export function readOnlyReport(outDir: string): ReportDocument {
  const ids = readdirSync(outDir).filter((d) => existsSync(join(outDir, d, 'report.json')));
  if (ids.length !== 1) throw new Error(`expected one report in ${outDir}, found ${ids.length}`);
  return JSON.parse(readFileSync(join(outDir, ids[0], 'report.json'), 'utf8')) as ReportDocument;
}

/** Fields that record when and how long, not what was measured. */
const TIMING = new Set([
  'createdAt',
  'wallSeconds',
  'analysisSeconds',
  'command',
  'seconds',
  'ms',
  'environment',
  'shareOfRun',
]);

/** A report with its timings removed: two runs of the same sweep must agree on everything else. */
export function withoutTimings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTimings);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !TIMING.has(k))
        .map(([k, v]) => [k, withoutTimings(v)]),
    );
  }
  return value;
}

export function storeFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}
