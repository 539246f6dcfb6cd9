/** Euler–Mascheroni constant γ. */
const EULER_GAMMA = 0.5772156649015329;

/** Above this n the asymptotic series is used: its truncation error 1/(252 n⁶) is far below double precision. */
const EXACT_SUM_LIMIT = 1000;

/**
 * The harmonic number H_n = Σ_{k=1..n} 1/k (H_0 = 0), used by B2: ‖f_{S_n} − y‖² ≤ R(t) + D_t² H_n / n.
 * Exact summation (smallest terms first) up to n = 1000, then ln n + γ + 1/(2n) − 1/(12n²) + 1/(120n⁴).
 */
export function harmonic(n: number): number {
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`harmonic: n must be a non-negative integer, got ${n}`);
  }
  if (n <= EXACT_SUM_LIMIT) {
    let sum = 0;
    for (let k = n; k >= 1; k--) sum += 1 / k;
    return sum;
  }
  const inv = 1 / n;
  const inv2 = inv * inv;
  return Math.log(n) + EULER_GAMMA + inv / 2 - inv2 / 12 + (inv2 * inv2) / 120;
}
