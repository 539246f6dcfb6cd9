/** Parsing of CLI flag values into typed config fields, with errors naming the flag. */
import { InputError } from './errors';

export function intList(flag: string) {
  return (value: string): number[] => {
    const parts = value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const out = parts.map(Number);
    if (parts.length === 0 || out.some((v) => !Number.isInteger(v))) {
      throw new InputError(`${flag}: expected a comma-separated list of integers, got '${value}'`);
    }
    return out;
  };
}

export function stringList(flag: string) {
  return (value: string): string[] => {
    const out = value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (out.length === 0) throw new InputError(`${flag}: expected a comma-separated list, got '${value}'`);
    return out;
  };
}

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

export function oneOf<T extends string>(flag: string, allowed: readonly T[]) {
  return (value: string): T => {
    if (!(allowed as readonly string[]).includes(value))
      throw new InputError(`${flag}: expected one of ${allowed.join(', ')}, got '${value}'`);
    return value as T;
  };
}
