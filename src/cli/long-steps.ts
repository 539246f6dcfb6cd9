/**
 * Messages around the long single steps of `kernel` and `prune`: a line before a step expected to take more than a
 * few seconds, a heartbeat while it runs (when it yields to the event loop) and its duration at the end; and the
 * warning for `prune` on rows that are not unit norm.
 */
import type { Dataset } from '../data/types';
import { validateDataset } from '../data/validate';
import { RATES } from './resources';

/** Steps expected to take longer than this are announced (rates: resources.ts). */
const ANNOUNCE_AFTER_SECONDS = 3;

/** The eigen-decomposition of H∞ grows like m³. */
export function kernelIsSlow(m: number): boolean {
  return RATES.secondsPerKernelCube * m ** 3 > ANNOUNCE_AFTER_SECONDS;
}

/** Greedy costs about n·m·N. */
export function pruneIsSlow(n: number, m: number, width: number): boolean {
  return RATES.secondsPerMeasureUnit * n * m * width > ANNOUNCE_AFTER_SECONDS;
}

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
    say(
      `prune: warning: ${why}. The selection and losses below are measured on the rows as given; ` +
        "the theory's bounds do not apply to them.",
    );
  }
}
