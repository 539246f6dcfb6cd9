/** Deterministic JSON and the run ids made from it. */
import fc from 'fast-check';
import { canonicalJson, contentHash, safeName, stableJson } from '../../src/files/json';

describe('canonicalJson and stableJson', () => {
  it('key order does not change the text: canonicalJson(o) = canonicalJson(o with keys reversed)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (o) => {
        const reversed = Object.fromEntries(Object.entries(o).reverse());
        return canonicalJson(o) === canonicalJson(reversed) && stableJson(o) === stableJson(reversed);
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});

describe('run ids', () => {
  it('contentHash is 10 hex digits, equal for equal content in any key order, different for different content', () => {
    expect(contentHash({ a: 1, b: [2, 3] })).toMatch(/^[0-9a-f]{10}$/);
    expect(contentHash({ b: [2, 3], a: 1 })).toBe(contentHash({ a: 1, b: [2, 3] }));
    expect(contentHash({ a: 1, b: [3, 2] })).not.toBe(contentHash({ a: 1, b: [2, 3] }));
  });

  it('contentHash is pinned: the ids of stored runs and committed reports do not move', () => {
    expect(contentHash({})).toBe('44136fa355');
  });

  it('safeName keeps letters, digits, _ and -, turns other runs into one -, trims them, and falls back when empty', () => {
    expect(safeName('my pruner (v2)', 'pruner')).toBe('my-pruner-v2');
    expect(safeName('synthetic_small', 'run')).toBe('synthetic_small');
    expect(safeName('***', 'run')).toBe('run');
  });
});
