/**
 * The rate checks re-applied to a stored run (report.json's numbers after a JSON round trip) give exactly the
 * results `verify` recorded for that run: a re-analysis of stored runs needs no re-run.
 */
import { initBackend } from '../../src/backend';
import { datasetsForSeed } from '../../src/experiment/datasets';
import { DEFAULT_THEOREM } from '../../src/experiment/defaults';
import { runOne } from '../../src/experiment/run';
import { storedRateChecks, withStoredRateChecks } from '../../src/experiment/stored-checks';
import { builtinRunPruners } from '../../src/experiment/subject';
import type { RunResult } from '../../src/experiment/types';
import { mergeConfig } from '../../src/experiment/validate-config';

beforeAll(async () => {
  await initBackend();
});

describe('stored runs carry what the rate checks read', () => {
  it('INV-FW-rate and CLAIM-FW-exponent on a JSON round trip of a run equal the results verify recorded', async () => {
    const config = mergeConfig(DEFAULT_THEOREM, {
      mGrid: [8],
      seeds: [1],
      width: 60,
      subnetworkSizes: [2, 4, 8, 16],
      iterations: 300,
      checkpoints: 6,
      precision: 'float32',
    });
    const data = datasetsForSeed(config.dataset, [8], 1);
    const run = await runOne({
      config,
      data: data.byM.get(8)!,
      heldOut: data.heldOut,
      seed: 1,
      pruners: builtinRunPruners(config),
    });
    const stored = JSON.parse(JSON.stringify(run)) as RunResult;
    const recorded = run.checks.filter((c) => c.id === 'INV-FW-rate' || c.id === 'CLAIM-FW-exponent');
    expect(recorded.map((c) => c.id)).toEqual(['INV-FW-rate', 'CLAIM-FW-exponent']);
    expect(recorded.map((c) => c.verdict)).not.toContain('NOT APPLICABLE');
    expect(storedRateChecks(stored, config, 'greedy')).toEqual(recorded);
    // A run stored before the rate checks existed gets them appended; a recent one has them replaced, unchanged.
    const old = { ...stored, checks: stored.checks.filter((c) => !recorded.some((r) => r.id === c.id)) };
    expect(withStoredRateChecks(old, config, 'greedy').checks).toEqual([...old.checks, ...recorded]);
    expect(withStoredRateChecks(stored, config, 'greedy').checks).toEqual(stored.checks);
    // With another subject the greedy-only invariant is a claim.
    const asRandom = withStoredRateChecks(stored, config, 'random').checks.find((c) => c.id === 'INV-FW-rate');
    expect(asRandom?.kind).toBe('claim');
  }, 120_000);
});
