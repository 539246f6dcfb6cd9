/**
 * The "How to replay" command line of a report, runnable as printed inside a clone of the repository: the
 * `npm run pruneproof -- …` script builds dist/ and runs the CLI (package.json).
 */
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one argument for a POSIX shell when it needs it. */
export function shellQuote(arg: string): string {
  return SAFE.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * `npm run --silent pruneproof -- <args>` (--silent: npm's own lines would mix with --json output); `args` are
 * single arguments, quoted here as needed.
 */
export function replayInvocation(args: readonly string[]): string {
  return ['npm run --silent pruneproof --', ...args.map(shellQuote)].join(' ');
}
