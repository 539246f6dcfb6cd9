/**
 * `pruneproof kernel` and `pruneproof prune`: check a network trained anywhere, from JSON, .npz or ONNX files
 * (src/interop/files.ts), pruned by a built-in pruner or a user's JavaScript or Python module; `prune --export`
 * writes the pruned subnetwork as ONNX.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { tf } from '../backend/tf';
import type { BackendInfo } from '../backend';
import { toTensors } from '../data/tensors';
import { normaliseRows, validateDataset } from '../data/validate';
import { kernelSpectrum } from '../kernel/gram';
import { neuronFeatures, disposeNeuronFeatures } from '../model/features';
import type { Dataset } from '../data/types';
import type { Parameterisation, TwoLayerWeights } from '../model/types';
import { stabilityInfo } from '../model/stability';
import { getPruner, picksWithReplacement } from '../pruning';
import type { Pruner } from '../pruning/types';
import { readDataset, readWeights, writeSubnetworkOnnx } from '../interop/files';
import { isPythonModulePath } from '../interop/python/python-pruner';
import type { IsolatedPruner } from '../sandbox/isolated-pruner';
import { loadCheckedPrunerModule } from './check-pruner';
import { checkPruneResult } from '../pruning/validate';
import { selectionSummary, subnetworkLoss } from '../pruning/subnetwork';
import { InputError } from './errors';
import { announceLongStep, announceLongStepAsync, kernelIsSlow, pruneIsSlow, warnUnlessUnitNorm } from './long-steps';

export interface KernelFlags {
  data: string;
  weights?: string;
  normalise?: boolean;
  /** How an ONNX model's output layer is scaled (required for .onnx weights; checked against other files). */
  parameterisation?: Parameterisation;
}

/** λ0, λ_max(H∞) and the GD stability limit of a dataset (and of a network's H(0) when weights are given). */
export function kernelCommand(flags: KernelFlags, backend: BackendInfo): Record<string, unknown> {
  let ds = readDataset(flags.data);
  const weights = flags.weights ? readWeights(flags.weights, flags.parameterisation) : null;
  if (flags.normalise) ds = normaliseRows(ds);
  validateDataset(ds, {
    requireUnitNorm: true,
    labelBound: Infinity,
    context: flags.data,
    normaliseHint: 'or pass --normalise',
  });
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
  if (flags.weights && weights) {
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
  /** A built-in pruner's name, or the path of a JavaScript or Python pruner module. */
  pruner: string;
  n: number;
  seed: number;
  parameterisation?: Parameterisation;
  /** Write the pruned subnetwork as ONNX here. */
  export?: string;
  /** Replace an existing --export file. */
  force?: boolean;
  /** The interpreter of a .py pruner; seconds its call may take (default PRUNE_CALL_TIMEOUT_SECONDS). */
  python?: string;
  callTimeout?: number;
}

/** One `prune` of a user's module may take this long by default (one call, on the user's own network). */
export const PRUNE_CALL_TIMEOUT_SECONDS = 600;

const isModulePath = (name: string) => isPythonModulePath(name) || /\.(c|m)?js$/i.test(name);

/** --export's file: absent (or --force) and in an existing directory, checked before any computing. */
function checkExportPath(path: string, force: boolean | undefined): void {
  const dir = dirname(resolve(path));
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new InputError(`--export: directory ${dir} does not exist`);
  if (existsSync(path) && !force)
    throw new InputError(`--export: ${path} exists; pass --force to replace it, or choose another path`);
}

/** The built-in pruner, or the user's module loaded in isolation (exit 2 when it cannot be loaded). */
async function prunerFor(flags: PruneFlags, backend: BackendInfo): Promise<Pruner | IsolatedPruner> {
  if (!isModulePath(flags.pruner)) return getPruner(flags.pruner);
  const loaded = await loadCheckedPrunerModule(flags.pruner, backend.name, {
    python: flags.python,
    callTimeoutSeconds: flags.callTimeout ?? PRUNE_CALL_TIMEOUT_SECONDS,
  });
  return loaded.pruner;
}

/** The selected multiset and the loss after every step, measured on the given data. */
export async function pruneCommand(flags: PruneFlags, backend: BackendInfo): Promise<Record<string, unknown>> {
  const ds = readDataset(flags.data);
  validateDataset(ds, { requireUnitNorm: false, labelBound: Infinity, context: flags.data });
  warnUnlessUnitNorm(ds, flags.data);
  const weights = readWeights(flags.weights, flags.parameterisation);
  if (flags.export) checkExportPath(flags.export, flags.force);
  const builtin = !isModulePath(flags.pruner);
  // An unknown name is exit 2 before anything is computed.
  if (builtin && !picksWithReplacement(getPruner(flags.pruner)) && flags.n > weights.width) {
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
  const pruner = await prunerFor(flags, backend);
  try {
    return await pruneWith(pruner, builtin, flags, ds, weights, backend);
  } finally {
    if ('close' in pruner) await pruner.close();
  }
}

async function pruneWith(
  pruner: Pruner,
  builtin: boolean,
  flags: PruneFlags,
  ds: Dataset,
  weights: TwoLayerWeights,
  backend: BackendInfo,
): Promise<Record<string, unknown>> {
  const tensors = toTensors(ds);
  const features = neuronFeatures(weights, tensors.x);
  try {
    const input = { features, targets: tensors.y, weights, n: flags.n, seed: flags.seed };
    const large = pruneIsSlow(flags.n, ds.m, weights.width);
    const label = `prune: ${pruner.name}, n = ${flags.n} of N = ${weights.width} on m = ${ds.m}`;
    const run = async () => checkPruneResult(await pruner.prune(input), input, pruner.name);
    // A user's pruner that fails (raises, times out, returns a wrong result) is the user's input: exit 2, with why.
    const result = builtin
      ? await announceLongStepAsync(label, large, run)
      : await announceLongStepAsync(label, large, run).catch((e: unknown) => {
          throw new InputError(`prune: the pruner '${pruner.name}' (${flags.pruner}) failed: ${(e as Error).message}`);
        });
    if (flags.export) writeSubnetworkOnnx(flags.export, weights, result.selection);
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
      ...(flags.export ? { export: flags.export } : {}),
      backend: backend.name,
    };
  } finally {
    disposeNeuronFeatures(features);
    tensors.dispose();
  }
}
