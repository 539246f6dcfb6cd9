/**
 * The one seeded random source of pruneproof. Every random draw (data, initial weights,
 * random pruning, subset sampling) comes from an `Rng` derived from the run's seed, so the
 * same seed and config give the same numbers. Streams are split by label (`rng.fork('data')`)
 * so that changing how many numbers one consumer draws never shifts another consumer's draws.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
// Module-level aliases: a hot loop reads them from the module scope, not the global object (whose
// lookups are far slower inside vm contexts such as jest's).
const { imul, log, sqrt } = Math;

/** 32-bit FNV-1a, used only to turn a stream label into a seed offset. */
function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = imul(h, 0x01000193);
  }
  return h | 0;
}

export class Rng {
  private readonly gen: RandomGenerator;
  private spareNormal: number | null = null;

  constructor(readonly seed: number) {
    if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
    this.gen = xoroshiro128plus(seed | 0);
  }

  /** An independent stream identified by a label; depends only on (seed, label). */
  fork(label: string): Rng {
    return new Rng(imul(this.seed ^ 0x5bd1e995, 0x27d4eb2d) ^ hashLabel(label));
  }

  /** Uniform double in [0, 1). */
  uniform(): number {
    return uniformFloat64(this.gen);
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Rng.int: n must be a positive integer, got ${n}`);
    return uniformInt(this.gen, 0, n - 1);
  }

  /** ±1 with probability ½ each. */
  sign(): number {
    return this.int(2) === 0 ? -1 : 1;
  }

  /** Standard normal draw (Marsaglia polar method, which uses both variates of each pair). */
  normal(): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return z;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const scale = sqrt((-2 * log(s)) / s);
    this.spareNormal = v * scale;
    return u * scale;
  }

  /** Float32Array of `size` independent N(0, std²) draws. */
  normalArray(size: number, std = 1): Float32Array {
    const out = new Float32Array(size);
    for (let i = 0; i < size; i++) out[i] = std * this.normal();
    return out;
  }

  /** Fisher–Yates shuffle of 0..n-1. */
  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [p[i], p[j]] = [p[j], p[i]];
    }
    return p;
  }

  /** k distinct indices from 0..n-1, uniformly at random, in draw order. */
  sampleWithoutReplacement(n: number, k: number): number[] {
    if (k > n) throw new RangeError(`cannot sample ${k} distinct indices from ${n}`);
    return this.permutation(n).slice(0, k);
  }
}
