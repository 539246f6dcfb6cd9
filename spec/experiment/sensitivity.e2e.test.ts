/**
 * The sensitivity table (config.sensitivity): every alternative target gets its own refined t_crit per run and
 * its own calibrated scaling analysis; the design's own target is the analysis already in `scaling`.
 * Real MNIST digits, a tiny grid (two m, so the scaling analyses stay uncalibrated and the spec fast), one worker.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/capture';
import { EXIT } from '../../src/cli/errors';
import type { RunResult, SensitivityRow } from '../../src/experiment/types';
import { renderMarkdown } from '../../src/report/verify/markdown';
import { validateReport } from '../../src/report/verify/schema';
import type { ReportDocument } from '../../src/report/types';

const dir = mkdtempSync(join(tmpdir(), 'pruneproof-sensitivity-'));
const EPSILON_REL = 0.4;
const ACCURACY_REL = 0.95;

function writeConfig(name: string, fields: Record<string, unknown>): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(fields));
  return path;
}

const TINY_MNIST = [
  '--dataset',
  'mnist',
  '--m',
  '20,40',
  '--seeds',
  '1,2',
  '--width',
  '30',
  '--n',
  '10,30',
  '--iterations',
  '60',
  '--checkpoints',
  '5',
  '--epsilon-rel',
  String(EPSILON_REL),
  '--target-accuracy-rel',
  String(ACCURACY_REL),
  '--quiet',
  '--workers',
  '1',
  '--store',
  join(dir, 'store'),
];

let doc: ReportDocument;

beforeAll(async () => {
  // The design's own targets appear among the alternatives too: their refined times must equal the main ones.
  const config = writeConfig('sensitivity', {
    sensitivity: { epsilonRelative: [0.3, EPSILON_REL, 0.6], targetAccuracyRelative: [0.8, ACCURACY_REL] },
  });
  const out = join(dir, 'reports');
  const { code, err } = await runCli(['verify', '--config', config, ...TINY_MNIST, '--out', out]);
  expect({ code, err }).toEqual({ code: EXIT.ok, err: expect.any(String) });
  const [runDir] = readdirSync(out);
  doc = JSON.parse(readFileSync(join(out, runDir, 'report.json'), 'utf8')) as ReportDocument;
}, 300_000);

const timeOf = (r: RunResult, kind: 'loss' | 'accuracy', relative: number) =>
  r.critical.sensitivity?.find((s) => s.kind === kind && s.relative === relative);

describe('sensitivity targets per run', () => {
  it('the report is schema-valid and every run has one refined t_crit per alternative target, at the largest n', () => {
    expect(validateReport(doc)).toEqual({ valid: true, errors: [] });
    for (const r of doc.runs) {
      expect(r.critical.sensitivity?.map((s) => `${s.kind}:${s.relative}:${s.n}`)).toEqual([
        'loss:0.3:30',
        `loss:${EPSILON_REL}:30`,
        'loss:0.6:30',
        'accuracy:0.8:30',
        `accuracy:${ACCURACY_REL}:30`,
      ]);
    }
  });

  it("an alternative equal to the design's target reproduces the main t_crit exactly (same bracket, same refinement)", () => {
    // Not vacuous: some of these times are reached and refined, so equal nulls alone cannot pass it.
    for (const kind of ['loss', 'accuracy'] as const) {
      const relative = kind === 'loss' ? EPSILON_REL : ACCURACY_REL;
      expect(doc.runs.some((r) => timeOf(r, kind, relative)!.method === 'bisection')).toBe(true);
    }
    for (const r of doc.runs) {
      const { n, ...mainLoss } = r.critical.tCrit.find((c) => c.n === 30)!;
      const { n: nAcc, ...mainAccuracy } = r.critical.tCritAccuracy.find((c) => c.n === 30)!;
      expect([n, nAcc]).toEqual([30, 30]);
      const loss = timeOf(r, 'loss', EPSILON_REL)!;
      const accuracy = timeOf(r, 'accuracy', ACCURACY_REL)!;
      expect(loss.value).toBeCloseTo(r.epsilon, 12);
      expect(accuracy.value).toBeCloseTo(r.targetAccuracy!, 12);
      expect({ t: loss.t, lo: loss.lo, censoredAt: loss.censoredAt, method: loss.method }).toEqual({
        t: mainLoss.t,
        lo: mainLoss.lo,
        censoredAt: mainLoss.censoredAt,
        method: mainLoss.method,
      });
      expect({ t: accuracy.t, lo: accuracy.lo, censoredAt: accuracy.censoredAt }).toEqual({
        t: mainAccuracy.t,
        lo: mainAccuracy.lo,
        censoredAt: mainAccuracy.censoredAt,
      });
    }
  });

  it('absolute targets scale with their relative factor: ε ∝ relative, accuracy ∝ relative', () => {
    for (const r of doc.runs) {
      expect(timeOf(r, 'loss', 0.6)!.value / timeOf(r, 'loss', 0.3)!.value).toBeCloseTo(2, 12);
      expect(timeOf(r, 'accuracy', 0.8)!.value / timeOf(r, 'accuracy', ACCURACY_REL)!.value).toBeCloseTo(
        0.8 / ACCURACY_REL,
        12,
      );
    }
  });
});

describe('the sensitivity table', () => {
  const rows = (): SensitivityRow[] => doc.sensitivity ?? [];

  it("has the design's own rows (the analyses in `scaling`) and one row per alternative, loss first, by target", () => {
    expect(rows().map((r) => `${r.kind}:${r.relative}:${r.preregistered}`)).toEqual([
      'loss:0.3:false',
      `loss:${EPSILON_REL}:true`,
      `loss:${EPSILON_REL}:false`,
      'loss:0.6:false',
      'accuracy:0.8:false',
      `accuracy:${ACCURACY_REL}:true`,
      `accuracy:${ACCURACY_REL}:false`,
    ]);
    const own = rows().filter((r) => r.preregistered);
    expect(own.map((r) => r.analysis)).toEqual([
      doc.scaling.find((s) => s.quantity === 't_crit(n=30)'),
      doc.scaling.find((s) => s.quantity === 't_crit_acc(n=30)'),
    ]);
  });

  it("an alternative equal to the design's target reaches the same decision on the same observations", () => {
    for (const kind of ['loss', 'accuracy'] as const) {
      const same = rows().filter(
        (r) => r.kind === kind && r.relative === (kind === 'loss' ? EPSILON_REL : ACCURACY_REL),
      );
      expect(same).toHaveLength(2);
      expect(same[1].analysis.observations).toEqual(same[0].analysis.observations);
      expect(same[1].analysis.decision).toEqual(same[0].analysis.decision);
      expect(same[1].analysis.verdict).toBe(same[0].analysis.verdict);
    }
  });

  it('report.md shows the table with the design target marked', () => {
    const md = renderMarkdown(doc);
    const section = md.slice(md.indexOf('## Sensitivity to the target'), md.indexOf('## Configuration'));
    expect(section).toMatch(/\| \*\*ε = 0\.4 × ‖y‖²\/\(2m\)\*\* \(the design's target\) \|/);
    expect(section).toMatch(/\| accuracy ≥ 0\.8 × dense at T \|/);
    expect(section.match(/^\| (?!target|---)/gm)).toHaveLength(rows().length);
  });

  it('an invalid sensitivity target is rejected before any run, naming the field', async () => {
    const bad = writeConfig('bad', { sensitivity: { epsilonRelative: [1.5], targetAccuracyRelative: [] } });
    const { code, err } = await runCli(['verify', '--config', bad, ...TINY_MNIST, '--out', join(dir, 'bad')]);
    expect(code).toBe(EXIT.badInput);
    expect(err).toMatch(/sensitivity\/epsilonRelative\/0/);
    expect(err).not.toMatch(/\n\s+at /);
  });
});
