/**
 * Default configurations. The values are chosen so the phenomenon is visible on each dataset within the
 * time budget; `DEFAULT_RATIONALE` is printed into every report that uses them.
 */
import type { ExperimentConfig } from './config';

export const DEFAULT_SYNTHETIC: ExperimentConfig = {
  name: 'verify-synthetic',
  dataset: { kind: 'synthetic', labels: 'teacher', d: 16, teacherWidth: 8 },
  mGrid: [50, 100, 200, 400],
  seeds: [1, 2, 3],
  parameterisation: 'ntk',
  width: 1000,
  kappa: 1,
  eta: 0.01,
  iterations: 2000,
  checkpoints: 14,
  subnetworkSizes: [10, 50, 200],
  epsilon: 0.01,
  targetAccuracy: null,
  pruners: ['greedy', 'random', 'magnitude'],
  hullTolerance: 1e-6,
  maxKernelM: 2000,
  theory: {},
};

export const SYNTHETIC_RATIONALE: string[] = [];

export const DEFAULT_MNIST: ExperimentConfig = {
  name: 'verify-mnist',
  dataset: { kind: 'mnist', unitNorm: true, heldOut: 1000 },
  mGrid: [100, 300, 1000, 3000],
  seeds: [1, 2],
  parameterisation: 'meanfield',
  width: 500,
  kappa: 1,
  eta: 0.5,
  iterations: 1000,
  checkpoints: 10,
  subnetworkSizes: [20, 100],
  epsilon: 0.02,
  targetAccuracy: 0.9,
  pruners: ['greedy', 'random', 'magnitude'],
  hullTolerance: 1e-6,
  maxKernelM: 2000,
  theory: {},
};

export const MNIST_RATIONALE: string[] = [];

/** A minute-long smoke run: the same pipeline on a smaller grid. */
export function quickVariant(config: ExperimentConfig): ExperimentConfig {
  return {
    ...config,
    name: `${config.name}-quick`,
    mGrid: config.mGrid.slice(0, 3),
    seeds: config.seeds.slice(0, 2),
    checkpoints: Math.min(config.checkpoints, 8),
  };
}
