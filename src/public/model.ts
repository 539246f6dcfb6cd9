/** `model`: the two-layer ReLU network, its initialisation, GD pre-training, neuron features and stability limit. */
export type { TwoLayerWeights } from '../model/types';
export { initNetwork } from '../model/init';
export { trainNetwork } from '../model/train';
export type { TrainOptions, TrainResult } from '../model/train';
export { neuronFeatures, disposeNeuronFeatures } from '../model/features';
export { stabilityInfo } from '../model/stability';
