/**
 * Which runs of a sweep one process computes: `--shard k/K` takes the runs whose index i in the stable grid
 * order (seed-major, m-minor) satisfies i mod K = k. `--shard auto` reads the scheduler's variables.
 */
import { ConfigError } from '../experiment/validate-config';

export interface Shard {
  /** 0-based shard index k, in [0, count). */
  index: number;
  count: number;
}

function nonNegativeInt(value: string | undefined): number | null {
  if (value === undefined || !/^\d+$/.test(value.trim())) return null;
  return Number(value.trim());
}

/**
 * The shard from the environment: a Slurm array task (SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN of
 * SLURM_ARRAY_TASK_COUNT, so `--array=1-4` works too) or a Kubernetes Indexed Job pod (JOB_COMPLETION_INDEX;
 * Kubernetes exports no count, so PRUNEPROOF_SHARD_COUNT must carry the Job's `completions`).
 */
export function shardFromEnvironment(env: NodeJS.ProcessEnv): Shard {
  const slurmId = nonNegativeInt(env.SLURM_ARRAY_TASK_ID);
  if (slurmId !== null) {
    const count = nonNegativeInt(env.SLURM_ARRAY_TASK_COUNT) ?? nonNegativeInt(env.PRUNEPROOF_SHARD_COUNT);
    if (count === null)
      throw new ConfigError('--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not');
    const min = nonNegativeInt(env.SLURM_ARRAY_TASK_MIN) ?? 0;
    return checkShard({ index: slurmId - min, count }, `SLURM_ARRAY_TASK_ID=${slurmId} (min ${min}) of ${count}`);
  }
  const k8sIndex = nonNegativeInt(env.JOB_COMPLETION_INDEX);
  if (k8sIndex !== null) {
    const count = nonNegativeInt(env.PRUNEPROOF_SHARD_COUNT);
    if (count === null) {
      throw new ConfigError(
        "--shard auto: JOB_COMPLETION_INDEX is set but PRUNEPROOF_SHARD_COUNT is not (set it to the Job's completions)",
      );
    }
    return checkShard(
      { index: k8sIndex, count },
      `JOB_COMPLETION_INDEX=${k8sIndex} of PRUNEPROOF_SHARD_COUNT=${count}`,
    );
  }
  throw new ConfigError(
    '--shard auto: none of SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX is set ' +
      '(not a Slurm array task or Indexed Job pod)',
  );
}

function checkShard(shard: Shard, source: string): Shard {
  if (!(shard.count >= 1) || !(shard.index >= 0 && shard.index < shard.count)) {
    throw new ConfigError(`--shard: ${source} is not a shard k/K with 0 ≤ k < K`);
  }
  return shard;
}

/** Parses `k/K` (0-based k) or `auto`. */
export function parseShard(value: string, env: NodeJS.ProcessEnv = process.env): Shard {
  if (value === 'auto') return shardFromEnvironment(env);
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (!match) throw new ConfigError(`--shard: expected k/K (e.g. 0/4, k counted from 0) or 'auto', got '${value}'`);
  return checkShard({ index: Number(match[1]), count: Number(match[2]) }, `'${value}'`);
}

export function inShard(index: number, shard: Shard | null): boolean {
  return shard === null || index % shard.count === shard.index;
}
