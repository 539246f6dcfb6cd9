/** The package's version and the versions a bug report needs. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** package.json of pruneproof, found upwards from this file (src/cli in a clone, dist/src/cli when built). */
function packageJson(): { name: string; version: string } {
  let dir = __dirname;
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'pruneproof' && pkg.version) return { name: pkg.name, version: pkg.version };
    }
    const parent = dirname(dir);
    if (parent === dir) return { name: 'pruneproof', version: 'unknown' };
    dir = parent;
  }
}

export const PRUNEPROOF_VERSION = packageJson().version;

function tfjsVersion(): string {
  try {
    // A JSON file resolved at run time (the installed version, not the one compiled against).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('@tensorflow/tfjs/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** One line with every version that matters for reproducing a run. */
export function versionLine(): string {
  const platform = `${process.platform}-${process.arch}`;
  return `pruneproof ${PRUNEPROOF_VERSION}, node ${process.version}, tfjs ${tfjsVersion()}, ${platform}`;
}

/** What exit 3 prints: the stack, and how to report the bug. */
export function internalErrorReport(e: unknown, argv: readonly string[]): string {
  const err = e instanceof Error ? e : new Error(String(e));
  return [
    `pruneproof: internal error (a bug in pruneproof, not in your input): ${err.stack ?? err.message}`,
    '',
    "Please report it to the pruneproof maintainers (the project's issue tracker) with:",
    `  command: pruneproof ${argv.join(' ')}`,
    `  versions: ${versionLine()}`,
    '',
  ].join('\n');
}
