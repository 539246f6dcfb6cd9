/** A training set: m inputs in R^d with labels in R^C (C = 1 for scalar labels). */
export interface Dataset {
  /** Human-readable provenance, e.g. "teacher(m=200,d=10,seed=1)" or "mnist(m=1000)". */
  name: string;
  m: number;
  d: number;
  /** Output dimension C: 1 for scalar regression labels, 10 for one-hot MNIST. */
  outputs: number;
  /** Inputs, m×d row-major. */
  x: Float32Array;
  /** Labels, m×C row-major. */
  y: Float32Array;
  /** Class index per sample for classification data (one-hot y), else null. */
  classes: Int32Array | null;
}

/** Label generators for synthetic data. */
export const LABEL_KINDS = ['teacher', 'random', 'clusters'] as const;
export type LabelKind = (typeof LABEL_KINDS)[number];
