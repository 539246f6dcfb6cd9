/** Reports of `claims` and `check-pruner`: schema-valid JSON, markdown listing counterexamples with their hypotheses, atomic writes. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  claimsReportDocument,
  prunerReportDocument,
  renderClaimsMarkdown,
  renderPrunerMarkdown,
  renderPropertyReportHtml,
  writePropertyReport,
} from '../../../src/report/properties/report';
import { allElements, attr, byTag, parsePage, text } from '../html/dom';
import { validatePropertyReport } from '../../../src/report/properties/schema';
import { runSession } from '../../../src/properties/session';
import { CounterexampleStore } from '../../../src/properties/store';
import type { CaseOutcome, PropertyDefinition } from '../../../src/testing/property';
import type { Environment } from '../../../src/report/types';
import { stableJson } from '../../../src/report/write';
import type { PrunerCheckResult } from '../../../src/properties/pruner-check';

const environment: Environment = {
  backend: 'cpu',
  backendDetail: 'test backend',
  node: 'v20',
  platform: 'linux x64',
  cpus: 2,
  packages: { 'fast-check': '4.10.2' },
  commit: null,
};
const pruner = { name: 'greedy', prune: () => ({ selection: [0], lossPerStep: [0] }) };

function outcome(status: CaseOutcome['status'], detail: string): CaseOutcome {
  return {
    status,
    detail,
    regimes: ['N>m', 'λ0 large'],
    hypotheses: [
      { id: 'H4', holds: false, detail: 'H4 fails: N = 8 < 3.2e9 (factor 4e8)', factor: 4e8 },
      { id: 'H5', holds: true, detail: 'H5 holds', factor: null },
    ],
    measured: { tStar: Infinity, rate: 0.25 },
  };
}

function property(id: string, kind: 'invariant' | 'claim', fails: (x: number) => boolean): PropertyDefinition<number> {
  return {
    id,
    kind,
    source: '[R]',
    statement: `x < 50 for ${id} | with a pipe`,
    arbitrary: fc.integer({ min: 0, max: 100 }),
    parseCase: (v) => v as number,
    evaluate: async (x) => (fails(x) ? outcome('fail', `x = ${x} ≥ 50`) : outcome('pass', 'ok')),
    runs: { quick: 50, full: 50 },
    usesPruner: false,
  };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pruneproof-report-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function session() {
  return runSession({
    quick: true,
    timeLimitSeconds: 5,
    store: new CounterexampleStore(join(dir, 'db')),
    pruner,
    properties: [property('INV-test', 'invariant', () => false), property('CLAIM-test', 'claim', (x) => x >= 50)],
  });
}

describe('claims report', () => {
  it('is schema-valid JSON whose non-finite measurements became null, and renders every failure with its shrunk case and violated hypotheses', async () => {
    const doc = claimsReportDocument(await session(), {
      command: 'pruneproof claims --quick',
      environment,
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    expect(validatePropertyReport(doc)).toEqual({ valid: true, errors: [] });
    expect(doc.runId).toMatch(/^claims-[0-9a-f]{10}$/);
    expect(doc.summary.map((s) => [s.id, s.verdict])).toEqual([
      ['INV-test', 'PASS'],
      ['CLAIM-test', 'FAIL'],
    ]);
    const ce = doc.properties[1].counterexample!;
    expect(ce.case).toBe(50);
    expect(ce.measured).toEqual({ tStar: null, rate: 0.25 });
    const md = renderClaimsMarkdown(doc);
    for (const heading of [
      '## Summary',
      '## Properties',
      '## Coverage',
      '## Counterexample store',
      '## How to replay',
      '## Environment',
    ]) {
      expect(md).toContain(heading);
    }
    expect(md).toContain('### CLAIM-test — **FAIL** (claim)');
    expect(md).toContain('- **What failed:** x = 50 ≥ 50');
    expect(md).toContain('- **Violated hypotheses:** H4 (H4 fails: N = 8 &lt; 3.2e9 (factor 4e8))'); // '<' escaped as in report.md
    expect(md).toMatch(/fast-check seed 42, path `[\d:]+`/);
    expect(md).toContain('```json\n50\n```');
    expect(md).toContain(
      '### INV-test — **PASS** (invariant)\n\n> x &lt; 50 for INV-test | with a pipe\n\ninvariant, source [R]',
    );
    expect(md).toContain('No invariant failed. 1 claim(s) FAILed');
  });

  it('is written atomically as report.md + report.json (sorted keys), replacing an earlier report of the same run id', async () => {
    const doc = claimsReportDocument(await session(), { command: 'c', environment });
    const first = await writePropertyReport(doc, join(dir, 'reports'));
    expect(first.files).toEqual(['report.html', 'report.json', 'report.md']);
    expect(readdirSync(join(dir, 'reports'))).toEqual([doc.runId]);
    expect(readFileSync(join(first.dir, 'report.json'), 'utf8')).toBe(stableJson(doc));
    await writePropertyReport({ ...doc, wallSeconds: 1 }, join(dir, 'reports'));
    expect(JSON.parse(readFileSync(join(first.dir, 'report.json'), 'utf8')).wallSeconds).toBe(1);
    expect(readdirSync(join(dir, 'reports'))).toEqual([doc.runId]);
  });

  it('rejects a document with NaN before touching the disk, naming the field', async () => {
    const doc = claimsReportDocument(await session(), { command: 'c', environment });
    await expect(writePropertyReport({ ...doc, wallSeconds: NaN }, join(dir, 'out'))).rejects.toThrow(
      /\/wallSeconds: must be number \(NaN and ±Infinity are not allowed: JSON would write them as null\)/,
    );
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});

describe('check-pruner report', () => {
  it('says whether the pruner conforms, why not, and shows the comparison', async () => {
    const s = await session();
    const contract = { ...s.results[1], id: 'CONTRACT-size', kind: 'contract' as const, source: '[contract]' as const };
    const result: PrunerCheckResult = {
      pruner: 'my pruner',
      prefixConsistent: false,
      passed: false,
      brokenContracts: ['CONTRACT-size'],
      contracts: [contract],
      claims: [],
      comparison: {
        pruners: ['my pruner', 'greedy'],
        cases: [],
        rows: [{ pruner: 'greedy', cases: 0, meanLoss: null, geometricMeanRatioToGreedy: null, atMostGreedy: 0 }],
      },
      skipped: 'the pruner breaks CONTRACT-size',
      settings: { seed: 42, quick: true, timeLimitSeconds: 5, store: null },
      seconds: 1.5,
    };
    const doc = prunerReportDocument(result, { command: 'pruneproof check-pruner x.js', environment, module: 'x.js' });
    expect(validatePropertyReport(doc)).toEqual({ valid: true, errors: [] });
    expect(doc.runId).toMatch(/^check-pruner-my-pruner-[0-9a-f]{10}$/);
    const md = renderPrunerMarkdown(doc);
    expect(md).toContain('**BREAKS ITS CONTRACT**: [CONTRACT-size](report.html#CONTRACT-size).');
    expect(md).toContain('### CONTRACT-size — **FAIL** (contract)');
    expect(md).not.toContain('Violated hypotheses'); // contracts do not depend on the theory's hypotheses
    expect(md).toContain('Skipped: the pruner breaks CONTRACT-size.');
    expect(validatePropertyReport({ ...doc, kind: 'other' }).errors).toEqual([
      "/kind: must be 'claims' or 'check-pruner', got \"other\"",
    ]);
    expect(validatePropertyReport({ ...doc, extra: 1 }).errors).toContain("/: unexpected field 'extra'");
  });
});

describe('report.html of claims and check-pruner reports', () => {
  it('escapes a hostile pruner name, module path and error text: no extra element, each shown verbatim, every link resolves', async () => {
    const s = await session();
    const hostile = '</script><img src=x onerror=alert(1)>"\'&<!--';
    const contract = { ...s.results[1], id: 'CONTRACT-size', kind: 'contract' as const, error: hostile };
    const result: PrunerCheckResult = {
      pruner: hostile,
      prefixConsistent: true,
      passed: false,
      brokenContracts: ['CONTRACT-size'],
      contracts: [contract],
      claims: [s.results[0]],
      comparison: null,
      skipped: hostile,
      settings: { seed: 42, quick: true, timeLimitSeconds: 5, store: null },
      seconds: 1,
    };
    const doc = prunerReportDocument(result, { command: 'c', environment, module: `/tmp/${hostile}.js` });
    const { document, errors } = parsePage(renderPropertyReportHtml(doc, stableJson(doc)));
    expect(errors).toEqual([]);
    expect(byTag(document, 'img')).toEqual([]);
    expect(byTag(document, 'script').map((e) => attr(e, 'type') ?? 'code')).toEqual(['application/json', 'code']);
    const main = text(byTag(document, 'main')[0]);
    expect(main).toContain(`pruneproof check-pruner — ${hostile}`);
    expect(main).toContain(`/tmp/${hostile}.js`);
    expect(main).toContain(`error: ${hostile}`);
    const ids = allElements(document).flatMap((e) => attr(e, 'id') ?? []);
    for (const a of byTag(document, 'a')) expect(ids).toContain(attr(a, 'href')!.slice(1));
    for (const line of doc.summary) expect(ids).toContain(line.id);
  });
});
