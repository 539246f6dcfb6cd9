/** The reference engine: the tfjs code path of src/model/train.ts behind the Engine interface. */
import { initBackend } from '../backend';
import { tf, tidyRead } from '../backend/tf';
import { toTensors, type DataTensors } from '../data/tensors';
import { stabilityInfo, type StabilityInfo, type StabilityOptions } from '../model/stability';
import { trainNetwork, type TrainOptions, type TrainResult } from '../model/train';
import { disposeNeuronFeatures, featureGramOf, neuronFeatures } from '../model/features';
import type { TwoLayerWeights } from '../model/types';
import { requireConsistentWeights } from '../model/validate';
import {
  EngineUnavailableError,
  type Engine,
  type FeatureGram,
  type EngineData,
  type EngineDescription,
  type EngineOptions,
} from './types';
import { requireEngineData } from './validate';

export async function createTfjsEngine(opts: EngineOptions = {}): Promise<Engine> {
  if (opts.precision === 'float64') {
    throw new EngineUnavailableError('tfjs', 'tfjs has no float64 (its tensors are float32); use --engine onnx');
  }
  let info;
  try {
    info = await initBackend();
  } catch (e) {
    throw new EngineUnavailableError('tfjs', e instanceof Error ? e.message : String(e));
  }
  const description: EngineDescription = {
    name: 'tfjs',
    version: tf.version.tfjs,
    threads: info.threads ?? 1,
    precision: 'float32',
    backend: info.name,
  };
  return {
    description,
    async train(initial: TwoLayerWeights, data: EngineData, options: TrainOptions): Promise<TrainResult> {
      requireEngineData(data, initial, 'train (tfjs)');
      return withTensors(data, (tensors) => trainNetwork(initial, tensors, options));
    },
    async stability(weights: TwoLayerWeights, data: EngineData, opts?: StabilityOptions): Promise<StabilityInfo> {
      requireEngineData(data, weights, 'stability (tfjs)');
      return withTensors(data, (tensors) => stabilityInfo(weights, tensors, opts));
    },
    async featureGram(weights: TwoLayerWeights, data: EngineData): Promise<FeatureGram> {
      const op = 'featureGram (tfjs)';
      requireConsistentWeights(weights, op);
      requireEngineData(data, weights, op);
      return withTensors(data, (tensors) => {
        const features = neuronFeatures(weights, tensors.x);
        try {
          const { activations, activationsT, outWeights } = features;
          const [hostActivations, projections] = tidyRead(() => [
            tf.clone(activations),
            tf.sum(tf.mul(tf.matMul(activationsT, tensors.y), outWeights), 1),
          ]);
          return {
            activations: hostActivations,
            gram: featureGramOf(features),
            projections: Float64Array.from(projections),
          };
        } finally {
          disposeNeuronFeatures(features);
        }
      });
    },
    async dispose(): Promise<void> {},
  };
}

/** Runs `use` on tfjs copies of the host data, freed afterwards. */
function withTensors<T>(data: EngineData, use: (tensors: DataTensors) => T): T {
  const tensors = toTensors({ ...data, name: 'engine', classes: null });
  try {
    return use(tensors);
  } finally {
    tensors.dispose();
  }
}
