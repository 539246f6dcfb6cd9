/** Which settings differ between two configs (or key inputs): dotted paths with both values, nothing else. */
import { canonicalJson } from '../experiment/config';

function leaves(value: unknown, path: string, out: Map<string, string>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>))
      if (v !== undefined) leaves(v, path ? `${path}.${k}` : k, out);
    return;
  }
  out.set(path, canonicalJson(value));
}

/** The fields whose values differ, as `field: a → b` (`(unset)` where one side lacks it), sorted by field. */
export function differences(a: unknown, b: unknown): string[] {
  const [x, y] = [new Map<string, string>(), new Map<string, string>()];
  leaves(a, '', x);
  leaves(b, '', y);
  const fields = [...new Set([...x.keys(), ...y.keys()])].sort();
  return fields
    .filter((f) => x.get(f) !== y.get(f))
    .map((f) => `${f}: ${x.get(f) ?? '(unset)'} → ${y.get(f) ?? '(unset)'}`);
}
