/** `pruneproof kernel` and `pruneproof prune`: check a network trained anywhere, from JSON files. */
import { tf } from '../backend/tf';
import type { BackendInfo } from '../backend';
import { readDatasetFile } from '../data/io';
import { toTensors } from '../data/tensors';
import { normaliseRows, validateDataset } from '../data/validate';
import { kernelSpectrum } from '../kernel/gram';
import { neuronFeatures, disposeNeuronFeatures } from '../model/features';
import { readWeightsFile } from '../model/io';
import { stabilityInfo } from '../model/stability';
import { getPruner, picksWithReplacement } from '../pruning';
import { checkPruneResult } from '../pruning/validate';
import { selectionSummary, subnetworkLoss } from '../pruning/subnetwork';
import { InputError } from './errors';
import { announceLongStep, announceLongStepAsync, kernelIsSlow, pruneIsSlow, warnUnlessUnitNorm } from './long-steps';

export interface KernelFlags {
  data: string;
  weights?: string;
  normalise?: boolean;
}

/** λ0, λ_max(H∞) and the GD stability limit of a dataset (and of a network's H(0) when weights are given). */
export function kernelCommand(flags: KernelFlags, backend: BackendInfo): Record<string, unknown> {
  let ds = readDatasetFile(flags.data);
  if (flags.normalise) ds = normaliseRows(ds);
  validateDataset(ds, { requireUnitNorm: true, labelBound: Infinity, context: flags.data });
  const spectrum = announceLongStep(`kernel: m = ${ds.m}, d = ${ds.d}: eigenvalues of H∞`, kernelIsSlow(ds.m), () =>
    kernelSpectrum(ds),
  );
  const out: Record<string, unknown> = {
    data: flags.data,
    m: ds.m,
    d: ds.d,
    lambda0: spectrum.lambda0,
    lambda0LowerBound: spectrum.lambda0LowerBound,
    lambdaMaxInfinity: spectrum.lambdaMax,
    stabilityLimitInfinity: spectrum.stabilityLimitInfinity,
    eigenMethod: spectrum.method,
    seconds: spectrum.seconds,
    backend: backend.name,
  };
  if (flags.weights) {
    const weights = readWeightsFile(flags.weights);
    if (weights.inputDim !== ds.d)
      throw new InputError(`${flags.weights}: W has ${weights.inputDim} columns but ${flags.data} has d = ${ds.d}`);
    if (weights.outputs !== ds.outputs)
      throw new InputError(
        `${flags.weights}: ${weights.outputs} outputs but ${flags.data} has ${ds.outputs} label columns`,
      );
    const tensors = toTensors(ds);
    try {
      const s = stabilityInfo(weights, tensors);
      Object.assign(out, {
        weights: flags.weights,
        lambdaMaxH0: s.lambdaMaxH0,
        stabilityLimit: s.limit,
        stabilityLimitFormula: s.limitFormula,
      });
    } finally {
      tensors.dispose();
    }
  }
  return out;
}

export interface PruneFlags {
  data: string;
  weights: string;
  pruner: string;
  n: number;
  seed: number;
}

/** The selected multiset and the loss after every step, measured on the given data. */
export async function pruneCommand(flags: PruneFlags, backend: BackendInfo): Promise<Record<string, unknown>> {
  const ds = readDatasetFile(flags.data);
  validateDataset(ds, { requireUnitNorm: false, labelBound: Infinity, context: flags.data });
  warnUnlessUnitNorm(ds, flags.data);
  const weights = readWeightsFile(flags.weights);
  const pruner = getPruner(flags.pruner);
  if (!picksWithReplacement(pruner) && flags.n > weights.width) {
    throw new InputError(
      `--n: ${flags.n} exceeds the width N = ${weights.width} of ${flags.weights}; '${flags.pruner}' selects distinct neurons, so n ≤ N (a pruner that picks with replacement, like greedy, may repeat neurons)`,
    );
  }
  if (weights.inputDim !== ds.d)
    throw new InputError(`${flags.weights}: W has ${weights.inputDim} columns but ${flags.data} has d = ${ds.d}`);
  if (weights.outputs !== ds.outputs)
    throw new InputError(
      `${flags.weights}: ${weights.outputs} outputs but ${flags.data} has ${ds.outputs} label columns`,
    );
  const tensors = toTensors(ds);
  const features = neuronFeatures(weights, tensors.x);
  try {
    const input = { features, targets: tensors.y, weights, n: flags.n, seed: flags.seed };
    const large = pruneIsSlow(flags.n, ds.m, weights.width);
    const label = `prune: ${pruner.name}, n = ${flags.n} of N = ${weights.width} on m = ${ds.m}`;
    const result = checkPruneResult(
      await announceLongStepAsync(label, large, () => pruner.prune(input)),
      input,
      pruner.name,
    );
    const summary = selectionSummary(result.selection);
    const denseLoss =
      tf.tidy(
        () =>
          tf
            .sum(
              tf.square(
                tf.sub(tf.div(tf.matMul(features.activations, features.outWeights), features.width), tensors.y),
              ),
            )
            .dataSync()[0],
      ) /
      (2 * ds.m);
    return {
      pruner: pruner.name,
      n: flags.n,
      seed: flags.seed,
      selection: result.selection,
      size: summary.size,
      distinct: summary.distinct,
      multiplicities: summary.multiplicities,
      lossPerStep: result.lossPerStep,
      measuredLoss: subnetworkLoss(features, tensors.y, result.selection),
      denseLoss,
      backend: backend.name,
    };
  } finally {
    disposeNeuronFeatures(features);
    tensors.dispose();
  }
}
