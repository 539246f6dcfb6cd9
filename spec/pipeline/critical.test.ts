import fc from 'fast-check';
import { firstTimeFromWhichHolds } from '../../src/pipeline/critical';

describe('firstTimeFromWhichHolds', () => {
  it('returns the start of the final run of successes, or null when the last checkpoint fails', () => {
    expect(
      firstTimeFromWhichHolds([
        { t: 0, holds: false },
        { t: 5, holds: true },
        { t: 9, holds: true },
      ]),
    ).toBe(5);
    expect(
      firstTimeFromWhichHolds([
        { t: 0, holds: true },
        { t: 5, holds: false },
        { t: 9, holds: true },
      ]),
    ).toBe(9);
    expect(
      firstTimeFromWhichHolds([
        { t: 0, holds: true },
        { t: 5, holds: false },
      ]),
    ).toBeNull();
    expect(firstTimeFromWhichHolds([])).toBeNull();
  });

  it('the returned t holds at every later checkpoint and fails just before it', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }), (flags) => {
        const series = flags.map((holds, i) => ({ t: i * 10, holds }));
        const t = firstTimeFromWhichHolds(series);
        if (t === null) {
          expect(flags[flags.length - 1]).toBe(false);
          return;
        }
        const idx = t / 10;
        expect(flags.slice(idx).every(Boolean)).toBe(true);
        if (idx > 0) expect(flags[idx - 1]).toBe(false);
      }),
      { seed: 42 },
    );
  });
});
