/**
 * Replaying GD from a kept checkpoint to any iteration t, and the conditions critical times are made of,
 * evaluated on the replayed weights. GD is deterministic (and SGD draws the batch of step t from the seed and t
 * alone), so the weights at t are the run's own weights at t, on the same engine.
 */
import { tf, type Tensor2D } from '../backend/tf';
import { hullDistance } from '../kernel/hull';
import { disposeNeuronFeatures } from '../model/features';
import type { NeuronFeatures, TwoLayerWeights } from '../model/types';
import { classificationAccuracy, subnetworkLoss, subnetworkOutput } from '../pruning/subnetwork';
import type { Pruner } from '../pruning/types';
import { checkPruneResult } from '../pruning/validate';
import { MAX_UNROLL } from '../engine';
import { featuresAt, hullProductsOn, type FeatureSource } from './features';
import { batchOf, trainOn, type PretrainedRun } from './pretrain';

/** Host memory one run's replay snapshots may take, at 4 bytes a weight (float64 runs, all small, keep doubles too). */
const SNAPSHOT_BUDGET_BYTES = 64 * 2 ** 20;
const MAX_SNAPSHOTS = 64;

/**
 * Iterations at which pre-training keeps its weights for replays, besides the measured checkpoints: every
 * `stride` steps, a multiple of the engine's unroll so that GD still runs in whole chunks. Bisection then replays
 * at most one stride to reach any t, instead of from the log-spaced checkpoint below it (up to T/4 away).
 */
export function replaySnapshots(iterations: number, weightsPerNetwork: number): number[] {
  const count = Math.min(MAX_SNAPSHOTS, Math.floor(SNAPSHOT_BUDGET_BYTES / (4 * weightsPerNetwork)));
  if (count < 1) return [];
  const stride = Math.ceil(iterations / (count + 1) / MAX_UNROLL) * MAX_UNROLL;
  const out: number[] = [];
  for (let t = stride; t < iterations; t += stride) out.push(t);
  return out;
}

/** The weights of a run at any iteration, replayed from the nearest kept state at or before it. */
export class Replayer {
  private readonly states = new Map<number, TwoLayerWeights>();
  /** GD steps replayed so far. */
  steps = 0;
  seconds = 0;

  constructor(private readonly run: PretrainedRun) {
    for (const cp of [...run.checkpoints, ...run.snapshots]) this.states.set(cp.t, cp.weights);
  }

  async weightsAt(t: number): Promise<TwoLayerWeights> {
    const kept = this.states.get(t);
    if (kept) return kept;
    const from = Math.max(...[...this.states.keys()].filter((s) => s < t));
    const started = performance.now();
    const { run } = this;
    const trained = await trainOn(run.spec, this.states.get(from)!, run.tensors, {
      eta: run.eta,
      iterations: t - from,
      checkpoints: [t - from],
      stability: run.stability,
      startStep: from,
      ...batchOf(run.spec),
    });
    this.steps += t - from;
    this.seconds += (performance.now() - started) / 1000;
    this.states.set(t, trained.final);
    return trained.final;
  }
}

/** A condition on the network at iteration t: true, false, or null when it cannot be decided. */
export type Condition = (features: NeuronFeatures, weights: TwoLayerWeights) => Promise<boolean | null>;

/** Evaluates `condition` on the run's network at iteration t (replayed when t is not a checkpoint). */
export async function conditionAt(
  replayer: Replayer,
  run: PretrainedRun,
  t: number,
  condition: Condition,
): Promise<boolean | null> {
  const weights = await replayer.weightsAt(t);
  const features = await featuresAt(weights, featureSource(run));
  try {
    return await condition(features, weights);
  } finally {
    disposeNeuronFeatures(features);
  }
}

function featureSource(run: PretrainedRun): FeatureSource {
  return { ...(run.spec.engine ? { engine: run.spec.engine } : {}), data: run.data, x: run.tensors.x };
}

/** The pruner's subnetwork of size n has loss ≤ ε (or, with `accuracy`, training accuracy ≥ the target). */
export function subnetworkCondition(
  run: PretrainedRun,
  pruner: Pruner,
  n: number,
  target: { loss: number } | { accuracy: number },
): Condition {
  return async (features, weights) => {
    const input = { features, targets: run.tensors.y, weights, n, seed: run.spec.seed };
    const { selection } = checkPruneResult(await pruner.prune(input), input, pruner.name);
    if ('loss' in target) return subnetworkLoss(features, run.tensors.y, selection) <= target.loss;
    const output = subnetworkOutput(features, selection);
    try {
      return classificationAccuracy(output, run.data.classes!) >= target.accuracy;
    } finally {
      output.dispose();
    }
  };
}

/** y in the hull of the features: certified inside → true, certified outside → false, else undecided. */
export function hullCondition(run: PretrainedRun, tolerance: number, maxIterations: number): Condition {
  return async (features) => {
    const products = hullProductsOn(featureSource(run), features, run.tensors.y);
    const h = await hullDistance(features, run.tensors.y, {
      tolerance,
      stopWhenDecided: true,
      maxIterations,
      ...(products ? { products } : {}),
    });
    if (h.distanceSq <= tolerance) return true;
    return h.lowerBound > tolerance ? false : null;
  };
}

/** The dense network's training accuracy ≥ the target. */
export function denseAccuracyCondition(run: PretrainedRun, accuracy: number): Condition {
  return async (features) =>
    tf.tidy(() => {
      const dense = tf.div(tf.matMul(features.activations, features.outWeights), features.width) as Tensor2D;
      return classificationAccuracy(dense, run.data.classes!) >= accuracy;
    });
}
