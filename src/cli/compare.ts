/**
 * `pruneproof compare A B … --out DIR [--force]`: reports or run stores (loaded as `diff` loads them) side by
 * side in DIR/compare.html, with DIR/compare.json and the overlaid plot DIR/critical-times.svg. Changes are
 * diff's: each input is diffed with the next one. Exit 1 when a verdict changed, 0 otherwise, 2 on bad input
 * or when DIR exists (without --force).
 */
import { existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { writeDirectoryAtomically } from '../files/atomic';
import { stableJson } from '../files/json';
import {
  COMPARE_PLOT,
  compareReports,
  comparisonBlocks,
  criticalTimesSpec,
  type ComparedPair,
  type ComparedReport,
} from '../report/compare';
import { renderHtmlPage } from '../report/html/page';
import { renderSvg } from '../report/vega';
import { load, pairSides, type Side } from './diff';
import { EXIT, InputError } from './errors';

/** compare's options: the output directory, and whether an existing one may be replaced. */
export interface CompareFlags {
  out: string;
  force?: boolean;
}

/** The page's columns: each report, or each sweep of a run store. */
function columnsOf(side: Side): ComparedReport[] {
  if (side.kind === 'report') return [{ label: side.path, report: side.report }];
  return side.sweeps.map((s, i) => ({
    label: side.sweeps.length === 1 ? side.path : `${side.path} (sweep ${i + 1}, code ${s.shared.code})`,
    report: s.report,
  }));
}

/** Runs `pruneproof compare`; returns the exit code (1 when diff finds a changed verdict). */
export async function compareCommand(inputs: string[], flags: CompareFlags): Promise<number> {
  if (inputs.length < 2) throw new InputError('compare: give at least two reports or run stores');
  const out = resolve(flags.out);
  if (existsSync(out) && !flags.force)
    throw new InputError(
      `compare: ${flags.out} already exists; pass --force to replace it, or --out another directory`,
    );
  const sides = inputs.map(load);
  const pairs: ComparedPair[] = [];
  const unpaired: string[] = [];
  for (let i = 0; i + 1 < sides.length; i++) {
    const found = pairSides(sides[i], sides[i + 1]);
    pairs.push(...found.pairs);
    unpaired.push(...found.unpaired);
  }
  const columns = sides.flatMap(columnsOf);
  const comparison = compareReports(columns, pairs, unpaired);
  const spec = criticalTimesSpec(columns);
  const svgs = new Map<string, string>(spec ? [[COMPARE_PLOT, await renderSvg(spec)]] : []);
  const json = stableJson(comparison);
  const html = renderHtmlPage({
    title: 'pruneproof comparison',
    blocks: comparisonBlocks(comparison, spec !== null),
    svgs,
    json,
  });
  const files = new Map([...svgs, ['compare.html', html], ['compare.json', json]]);
  const { dir } = await writeDirectoryAtomically(dirname(out), basename(out), files);
  const changes = comparison.verdicts.filter((v) => v.changed).length;
  process.stdout.write(
    `pruneproof compare: ${columns.length} reports, ${changes} verdicts changed; wrote ${dir}/compare.html\n`,
  );
  return comparison.verdictChanged ? EXIT.failed : EXIT.ok;
}
