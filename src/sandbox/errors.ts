/** How an out-of-process pruner's call can end other than with a result (the JavaScript child and the Python bridge). */

/** The call ran past its limit, or the phase's budget was used up before it started. */
export class PrunerTimeoutError extends Error {
  override name = 'PrunerTimeoutError';
}

/** The pruner's process ended or failed outside the pruner's own code. */
export class PrunerCrashError extends Error {
  override name = 'PrunerCrashError';
}

/** The pruner's process went past its memory cap (--max-memory) and was stopped. */
export class PrunerMemoryError extends Error {
  override name = 'PrunerMemoryError';
}
