/**
 * Parsers of command options that are not experiment settings (those are parsed by the field table:
 * src/cli/config-options.ts), with errors naming the flag.
 */
import { InputError } from './errors';

export function positiveInt(flag: string) {
  return (value: string): number => {
    const v = Number(value);
    if (!Number.isInteger(v) || v <= 0) throw new InputError(`${flag}: expected a positive integer, got '${value}'`);
    return v;
  };
}

export function positiveNumber(flag: string) {
  return (value: string): number => {
    const v = Number(value);
    if (!Number.isFinite(v) || v <= 0) throw new InputError(`${flag}: expected a positive number, got '${value}'`);
    return v;
  };
}

export function integer(flag: string) {
  return (value: string): number => {
    const v = Number(value);
    if (!Number.isInteger(v)) throw new InputError(`${flag}: expected an integer, got '${value}'`);
    return v;
  };
}
