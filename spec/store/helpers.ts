/** Shared by the run-store tests: the CLI in-process, tiny sweeps, and report comparison without timings. */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ReportDocument } from '../../src/report/types';
import { withoutVolatile } from '../../src/report/verify/schema';
import { MANIFEST_DIR } from '../../src/store/run-store';

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

/** A report without the fields the report schema marks volatile: two runs of a sweep agree on everything else. */
export { withoutVolatile };

/** The store's entries other than its sweep manifests: run files, and any temporary left behind. */
export function storeFiles(dir: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((n) => n !== MANIFEST_DIR)
        .sort()
    : [];
}
