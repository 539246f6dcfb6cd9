/** `kernel`: the kernel quantities of THEORY.md §1–§5 on a dataset or a network's neuron features. */
export { kernelSpectrum } from '../kernel/gram';
export type { KernelSpectrum } from '../kernel/gram';
export { featureGeometry } from '../kernel/geometry';
export type { FeatureGeometry } from '../kernel/geometry';
export { hullDistance } from '../kernel/hull';
export type { HullDistance } from '../kernel/hull';
