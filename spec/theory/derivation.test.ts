import fc from 'fast-check';
import { deriveTStarSlopes } from '../../theory/derivation';
import { math } from '../../theory/math';

/** True when mathjs simplifies a − b to 0. */
function symbolicallyEqual(a: string, b: string): boolean {
  return math.simplify(`(${a}) - (${b})`).toString() === '0';
}

describe('deriveTStarSlopes: d(T*)/d(ln m)', () => {
  const slopes = deriveTStarSlopes();

  it('upper form at fixed η: the slope is free of m and equals 2/(eta*lambda0)', () => {
    const { upperFixedEta } = slopes;
    expect(upperFixedEta.constantInLnM).toBe(true);
    expect(upperFixedEta.symbols).toEqual(['eta', 'lambda0']);
    expect(symbolicallyEqual(upperFixedEta.derivative, '2/(eta*lambda0)')).toBe(true);
    expect(upperFixedEta.latex).toMatch(/\\frac\{2\}/);
    expect(upperFixedEta.latex).toContain('\\lambda_0');
  });

  it('exact form at fixed η with R(0) ∝ m: the slope is free of m and equals −1/log(1 − ηλ0/2)', () => {
    const { exactFixedEta } = slopes;
    expect(exactFixedEta.constantInLnM).toBe(true);
    expect(exactFixedEta.symbols).toEqual(['eta', 'lambda0']);
    const expected = '-1/log(1 - eta*lambda0/2)';
    // Symbolic simplification of log differences is not canonical in mathjs, so also compare numerically:
    // two double evaluations of the same function agree to ~1e-12 relative.
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 1, noNaN: true }),
        fc.double({ min: 1e-3, max: 1, noNaN: true }),
        (eta, lambda0) => {
          const got = math.evaluate(exactFixedEta.derivative, { eta, lambda0 }) as number;
          const want = math.evaluate(expected, { eta, lambda0 }) as number;
          expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-12 * Math.abs(want));
        },
      ),
      { seed: 42, numRuns: 100 },
    );
  });

  it('upper form with η at its H5 value: the slope depends on m and grows faster than m²', () => {
    const { upperEtaH5 } = slopes;
    expect(upperEtaH5.constantInLnM).toBe(false);
    expect(upperEtaH5.symbols).toContain('s');
    expect(upperEtaH5.derivative).toMatch(/\bm\b/);
    const scope = { C: 1, kappa: 1, delta: 0.1, rho: 0.1, lambda0: 0.05, c_eta: 1, outputs: 1 };
    const at = (m: number) => math.evaluate(upperEtaH5.derivative, { ...scope, m }) as number;
    for (const m of [10, 100, 1000]) expect(at(2 * m)).toBeGreaterThan(4 * at(m));
  });

  it('checks the overridden expression: a power law in m is reported as not logarithmic', () => {
    const power = deriveTStarSlopes({ expressions: { B3upper: '(2/(eta*lambda0)) * m / rho^2' } });
    expect(power.upperFixedEta.constantInLnM).toBe(false);
    expect(symbolicallyEqual(power.upperFixedEta.derivative, '2*m/(eta*lambda0*rho^2)')).toBe(true);
  });
});
