/**
 * The neuron features of a run's network at given weights. One construction serves the checkpoint measurement
 * and the conditions bisection evaluates on replayed weights, so a checkpoint decides a condition the same way
 * whichever path asks. The features come with their Gram, which greedy, the feature geometry and the hull
 * solver's step then share: from one pass on the run's engine when it has one, on tfjs otherwise.
 */
import type { Tensor2D } from '../backend/tf';
import type { Dataset } from '../data/types';
import type { Engine } from '../engine/types';
import { featureGramOf, neuronFeatures, neuronFeaturesFromActivations } from '../model/features';
import type { FactoredProducts, NeuronFeatures, TwoLayerWeights } from '../model/types';

export interface FeatureSource {
  /** The run's engine; absent: tfjs. */
  engine?: Engine;
  data: Dataset;
  /** The data's inputs on the tfjs backend (the tfjs path reads them). */
  x: Tensor2D;
}

/** The caller disposes the result (`disposeNeuronFeatures`). */
export async function featuresAt(weights: TwoLayerWeights, source: FeatureSource): Promise<NeuronFeatures> {
  if (source.engine) {
    const { activations, gram } = await source.engine.featureGram(weights, source.data);
    return neuronFeaturesFromActivations(weights, activations, gram);
  }
  // The same ops as the tfjs engine's featureGram, so a run without an engine and one on the tfjs engine (as
  // worker threads run it) measure the same numbers.
  const features = neuronFeatures(weights, source.x);
  return { ...features, gram: featureGramOf(features) };
}

/**
 * The hull solver's float64 products on the run's engine, when it has them (src/kernel/hull.ts calls this only
 * for problems it solves in float64, so A is copied to doubles only when it is small).
 */
export function hullProductsOn(
  source: FeatureSource,
  features: NeuronFeatures,
  targets: Tensor2D,
): (() => Promise<FactoredProducts>) | undefined {
  const onEngine = source.engine?.hullProducts?.bind(source.engine);
  if (!onEngine) return undefined;
  return () =>
    onEngine(
      {
        m: features.m,
        N: features.width,
        C: features.outputs,
        activations: features.activations.dataSync() as Float32Array,
        outWeights: features.outWeights.dataSync() as Float32Array,
      },
      targets.dataSync() as Float32Array,
    );
}
