/**
 * Exit codes of the pruneproof CLI (documented in the README):
 *   0  the run completed; no invariant broken (claims may have FAILed unless --strict)
 *   1  an invariant of THEORY.md §6.1 broke (a pruneproof bug), or a claim FAILed under --strict,
 *      or a checked pruner broke its contract (check-pruner)
 *   2  bad input: flags, config file, data or weights file, or a step size that makes GD diverge
 *   3  an unexpected internal error
 */
export const EXIT = { ok: 0, failed: 1, badInput: 2, internal: 3 } as const;

/** An error caused by what the user passed in; the CLI prints its message and exits 2. */
export class InputError extends Error {
  override name = 'InputError';
}

const BAD_INPUT_NAMES = new Set([
  'InputError',
  'ConfigError',
  'DatasetError',
  'DivergenceError',
  'WeightsError',
  'TheoryConfigError',
  'UnknownPrunerError',
  'EngineUnavailableError',
  'StoreWriteError',
  'AlreadyWrittenError',
]);

export function isBadInput(e: unknown): boolean {
  return e instanceof Error && (BAD_INPUT_NAMES.has(e.name) || BAD_INPUT_NAMES.has(e.constructor.name));
}
