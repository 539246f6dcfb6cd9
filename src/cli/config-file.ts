/** Reading a config file at the edge: unreadable, non-JSON and schema-invalid files get errors naming the file. */
import { readFileSync } from 'node:fs';
import type { ConfigLayer } from '../experiment/fields';
import { checkPartialConfig, ConfigError } from '../experiment/validate-config';

export function readConfigFile(path: string): ConfigLayer {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(
      `cannot read config file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  return checkPartialConfig(parsed, path);
}
