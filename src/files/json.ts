/**
 * Deterministic JSON: object keys sorted, so equal values serialise (and hash) equally whatever their key order;
 * and the one way run ids are made from them (a file-safe readable name, then a hash of the content).
 */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal configs hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    // fromEntries defines own properties, so a key such as "__proto__" (possible in a config's
    // constant or expression overrides) is kept rather than treated as the prototype.
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, sortKeys(v)]);
    return Object.fromEntries(entries);
  }
  return value;
}

/** JSON with object keys sorted and 2-space indentation, so two runs' report.json diff cleanly. */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

/**
 * The content part of every run id (verify, claims, check-pruner): the first 10 hex digits of the SHA-256 of
 * the value's canonical JSON, so equal settings give equal ids whatever their key order.
 *
 * @param value - the settings that define the run.
 * @returns 10 lowercase hex digits.
 */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 10);
}

/**
 * The readable part of a run id: runs of characters other than letters, digits, `_` and `-` become one `-`,
 * with none at either end, so the id is a safe folder name.
 *
 * @param text - a user-chosen name (a config's name, a pruner's name).
 * @param fallback - the name when nothing safe is left.
 * @returns the safe name.
 */
export function safeName(text: string, fallback: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || fallback;
}
