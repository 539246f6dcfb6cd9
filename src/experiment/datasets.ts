/** The training sets of one seed for every m of the grid (and held-out digits for MNIST). */
import { mnistHeldOut, mnistSubsets } from '../data/mnist';
import { readDataset } from '../interop/files';
import { generateSynthetic } from '../data/synthetic';
import type { Dataset } from '../data/types';
import type { DatasetConfig } from './config';
import { ConfigError } from './validate-config';

export interface SeedData {
  byM: Map<number, Dataset>;
  heldOut: Dataset | null;
}

/** Rows [0, m) of a dataset: how a file dataset is swept over an m grid (nested by construction). */
function firstRows(ds: Dataset, m: number): Dataset {
  return {
    ...ds,
    name: `${ds.name}[0:${m}]`,
    m,
    x: ds.x.slice(0, m * ds.d),
    y: ds.y.slice(0, m * ds.outputs),
    classes: ds.classes ? ds.classes.slice(0, m) : null,
  };
}

export function datasetsForSeed(config: DatasetConfig, mGrid: number[], seed: number): SeedData {
  switch (config.kind) {
    case 'synthetic': {
      const byM = new Map<number, Dataset>();
      for (const m of mGrid) {
        byM.set(
          m,
          generateSynthetic({
            m,
            d: config.d,
            labels: config.labels,
            seed,
            teacherWidth: config.teacherWidth,
            clusters: config.clusters,
          }),
        );
      }
      return { byM, heldOut: null };
    }
    case 'mnist': {
      const subsets = mnistSubsets({ sizes: mGrid, seed, unitNorm: config.unitNorm });
      const heldOut =
        config.heldOut > 0 ? mnistHeldOut({ count: config.heldOut, seed, unitNorm: config.unitNorm }) : null;
      return { byM: new Map(mGrid.map((m, i) => [m, subsets[i]])), heldOut };
    }
    case 'file': {
      const full = readDataset(config.path);
      const byM = new Map<number, Dataset>();
      for (const m of mGrid) {
        if (m > full.m) throw new ConfigError(`mGrid value ${m} exceeds the ${full.m} samples in ${config.path}`);
        byM.set(m, m === full.m ? full : firstRows(full, m));
      }
      return { byM, heldOut: null };
    }
  }
}
