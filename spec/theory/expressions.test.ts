import fc from 'fast-check';
import { EXPRESSIONS, EXPRESSION_IDS, HYPOTHESIS_IDS, harmonic } from '../../theory/expressions';
import { collectNames, math, splitRelations } from '../../theory/math';

describe('theory expressions', () => {
  it.each(EXPRESSION_IDS)('%s parses and uses exactly its declared symbols', (id) => {
    const def = EXPRESSIONS[id];
    const { symbols } = collectNames(math.parse(def.expr));
    expect([...symbols].sort()).toEqual([...def.symbols].sort());
  });

  it.each(EXPRESSION_IDS)('%s has a provenance label, a statement and the shape of its kind', (id) => {
    const def = EXPRESSIONS[id];
    expect(['[Du19]', '[FW]', '[R]']).toContain(def.label);
    expect(def.statement.length).toBeGreaterThan(10);
    const isRelation = splitRelations(math.parse(def.expr)) !== null;
    expect(isRelation).toBe(def.kind !== 'value');
  });

  it('labels B1 and its hypotheses [Du19], B2/B2′/B4 [FW], B3 and the ε split [R]', () => {
    for (const id of [...HYPOTHESIS_IDS, 'B1', 'R0bound'] as const) expect(EXPRESSIONS[id].label).toBe('[Du19]');
    for (const id of ['B2', 'B2prime', 'B4rho', 'B4inside'] as const) expect(EXPRESSIONS[id].label).toBe('[FW]');
    for (const id of ['B3', 'B3upper', 'epsFull', 'epsT', 'epsN'] as const) expect(EXPRESSIONS[id].label).toBe('[R]');
  });

  it('states the hypotheses and bounds exactly as THEORY.md §4', () => {
    expect(EXPRESSIONS.H4.expr).toBe('kappa == 1 and N >= c_N * m^6 / (lambda0^4 * delta^3)');
    expect(EXPRESSIONS.H5.expr).toBe('eta <= c_eta * lambda0 / m^2');
    expect(EXPRESSIONS.B1.expr).toBe('R0 * (1 - eta*lambda0/2)^t');
    expect(EXPRESSIONS.R0bound.expr).toBe('m*outputs*(C^2 + kappa^2/2)/delta');
    expect(EXPRESSIONS.B3.expr).toBe('log(R0 / rho^2) / (-log(1 - eta*lambda0/2))');
    expect(EXPRESSIONS.B3upper.expr).toBe('(2/(eta*lambda0)) * log(m*outputs*(C^2 + kappa^2/2)/(delta*rho^2))');
    expect(EXPRESSIONS.B2.expr).toBe('Rt + D^2 * Hn / n');
    expect(EXPRESSIONS.B2prime.expr).toBe('Dy^2 / n');
    expect(EXPRESSIONS.epsFull.expr).toBe('(1 - eta*lambda0/2)^t * R0 + D^2*Hn/n <= 2*m*epsilon');
  });
});

describe('harmonic', () => {
  it('gives H_0 = 0, H_1 = 1, H_4 = 25/12', () => {
    expect(harmonic(0)).toBe(0);
    expect(harmonic(1)).toBe(1);
    expect(harmonic(4)).toBeCloseTo(25 / 12, 14);
  });

  // The exact sum switches to the asymptotic series above n = 1000; the recurrence must hold across it.
  it('satisfies H_n − H_{n−1} = 1/n (relative 1e-9 of 1/n, both regimes)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5_000_000 }), (n) => {
        const step = harmonic(n) - harmonic(n - 1);
        // Cancellation in H_n − H_{n−1} costs about H_n·2^-52 ≈ 4e-15 absolute, well under 1e-9/n for n ≤ 5e6.
        expect(Math.abs(step - 1 / n)).toBeLessThan(1e-9 / n + 1e-14);
      }),
      { seed: 42, numRuns: 300 },
    );
    expect(harmonic(1001) - harmonic(1000)).toBeCloseTo(1 / 1001, 13);
  });

  it('rejects a negative or fractional n', () => {
    expect(() => harmonic(-1)).toThrow(/harmonic: n must be a non-negative integer, got -1/);
    expect(() => harmonic(1.5)).toThrow(/got 1.5/);
  });
});
