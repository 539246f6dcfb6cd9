/**
 * Greedy forward selection (Ye et al. 2020; THEORY.md §2):
 *   S_0 = ∅,  S_{k+1} = S_k + {argmin_r ‖(k·f_{S_k} + Φ_r)/(k+1) − y‖²},  ties to the lowest index.
 *
 * With s_k = Σ_{r∈S_k} Φ_r, (k+1)²‖f_{S_{k+1}} − y‖² = score_r + K_k where
 *   score_r = ‖Φ_r‖² + 2⟨Φ_r, s_k − (k+1)y⟩ = G_rr + 2(c_r − (k+1)·b_r),
 * G = (AᵀA) ⊙ (VVᵀ) is the N×N Gram of the Φ_r, b_r = ⟨Φ_r, y⟩, c = Σ_{q∈S_k} G[:, q], and
 * K_k = ‖s_k‖² − 2(k+1)⟨s_k, y⟩ + (k+1)²‖y‖² does not depend on r. Greedy minimises score_r; no
 * forward pass per candidate. Each pick adds one row of G to c: O(N) per step. The rows come from
 *  - 'gram': the whole G, one matmul up front (best when n is a sizeable fraction of N), or the G that came
 *    with the features (NeuronFeatures.gram);
 *  - 'rows': G[q, :] computed when q is first picked, one 1×m by m×N product (best for n ≪ N; needs
 *    no N² memory, so it is also the choice for very wide networks).
 */
import { tf, tidyRead, type Tensor2D } from '../backend/tf';
import type { NeuronFeatures, PruneInput, PruneResult, Pruner } from './types';
import { DEFAULT_GRAM_BLOCK_FLOATS, featureGramOf } from '../model/features';
import { lossCurve } from './subnetwork';
import { requireAtMostWidth, validateFeatureShapes, validateTargetShape, validatePruneInput } from './validate';

export type GreedyStrategy = 'auto' | 'gram' | 'rows';

/** Greedy forward selection's variant (with or without replacement) and how it computes its scores. */
export interface GreedyOptions {
  /** Allow a neuron to be picked more than once (default true, as in Ye et al.'s analysis). */
  withReplacement?: boolean;
  /** 'auto' (default): the full Gram when N ≤ gramMaxWidth and n ≥ N/5, else lazy rows. */
  strategy?: GreedyStrategy;
  /** Largest N for which 'auto' builds the N×N Gram (default 8000: 256 MB of float32). */
  gramMaxWidth?: number;
  /** Most float32 values of one device-side block when building the Gram (default 2^24, 64 MB). */
  blockFloats?: number;
}

/** What the selection loop saw at one step (for tests and tracing). */
export interface GreedyStep {
  /** Picks made before this step (the step chooses pick number k+1). */
  k: number;
  /** score_r for every r (the r-dependent part of (k+1)²‖f_{S_{k+1}} − y‖²); without replacement, used r are skipped, not masked. */
  scores: Float64Array;
  /** The chosen index. */
  pick: number;
}

export interface RunGreedyOptions extends GreedyOptions {
  /** Observation hook, called after each pick; `scores` is reused between calls. */
  onStep?: (step: GreedyStep) => void;
}

const DEFAULT_GRAM_MAX_WIDTH = 8000;

/** Scores of all candidates given the current multiset, updated one pick at a time. */
interface Scorer {
  /** Writes score_r for every r into `out`, with k picks made so far. */
  scoresInto(out: Float64Array, k: number): void;
  add(r: number): void;
  dispose(): void;
}

/** Access to rows of G and its diagonal, however they are obtained. */
interface GramRows {
  diagonal: Float64Array;
  /** G[q, :] (= G[:, q] up to float32 rounding: G is symmetric). */
  row(q: number): Float32Array;
  dispose(): void;
}

function fullGramRows(features: NeuronFeatures, blockFloats: number): GramRows {
  const N = features.width;
  const gram = features.gram ?? featureGramOf(features, blockFloats);
  return {
    diagonal: Float64Array.from({ length: N }, (_, r) => gram[r * N + r]),
    row: (q) => gram.subarray(q * N, (q + 1) * N),
    dispose() {},
  };
}

/**
 * Rows of G computed on first use, G[q, :] = (A[:, q]ᵀA) ⊙ (V[q, :]Vᵀ): one 1×m by m×N product
 * per distinct pick, cached. The diagonal ‖Φ_r‖² = ‖A[:, r]‖²·‖V[r, :]‖² needs one pass over A.
 */
function lazyGramRows(features: NeuronFeatures): GramRows {
  const diagonal = Float64Array.from(
    tf.tidy(() =>
      tf.mul(tf.sum(tf.square(features.activationsT), 1), tf.sum(tf.square(features.outWeights), 1)).dataSync(),
    ),
  );
  const outWeightsT = tf.transpose(features.outWeights);
  const cache = new Map<number, Float32Array>();
  return {
    diagonal,
    row(q) {
      let row = cache.get(q);
      if (!row) {
        [row] = tidyRead(() => {
          const index = tf.tensor1d([q], 'int32');
          const activationProducts = tf.matMul(tf.gather(features.activationsT, index), features.activations);
          return [tf.mul(activationProducts, tf.matMul(tf.gather(features.outWeights, index), outWeightsT))];
        });
        cache.set(q, row);
      }
      return row;
    },
    dispose() {
      outWeightsT.dispose();
    },
  };
}

/** b_r = ⟨Φ_r, y⟩ = rowsum((Aᵀy) ⊙ V)_r. */
function targetProjections(features: NeuronFeatures, targets: Tensor2D): Float64Array {
  return Float64Array.from(
    tf.tidy(() => tf.sum(tf.mul(tf.matMul(features.activationsT, targets), features.outWeights), 1).dataSync()),
  );
}

/** score_r = G_rr + 2(c_r − (k+1)·b_r), with c = Σ_{q∈S_k} G[:, q] updated one row per pick. */
function gramScorer(gram: GramRows, projections: Float64Array): Scorer {
  const N = projections.length;
  const columnSums = new Float64Array(N);
  return {
    scoresInto(out, k) {
      for (let r = 0; r < N; r++) out[r] = gram.diagonal[r] + 2 * (columnSums[r] - (k + 1) * projections[r]);
    },
    add(q) {
      // Row q stands in for column q: contiguous reads, equal up to float32 rounding.
      const row = gram.row(q);
      for (let r = 0; r < N; r++) columnSums[r] += row[r];
    },
    dispose: () => gram.dispose(),
  };
}

/**
 * The full Gram costs 2N²m flops in one large matmul; lazy rows cost 2Nm per distinct pick in
 * 1×m by m×N products, which are memory-bound (each reads all of A). Measured at N = 1000,
 * m = 10000 on the shared 2-vCPU machines: one row 5–8 ms against 1.1–1.6 s for the whole Gram,
 * i.e. break-even at 0.13–0.3·N distinct picks. Distinct picks ≤ n, hence the switch at n = N/5.
 */
const LAZY_ROWS_WIDTH_DIVISOR = 5;

function chooseStrategy(
  strategy: GreedyStrategy,
  features: NeuronFeatures,
  n: number,
  gramMaxWidth: number,
): 'gram' | 'rows' {
  if (strategy !== 'auto') return strategy;
  if (features.gram) return 'gram'; // already computed with the features: every row is free
  const width = features.width;
  return width <= gramMaxWidth && n * LAZY_ROWS_WIDTH_DIVISOR >= width ? 'gram' : 'rows';
}

/** Lowest index with the smallest score, skipping `used` entries; −1 if none is finite. */
function argminLowestIndex(scores: Float64Array, used: Uint8Array | null): number {
  let best = -1;
  let bestScore = Infinity;
  for (let r = 0; r < scores.length; r++) {
    if (used && used[r]) continue;
    if (scores[r] < bestScore) {
      bestScore = scores[r];
      best = r;
    }
  }
  return best;
}

function validateGreedyOptions(options: GreedyOptions, op: string): void {
  const { strategy, gramMaxWidth, blockFloats } = options;
  if (strategy !== undefined && !['auto', 'gram', 'rows'].includes(strategy)) {
    throw new Error(`${op}: strategy must be 'auto', 'gram' or 'rows', got '${strategy}'`);
  }
  if (gramMaxWidth !== undefined && !(Number.isInteger(gramMaxWidth) && gramMaxWidth >= 0)) {
    throw new Error(`${op}: gramMaxWidth must be a non-negative integer, got ${gramMaxWidth}`);
  }
  if (blockFloats !== undefined && !(Number.isInteger(blockFloats) && blockFloats > 0)) {
    throw new Error(`${op}: blockFloats must be a positive integer, got ${blockFloats}`);
  }
}

/**
 * Runs greedy forward selection for n steps and returns the multiset S_n in pick order.
 * Features are read once; each step costs O(N), plus one 1×m by m×N product for a first-time pick with 'rows'.
 */
export function runGreedy(
  features: NeuronFeatures,
  targets: Tensor2D,
  n: number,
  options: RunGreedyOptions = {},
): number[] {
  const op = 'runGreedy';
  validateFeatureShapes(features, op);
  validateTargetShape(features, targets, op);
  validateGreedyOptions(options, op);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${op}: n must be a positive integer, got ${n}`);
  const withReplacement = options.withReplacement ?? true;
  if (!withReplacement) requireAtMostWidth(n, features.width, op);
  const N = features.width;
  const strategy = chooseStrategy(
    options.strategy ?? 'auto',
    features,
    n,
    options.gramMaxWidth ?? DEFAULT_GRAM_MAX_WIDTH,
  );
  const projections = targetProjections(features, targets);
  const rows =
    strategy === 'gram'
      ? fullGramRows(features, options.blockFloats ?? DEFAULT_GRAM_BLOCK_FLOATS)
      : lazyGramRows(features);
  const scorer = gramScorer(rows, projections);
  const scores = new Float64Array(N);
  const used = withReplacement ? null : new Uint8Array(N);
  const selection: number[] = [];
  try {
    for (let k = 0; k < n; k++) {
      scorer.scoresInto(scores, k);
      const pick = argminLowestIndex(scores, used);
      if (pick < 0)
        throw new Error(`${op}: no candidate has a finite score at step ${k + 1} (non-finite features or targets?)`);
      options.onStep?.({ k, scores, pick });
      scorer.add(pick);
      if (used) used[pick] = 1;
      selection.push(pick);
    }
  } finally {
    scorer.dispose();
  }
  return selection;
}

/**
 * Greedy forward selection (THEORY.md §2): each step adds the neuron that most reduces the subnetwork's loss.
 *
 * @param options - with replacement (default, 'greedy') or without ('greedy-norep'); the scoring strategy.
 * @returns the pruner.
 */
export function greedyPruner(options: GreedyOptions = {}): Pruner {
  const withReplacement = options.withReplacement ?? true;
  const name = withReplacement ? 'greedy' : 'greedy-norep';
  validateGreedyOptions(options, `greedyPruner`);
  return {
    name,
    // Greedy is sequential: the selection for n is the first n picks of any longer run.
    prefixConsistent: true,
    withReplacement,
    // The proofs of THEORY.md §4 compare each pick with a vertex that may have been picked before.
    provedGreedy: withReplacement,
    scoresEveryNeuron: true,
    prune(input: PruneInput): PruneResult {
      const op = `prune (${name})`;
      validatePruneInput(input, op);
      if (!withReplacement) requireAtMostWidth(input.n, input.features.width, op);
      const pickScores: number[] = [];
      const selection = runGreedy(input.features, input.targets, input.n, {
        ...options,
        onStep: ({ scores, pick }) => pickScores.push(scores[pick]),
      });
      return { selection, lossPerStep: lossCurve(input.features, input.targets, selection), pickScores };
    },
  };
}
