/** The one way a worker pool finds its compiled worker script (experiment runs, scaling calibration, user pruners). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The compiled worker script `<name>.js` in `dir` (the caller's `__dirname`).
 *
 * @param dir - the folder of the calling module, where the build puts the worker beside it.
 * @param name - the worker module's name without extension, e.g. `worker`.
 * @returns the script's path, or null when running from TypeScript sources (jest), where there is no .js.
 */
export function compiledWorkerScript(dir: string, name: string): string | null {
  const path = join(dir, `${name}.js`);
  return existsSync(path) ? path : null;
}
