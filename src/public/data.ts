/** `data`: datasets (synthetic, MNIST, files) and their validation against the theorem's data hypotheses. */
export type { Dataset } from '../data/types';
export { generateSynthetic } from '../data/synthetic';
export type { SyntheticOptions } from '../data/synthetic';
export { mnistSubsets } from '../data/mnist';
export type { MnistSubsetOptions } from '../data/mnist';
export { validateDataset, DatasetError } from '../data/validate';
export { readDatasetFile } from '../data/io';
