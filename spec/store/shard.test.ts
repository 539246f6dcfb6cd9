import fc from 'fast-check';
import { inShard, parseShard } from '../../src/store/shard';

describe('shards', () => {
  it('the K shards partition the grid: every run index lies in exactly one shard', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 200 }), (count, runs) => {
        for (let i = 0; i < runs; i++) {
          const owners = Array.from({ length: count }, (_, index) => index).filter((index) =>
            inShard(i, { index, count }),
          );
          expect(owners).toEqual([i % count]);
        }
      }),
    );
  });

  it('parses k/K with 0 ≤ k < K and rejects anything else, naming --shard', () => {
    expect(parseShard('1/4')).toEqual({ index: 1, count: 4 });
    for (const bad of ['4/4', '1/0', '-1/3', 'a/b', '1', '']) expect(() => parseShard(bad)).toThrow(/--shard/);
  });

  it('auto: a Slurm array task, counted from SLURM_ARRAY_TASK_MIN', () => {
    expect(parseShard('auto', { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '3' })).toEqual({
      index: 2,
      count: 3,
    });
    expect(
      parseShard('auto', { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '1' }),
    ).toEqual({ index: 2, count: 3 });
  });

  it('auto: a Kubernetes Indexed Job pod needs PRUNEPROOF_SHARD_COUNT', () => {
    expect(parseShard('auto', { JOB_COMPLETION_INDEX: '0', PRUNEPROOF_SHARD_COUNT: '2' })).toEqual({
      index: 0,
      count: 2,
    });
    expect(() => parseShard('auto', { JOB_COMPLETION_INDEX: '0' })).toThrow(/PRUNEPROOF_SHARD_COUNT/);
    expect(() => parseShard('auto', {})).toThrow(/SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX/);
    expect(() => parseShard('auto', { JOB_COMPLETION_INDEX: '2', PRUNEPROOF_SHARD_COUNT: '2' })).toThrow(/0 ≤ k < K/);
  });
});
