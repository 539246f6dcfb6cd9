/**
 * Writes reports/<runId>/{report.md, report.html, report.json, *.svg} atomically: everything is rendered and
 * validated in memory, written into a temporary sibling directory, then renamed into place. A failure
 * at any step leaves neither a half-written report nor the temporary directory behind, and an
 * existing report of the same run id is replaced only once the new one is complete.
 */
import { writeDirectoryAtomically, type WriteDirectoryOptions } from '../files/atomic';
import { stableJson } from '../files/json';
export { stableJson } from '../files/json';
import { renderReportHtml } from './html/report';
import { renderMarkdown } from './verify/markdown';
import { renderPlots } from './verify/plots';
import { validateReport } from './verify/schema';
import type { ReportDocument } from './types';

export interface WriteReportOptions extends WriteDirectoryOptions {
  /** Plot renderer (default: every applicable plot of verify/plots.ts); replaceable for tests. */
  renderPlots?: (doc: ReportDocument) => Promise<{ file: string; svg: string }[]>;
}

const MAX_REPORTED_ERRORS = 20;
const PLOT_FILE = /^[a-z0-9][a-z0-9-]*\.svg$/;

function assertValid(doc: unknown, what: string): void {
  const { valid, errors } = validateReport(doc);
  if (valid) return;
  const shown = errors.slice(0, MAX_REPORTED_ERRORS).map((e) => `  - ${e}`);
  const more = errors.length > shown.length ? [`  … and ${errors.length - shown.length} more`] : [];
  throw new Error([`writeReport: ${what} does not match the report schema:`, ...shown, ...more].join('\n'));
}

/** Every file of the report, rendered in memory. Throws (and writes nothing) on an invalid document. */
async function renderFiles(doc: ReportDocument, options: WriteReportOptions): Promise<Map<string, string>> {
  // In memory first: NaN/Infinity are still visible here; JSON would turn them into null.
  const runId = typeof doc?.runId === 'string' ? doc.runId : '(no runId)';
  assertValid(doc, `report for run '${runId}'`);
  const json = stableJson(doc);
  assertValid(JSON.parse(json), `report.json of run '${runId}'`);
  const files = new Map<string, string>([
    ['report.md', renderMarkdown(doc)],
    ['report.json', json],
  ]);
  for (const { file, svg } of await (options.renderPlots ?? renderPlots)(doc)) {
    if (!PLOT_FILE.test(file) || files.has(file)) {
      throw new Error(`writeReport: invalid or duplicate plot file name '${file}' (expected e.g. 'loss-vs-t.svg')`);
    }
    files.set(file, svg);
  }
  const svgs = new Map([...files].filter(([file]) => file.endsWith('.svg')));
  files.set('report.html', renderReportHtml(doc, json, svgs));
  return files;
}

/**
 * Writes the report of `doc` to `<outDir>/<runId>/` and returns that directory and its file names
 * (sorted). Replaces an earlier report of the same run id unless `options.replace` is false.
 */
export async function writeReport(
  doc: ReportDocument,
  outDir: string,
  options: WriteReportOptions = {},
): Promise<{ dir: string; files: string[] }> {
  const files = await renderFiles(doc, options);
  return writeDirectoryAtomically(outDir, doc.runId, files, options);
}
