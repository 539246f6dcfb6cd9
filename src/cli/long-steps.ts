/**
 * Messages around the long single steps of `kernel` and `prune`: a line before a step expected to take more than a
 * few seconds, a heartbeat while it runs (when it yields to the event loop) and its duration at the end; and the
 * warning for `prune` on rows that are not unit norm.
 */
import type { Dataset } from '../data/types';
import { validateDataset } from '../data/validate';

/** From m ≈ 1,000 the O(m³) eigen-decomposition of H∞ takes seconds (bench: kernel). */
export const LARGE_KERNEL_M = 1000;
/** m·N·n above which greedy takes seconds on wasm (bench: greedy). */
export const LARGE_PRUNE_WORK = 2e8;
const HEARTBEAT_MS = 5000;

function say(line: string): void {
  process.stderr.write(`pruneproof ${line}\n`);
}

export function announceLongStep<T>(label: string, large: boolean, work: () => T): T {
  if (!large) return work();
  const started = performance.now();
  say(`${label} — this may take a while ...`);
  const result = work();
  say(`${label}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

export async function announceLongStepAsync<T>(label: string, large: boolean, work: () => T | Promise<T>): Promise<T> {
  if (!large) return work();
  const started = performance.now();
  const elapsed = () => ((performance.now() - started) / 1000).toFixed(0);
  say(`${label} — this may take a while ...`);
  const heartbeat = setInterval(() => say(`${label}: still running, ${elapsed()} s`), HEARTBEAT_MS);
  try {
    const result = await work();
    say(`${label}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return result;
  } finally {
    clearInterval(heartbeat);
  }
}

/**
 * `prune` accepts any rows (a network trained anywhere was trained on the data as it is, so rescaling them would
 * change its features), but the theory's statements assume ‖x_j‖ = 1 (H1): say so instead of staying silent.
 */
export function warnUnlessUnitNorm(ds: Dataset, file: string): void {
  try {
    validateDataset(ds, { requireUnitNorm: true, labelBound: Infinity, context: file });
  } catch (e) {
    const why = (e as Error).message.replace(/ \(scale the rows.*\)$/, '');
    say(`prune: warning: ${why}. The selection and losses below are measured on the rows as given; the theory's bounds do not apply to them.`);
  }
}
