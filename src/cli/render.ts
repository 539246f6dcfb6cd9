/**
 * `pruneproof render <report dir>…`: writes report.md, report.html and the plots of a report again from its own
 * report.json (verify, merge, claims or check-pruner), with the current renderers. The numbers are the JSON's:
 * nothing is recomputed, and report.json itself is rewritten to the same bytes.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { writePropertyReport, type PropertyReportDocument } from '../report/properties/report';
import { validatePropertyReport } from '../report/properties/schema';
import { validateReport } from '../report/verify/schema';
import type { ReportDocument } from '../report/types';
import { writeReport } from '../report/write';
import { InputError } from './errors';

type Loaded = { kind: 'verify'; doc: ReportDocument } | { kind: 'property'; doc: PropertyReportDocument };

function readReportJson(dir: string): Loaded {
  const file = join(dir, 'report.json');
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`render: cannot read ${file} as JSON (${(e as Error).message})`);
  }
  const property = typeof doc === 'object' && doc !== null && 'kind' in doc;
  const { valid, errors } = property ? validatePropertyReport(doc) : validateReport(doc);
  if (!valid) throw new InputError(`render: ${file} is not a pruneproof report (${errors.slice(0, 3).join('; ')})`);
  return property
    ? { kind: 'property', doc: doc as PropertyReportDocument }
    : { kind: 'verify', doc: doc as ReportDocument };
}

/** Renders each report folder again in place; returns the folders written. */
export async function renderCommand(dirs: string[]): Promise<string[]> {
  const loaded = dirs.map((d) => ({ dir: resolve(d), report: readReportJson(resolve(d)) }));
  const written: string[] = [];
  for (const { dir, report } of loaded) {
    if (basename(dir) !== report.doc.runId)
      throw new InputError(
        `render: ${dir} holds the report of run '${report.doc.runId}'; a report folder is named by its run id`,
      );
    const result =
      report.kind === 'verify'
        ? await writeReport(report.doc, dirname(dir))
        : await writePropertyReport(report.doc, dirname(dir));
    written.push(result.dir);
    process.stdout.write(`pruneproof render: ${result.dir} (${result.files.join(', ')})\n`);
  }
  return written;
}
