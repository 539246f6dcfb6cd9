/** The resource estimate of `verify`: monotone in the sizes, and a run that cannot fit is refused naming the estimate. */
import { DEFAULT_SYNTHETIC } from '../../src/experiment/defaults';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasetShape, estimateResources, requireFits, describeEstimate } from '../../src/cli/resources';
import type { EngineName } from '../../src/engine/types';
import type { ReportDocument } from '../../src/report/types';

const shape = { d: DEFAULT_SYNTHETIC.dataset.kind === 'synthetic' ? DEFAULT_SYNTHETIC.dataset.d : 16, outputs: 1 };

describe('estimateResources', () => {
  it('peak memory and time grow with m and with the width N; more workers raise the peak and lower the time', () => {
    const at = (m: number, width = 1000, workers = 2) =>
      estimateResources({ ...DEFAULT_SYNTHETIC, mGrid: [m], width }, shape, workers);
    expect(at(2000).peakBytes).toBeGreaterThan(at(400).peakBytes);
    expect(at(2000).seconds).toBeGreaterThan(at(400).seconds);
    expect(at(400, 4000).peakBytes).toBeGreaterThan(at(400).peakBytes);
    expect(at(400, 1000, 1).peakBytes).toBeLessThan(at(400).peakBytes);
    expect(at(400, 1000, 1).seconds).toBeGreaterThan(at(400).seconds);
  });

  it('an SGD step costs less than a GD step: the time falls with the batch size, never below the forward pass on all m', () => {
    const at = (batchSize: number | null) =>
      estimateResources({ ...DEFAULT_SYNTHETIC, mGrid: [2000], batchSize }, shape, 1).seconds;
    expect(at(100)).toBeLessThan(at(1000));
    expect(at(1000)).toBeLessThan(at(null));
    expect(at(5000)).toBe(at(null));
  });

  it('refuses a run whose peak exceeds the free memory, with the estimate in the message; accepts one that fits', () => {
    const e = estimateResources({ ...DEFAULT_SYNTHETIC, mGrid: [100000] }, shape, 2);
    expect(() => requireFits(e, 'cpu', e.peakBytes - 1)).toThrow(
      /does not fit: estimated peak memory [\d.]+ GB .* free memory\. .*--force/,
    );
    expect(() => requireFits(e, 'cpu', e.peakBytes + 1)).not.toThrow();
    const runs = DEFAULT_SYNTHETIC.seeds.length;
    expect(describeEstimate(e)).toMatch(new RegExp(`estimated time [\\d.]+ (h|min) for ${runs} run\\(s\\)`));
  });

  it("on wasm, refuses a run that needs more than a thread's 4 GiB heap whatever the free memory", () => {
    const e = estimateResources({ ...DEFAULT_SYNTHETIC, mGrid: [1000000] }, shape, 1);
    expect(() => requireFits(e, 'wasm', Infinity)).toThrow(/wasm backend's 4 GiB heap/);
  });
});

describe('estimateResources against the committed reference reports', () => {
  // The estimate is stated as ±50 %: each reference's measured wall time must lie within a factor 2 of it.
  const reports = readdirSync(join(__dirname, '../../reports'))
    .map((dir) => join(__dirname, '../../reports', dir, 'report.json'))
    .filter((path) => existsSync(path))
    .map((path) => JSON.parse(readFileSync(path, 'utf8')) as ReportDocument);

  it('there are references to compare with', () => expect(reports.length).toBeGreaterThanOrEqual(3));

  it.each(reports.map((doc) => [doc.runId, doc] as const))(
    '%s: measured wall time within a factor 2 of the estimate',
    (_id, doc) => {
      const workers = Math.min(doc.environment.cpus, doc.runs.length);
      const estimate = estimateResources(
        doc.config,
        datasetShape(doc.config.dataset),
        workers,
        doc.environment.engine!.name as EngineName,
      );
      const ratio = doc.wallSeconds / estimate.seconds;
      expect(ratio).toBeGreaterThan(0.5);
      expect(ratio).toBeLessThan(2);
    },
  );
});
