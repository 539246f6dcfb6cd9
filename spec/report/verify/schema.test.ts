import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPORT_SCHEMA, validateReport, VOLATILE_FIELDS, withoutVolatile } from '../../../src/report/verify/schema';
import type { ReportDocument } from '../../../src/report/types';
import { buildReportFixture, FITTED_SCALING_OPTIONS } from '../fixture';

/** A deep copy that keeps NaN/Infinity (unlike a JSON round trip). */
function copy(doc: ReportDocument): ReportDocument {
  return structuredClone(doc);
}

function expectInvalid(doc: unknown, ...fragments: RegExp[]): string[] {
  const { valid, errors } = validateReport(doc);
  expect(valid).toBe(false);
  expect(errors.length).toBeGreaterThan(0);
  for (const f of fragments) expect(errors.join('\n')).toMatch(f);
  return errors;
}

describe('report schema', () => {
  /** Built once (its scaling analyses take a second or two); tests mutate copies. */
  const fitted = buildReportFixture(FITTED_SCALING_OPTIONS);

  it('is versioned by schemaVersion and names draft-07', () => {
    expect(REPORT_SCHEMA.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(String(REPORT_SCHEMA.$id)).toContain('report-v2');
  });

  it('accepts the regression and the classification fixtures, in memory and after a JSON round trip', () => {
    for (const doc of [buildReportFixture(), buildReportFixture({ classification: true })]) {
      expect(validateReport(doc)).toEqual({ valid: true, errors: [] });
      expect(validateReport(JSON.parse(JSON.stringify(doc)))).toEqual({ valid: true, errors: [] });
    }
  });

  it('accepts a larger sweep (5 m × 3 seeds × 12 checkpoints)', () => {
    const times = [0, 1, 2, 4, 7, 12, 20, 35, 60, 100, 170, 300];
    const doc = buildReportFixture({ ms: [16, 32, 64, 128, 256], seeds: [1, 2, 3], times });
    expect(validateReport(doc).errors).toEqual([]);
  });

  it('accepts a document whose scaling analyses carry fits and a calibration', () => {
    const doc = copy(fitted);
    expect(doc.scaling.every((s) => s.fits.length > 0 && s.calibration !== null)).toBe(true);
    expect(validateReport(JSON.parse(JSON.stringify(doc)))).toEqual({ valid: true, errors: [] });
  });

  it('rejects the deletion of any field of the report, a run, its critical times, a checkpoint, the config, the environment and a scaling fit', () => {
    const base = fitted;
    const targets: [string, (d: ReportDocument) => Record<string, unknown>][] = [
      ['', (d) => d as unknown as Record<string, unknown>],
      ['/runs/0', (d) => d.runs[0] as unknown as Record<string, unknown>],
      ['/runs/0/critical', (d) => d.runs[0].critical as unknown as Record<string, unknown>],
      ['/runs/0/critical/tCrit/2', (d) => d.runs[0].critical.tCrit[2] as unknown as Record<string, unknown>],
      ['/runs/0/checkpoints/1', (d) => d.runs[0].checkpoints[1] as unknown as Record<string, unknown>],
      ['/config', (d) => d.config as unknown as Record<string, unknown>],
      ['/environment', (d) => d.environment as unknown as Record<string, unknown>],
      ['/scaling/0', (d) => d.scaling[0] as unknown as Record<string, unknown>],
      ['/scaling/0/fits/0', (d) => d.scaling[0].fits[0] as unknown as Record<string, unknown>],
    ];
    // Fields newer reports add and older ones lack stay optional.
    const optional = new Set(['analysisSeconds']);
    let checked = 0;
    for (const [path, pick] of targets) {
      for (const key of Object.keys(pick(base)).filter((k) => !optional.has(k))) {
        const doc = copy(base);
        delete pick(doc)[key];
        expect(expectInvalid(doc)).toContain(`${path || '/'}: must have required property '${key}'`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(60);
  });

  it('rejects a verdict string outside the enums, naming the allowed values', () => {
    const doc = copy(buildReportFixture());
    doc.summary[0].verdict = 'PASSED' as never;
    expectInvalid(doc, /\/summary\/0\/verdict/, /PASS \| FAIL \| VACUOUS \| UNDECIDED \| NOT APPLICABLE/);
    const claim = copy(buildReportFixture());
    claim.runs[1].checks[0].verdict = 'pass' as never;
    expectInvalid(claim, /\/runs\/1\/checks\/0\/verdict/);
    const scaling = copy(buildReportFixture());
    scaling.scaling[0].verdict = 'logarithmic' as never;
    expectInvalid(scaling, /\/scaling\/0\/verdict/);
    const method = copy(buildReportFixture());
    method.runs[0].critical.tIn.method = 'guessed' as never;
    expectInvalid(method, /\/runs\/0\/critical\/tIn\/method/);
  });

  it('rejects a critical time with a negative or fractional bound, and a scaling observation with negative lo', () => {
    const negative = copy(buildReportFixture());
    negative.runs[0].critical.tCrit[2].lo = -1;
    expectInvalid(negative, /\/runs\/0\/critical\/tCrit\/2\/lo/);
    const fractional = copy(buildReportFixture());
    fractional.runs[1].critical.tDense.t = 7.5;
    expectInvalid(fractional, /\/runs\/1\/critical\/tDense\/t/);
    const observation = copy(buildReportFixture());
    observation.scaling[0].observations[0].lo = -3;
    expectInvalid(observation, /\/scaling\/0\/observations\/0\/lo/);
  });

  it('rejects NaN and Infinity in memory, including in nullable fields (JSON would write null)', () => {
    const nan = copy(buildReportFixture());
    nan.runs[0].checkpoints[1].residual = NaN;
    expectInvalid(nan, /\/runs\/0\/checkpoints\/1\/residual/, /NaN and ±Infinity are not allowed/);
    const nullable = copy(buildReportFixture());
    nullable.runs[0].tightness = NaN;
    expectInvalid(nullable, /\/runs\/0\/tightness/);
    const inf = copy(buildReportFixture());
    inf.runs[1].residualCurve[3] = Infinity;
    expectInvalid(inf, /\/runs\/1\/residualCurve\/3/);
  });

  it('rejects the null that a NaN becomes after JSON.stringify in a non-nullable field', () => {
    const doc = copy(fitted);
    doc.runs[0].checkpoints[2].diameter = NaN;
    doc.scaling[0].fits[1].aicc = -Infinity;
    const roundTripped = JSON.parse(JSON.stringify(doc));
    expect(roundTripped.runs[0].checkpoints[2].diameter).toBeNull();
    expectInvalid(roundTripped, /\/runs\/0\/checkpoints\/2\/diameter/, /\/scaling\/0\/fits\/1\/aicc/);
  });

  it('rejects wrong types, unknown fields, a wrong schema version and an unsafe run id', () => {
    const version = copy(buildReportFixture());
    (version as { schemaVersion: number }).schemaVersion = 1;
    expectInvalid(version, /\/schemaVersion: must be 2/);
    const extra = copy(buildReportFixture());
    (extra.runs[0] as unknown as Record<string, unknown>).lambdaZero = 1;
    expectInvalid(extra, /\/runs\/0: unexpected field 'lambdaZero'/);
    const type = copy(buildReportFixture());
    (type.runs[0].checkpoints[0] as unknown as Record<string, unknown>).t = '0';
    expectInvalid(type, /\/runs\/0\/checkpoints\/0\/t/);
    const fractional = copy(buildReportFixture());
    fractional.runs[0].checkpoints[0].pruners[0].subnetworks[0].n = 2.5;
    expectInvalid(fractional, /subnetworks\/0\/n: must be integer/);
    for (const runId of ['../escape', 'a/b', '.hidden', '']) {
      const doc = copy(buildReportFixture());
      doc.runId = runId;
      expectInvalid(doc, /\/runId/);
    }
  });

  it('rejects a dataset config of unknown kind and an accuracy outside [0, 1]', () => {
    const kind = copy(buildReportFixture());
    (kind.config as unknown as { dataset: unknown }).dataset = { kind: 'cifar', d: 3 };
    expectInvalid(kind, /\/config\/dataset/);
    const acc = copy(buildReportFixture({ classification: true }));
    acc.runs[0].checkpoints[0].denseAccuracy = 1.5;
    expectInvalid(acc, /denseAccuracy: must be <= 1/);
  });

  it('requires a fit to carry its model’s parameters (a, b for log; c, alpha for power)', () => {
    const doc = copy(fitted);
    expect(doc.scaling[0].fits[1].model).toBe('power');
    doc.scaling[0].fits[1].params = { a: 1, b: 2 };
    expectInvalid(doc, /\/scaling\/0\/fits\/1\/params.*(c|alpha)/);
  });

  it('rejects checkpoints out of time order and duplicate (m, seed) runs', () => {
    const order = copy(buildReportFixture());
    order.runs[0].checkpoints.reverse();
    expectInvalid(order, /strictly increasing t/);
    const dup = copy(buildReportFixture());
    dup.runs.push(copy(buildReportFixture()).runs[0]);
    expectInvalid(dup, /duplicate run for m=16, seed=1/);
  });

  it('rejects non-objects without throwing', () => {
    for (const value of [null, 42, 'report', [], undefined]) expectInvalid(value);
  });
});

describe('volatile fields: one list, marked in the schema', () => {
  const leaf = (f: { path: string[] }) => f.path[f.path.length - 1];

  it('marks every timing-derived field, including refinement.shareOfRun and analysisSeconds', () => {
    const paths = VOLATILE_FIELDS.map((f) => f.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'createdAt',
        'wallSeconds',
        'analysisSeconds',
        'runs.[].seconds',
        'runs.[].refinement.seconds',
        'runs.[].refinement.shareOfRun',
        'runs.[].checkpoints.[].pruners.[].ms',
      ]),
    );
  });

  it('withoutVolatile drops exactly those fields: two reports differing only there become equal, others do not', () => {
    const a = buildReportFixture();
    const b = JSON.parse(JSON.stringify(a)) as typeof a;
    b.createdAt = '2030-01-01T00:00:00.000Z';
    b.analysisSeconds = (a.analysisSeconds ?? 0) + 5;
    b.runs[0].refinement.shareOfRun += 0.25;
    b.runs[0].checkpoints[0].pruners[0].ms += 3;
    expect(withoutVolatile(b)).toEqual(withoutVolatile(a));
    b.runs[0].refinement.replayedSteps += 1; // not volatile: a measured count
    expect(withoutVolatile(b)).not.toEqual(withoutVolatile(a));
  });

  it('docs/CLUSTER.md lists the same fields as the schema', () => {
    const doc = readFileSync(resolve(__dirname, '../../../docs/CLUSTER.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Volatile fields'));
    const named = new Set([...section.matchAll(/`([A-Za-z.]+)`/g)].map((m) => m[1].split('.').pop()!));
    for (const field of VOLATILE_FIELDS) expect(named).toContain(leaf(field));
  });
});
