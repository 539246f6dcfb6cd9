/** `pruneproof merge`: shards merged give the unsharded report; a missing run is named (exit 2). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../src/cli/errors';
import { cli, readOnlyReport, storeFiles, TINY_SWEEP, withoutVolatile } from '../store/helpers';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pruneproof-merge-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CONFIG_FLAGS = TINY_SWEEP.filter((f, i, all) => f !== '--workers' && all[i - 1] !== '--workers');

describe('pruneproof merge', () => {
  const shards = () => join(dir, 'shards');

  it('a shard stores only its runs (i mod K = k, seed-major grid order) and writes no report', async () => {
    const shard = await cli([
      'verify',
      ...TINY_SWEEP,
      '--shard',
      '0/2',
      '--store',
      shards(),
      '--out',
      join(dir, 'no-report'),
    ]);
    expect(shard.code).toBe(EXIT.ok);
    expect(shard.err).toMatch(/shard 0\/2: 0 of 2 runs reused/);
    expect(storeFiles(shards())).toHaveLength(2);
    expect(storeFiles(join(dir, 'no-report'))).toEqual([]);
  });

  it('a store missing runs: merge names each missing (m, seed) and exits 2, writing nothing', async () => {
    const merge = await cli(['merge', shards(), ...CONFIG_FLAGS, '--out', join(dir, 'merged')]);
    expect(merge.code).toBe(EXIT.badInput);
    // Shard 0/2 of [(10,1), (20,1), (10,2), (20,2)] holds indices 0 and 2: both m = 20 runs are missing.
    expect(merge.err).toMatch(/lacks 2 of 4 runs/);
    expect(merge.err).toContain('m = 20, seed = 1');
    expect(merge.err).toContain('m = 20, seed = 2');
    expect(merge.err).not.toContain('m = 10,');
    expect(storeFiles(join(dir, 'merged'))).toEqual([]);
  });

  it('two shards merged equal one unsharded run: verdicts and numbers', async () => {
    await cli(['verify', ...TINY_SWEEP, '--shard', '1/2', '--store', shards(), '--out', join(dir, 'no-report')]);
    const merge = await cli(['merge', shards(), ...CONFIG_FLAGS, '--out', join(dir, 'merged')]);
    expect(merge.code).toBe(EXIT.ok);
    const unsharded = await cli([
      'verify',
      ...TINY_SWEEP,
      '--store',
      join(dir, 'unsharded-store'),
      '--out',
      join(dir, 'unsharded'),
    ]);
    expect(unsharded.code).toBe(EXIT.ok);
    const [merged, reference] = [readOnlyReport(join(dir, 'merged')), readOnlyReport(join(dir, 'unsharded'))];
    expect(merged.summary.map((r) => r.verdict)).toEqual(reference.summary.map((r) => r.verdict));
    expect(withoutVolatile(merged)).toEqual(withoutVolatile(reference));
  });

  it('merge does not replace an existing report without --force', async () => {
    const again = await cli(['merge', shards(), ...CONFIG_FLAGS, '--out', join(dir, 'merged')]);
    expect(again.code).toBe(EXIT.badInput);
    expect(again.err).toMatch(/report already exists at .*--force/);
  });
});
