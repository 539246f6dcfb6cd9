/** report.html of a verify or merge report, from the same blocks as its report.md. */
import { reportBlocks } from '../verify/markdown';
import type { ReportDocument } from '../types';
import { renderHtmlPage } from './page';
import type { PlotSvgs } from './render';

/** report.html of a verify or merge report; `json` is its report.json text, `svgs` its plots by file name. */
export function renderReportHtml(doc: ReportDocument, json: string, svgs: PlotSvgs): string {
  return renderHtmlPage({ title: `pruneproof report ${doc.runId}`, blocks: reportBlocks(doc), svgs, json });
}
