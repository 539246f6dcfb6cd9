/** Gaussian tail log-probabilities stay accurate and finite far in the tails. */
import { logIntervalProbability, logUpperTail, normalCdf } from '../../src/scaling/normal';

describe('normal tails', () => {
  it('Φ matches reference values to 1e-7', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 7);
    expect(normalCdf(-1)).toBeCloseTo(0.158655254, 7);
  });

  it('ln P(Z > x) stays finite and decreasing at 40 σ (ln Q(40) ≈ −804.6)', () => {
    expect(logUpperTail(40)).toBeCloseTo(-804.608, 2);
    expect(logUpperTail(41)).toBeLessThan(logUpperTail(40));
  });

  it('P(a ≤ Z ≤ b) equals Φ(b) − Φ(a) and is finite far in either tail', () => {
    expect(Math.exp(logIntervalProbability(-1, 2))).toBeCloseTo(normalCdf(2) - normalCdf(-1), 7);
    expect(Number.isFinite(logIntervalProbability(30, 31))).toBe(true);
    expect(Number.isFinite(logIntervalProbability(-31, -30))).toBe(true);
    expect(logIntervalProbability(30, 31)).toBeCloseTo(logUpperTail(30), 3);
  });
});
