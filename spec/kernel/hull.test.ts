import fc from 'fast-check';
import { LuDecomposition, Matrix } from 'ml-matrix';
import { initBackend } from '../../src/backend';
import { tf } from '../../src/backend/tf';
import { hullDistance, isInsideHull, projectOntoSimplex } from '../../src/kernel/hull';
import { Rng } from '../../src/rng';
import { combine, distSq, explicitPhi, randomFeatures, withExactGram } from './helpers';

beforeAll(async () => {
  await initBackend();
});

const vectors = fc
  .array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 30 })
  .map((v) => Float64Array.from(v));

function sum(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s;
}

/** A random point of the simplex (normalised exponentials). */
function randomSimplexPoint(rng: Rng, n: number): Float64Array {
  const e = Float64Array.from({ length: n }, () => -Math.log(1 - rng.uniform()));
  const s = sum(e);
  return e.map((x) => x / s);
}

describe('projectOntoSimplex', () => {
  it('returns a point of the simplex', () => {
    fc.assert(
      fc.property(vectors, (v) => {
        const p = projectOntoSimplex(v);
        return p.every((x) => x >= 0) && Math.abs(sum(p) - 1) <= 1e-12 * v.length;
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('is idempotent: P(P(v)) = P(v)', () => {
    fc.assert(
      fc.property(vectors, (v) => {
        const p = projectOntoSimplex(v);
        return distSq(projectOntoSimplex(p), p) <= 1e-24 * v.length;
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('is the closest point: ⟨v − P(v), q − P(v)⟩ ≤ 0 for every vertex q = e_i, hence for all q in the simplex', () => {
    fc.assert(
      fc.property(vectors, fc.integer(), (v, seed) => {
        const p = projectOntoSimplex(v);
        const scale = 1e-12 * (1 + Math.max(...v.map(Math.abs)));
        const inner = (q: Float64Array) => v.reduce((s, vi, i) => s + (vi - p[i]) * (q[i] - p[i]), 0);
        for (let i = 0; i < v.length; i++) {
          const e = new Float64Array(v.length);
          e[i] = 1;
          expect(inner(e)).toBeLessThanOrEqual(scale);
        }
        const q = randomSimplexPoint(new Rng(seed), v.length);
        expect(distSq(v, p)).toBeLessThanOrEqual(distSq(v, q) + scale);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

/** f(p) = ‖Σ p_r Φ_r − y‖² in float64 from the explicit features. */
function objective(phi: Float64Array[], p: ArrayLike<number>, y: Float64Array): number {
  return distSq(combine(phi, p), y);
}

/**
 * Exact squared distance from y to conv{Φ_r} for tiny N: the minimiser is the affine least-squares solution
 * on the face that contains it, so enumerate all faces (KKT system of the equality-constrained problem),
 * keep those whose solution has non-negative weights, and take the best. Affinely dependent faces are skipped.
 */
function bruteForceDistanceSq(phi: Float64Array[], y: Float64Array): number {
  const N = phi.length;
  let best = Infinity;
  for (let mask = 1; mask < 1 << N; mask++) {
    const S = [...Array(N).keys()].filter((r) => mask & (1 << r));
    const k = S.length;
    const K = new Matrix(k + 1, k + 1);
    const rhs = new Matrix(k + 1, 1);
    S.forEach((r, a) => {
      S.forEach((s, b) => K.set(a, b, 2 * phi[r].reduce((acc, x, i) => acc + x * phi[s][i], 0)));
      K.set(a, k, 1);
      K.set(k, a, 1);
      rhs.set(a, 0, 2 * phi[r].reduce((acc, x, i) => acc + x * y[i], 0));
    });
    rhs.set(k, 0, 1);
    const lu = new LuDecomposition(K);
    if (lu.isSingular() || Math.abs(lu.determinant) < 1e-10) continue;
    const q = lu.solve(rhs).getColumn(0).slice(0, k);
    if (q.some((x) => x < -1e-9)) continue;
    const p = new Float64Array(N);
    S.forEach((r, a) => (p[r] = q[a]));
    best = Math.min(best, objective(phi, p, y));
  }
  return best;
}

describe('hullDistance', () => {
  const sizeFields = {
    m: fc.integer({ min: 1, max: 6 }),
    N: fc.integer({ min: 1, max: 30 }),
    C: fc.integer({ min: 1, max: 3 }),
    seed: fc.integer(),
  };
  const sizes = fc.record(sizeFields);
  const sizesAndPrecision = fc.record({
    ...sizeFields,
    precision: fc.constantFrom('float64' as const, 'float32' as const),
  });

  it('y = a random convex combination of the Φ_r is at distance ≈ 0 (float64 and float32 backends)', async () => {
    await fc.assert(
      fc.asyncProperty(sizesAndPrecision, async ({ m, N, C, seed, precision }) => {
        const fcase = randomFeatures(m, N, C, seed);
        const phi = explicitPhi(fcase.features);
        const y = combine(phi, randomSimplexPoint(new Rng(seed).fork('weights'), N));
        const targets = tf.tensor2d(Float32Array.from(y), [m, C]);
        const before = tf.memory().numTensors;
        const h = await hullDistance(fcase.features, targets, { precision });
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose(targets);
        fcase.dispose();
        expect(h.precision).toBe(precision);
        expect(h.converged).toBe(true);
        expect(isInsideHull(h)).toBe(true);
        // y was rounded to float32 (≈ 1e-7 relative), far inside the default tolerance 1e-6·max(‖y‖², 1).
        expect(h.tolerance).toBeCloseTo(
          1e-6 *
            Math.max(
              Float32Array.from(y).reduce((s, x) => s + x * x, 0),
              1,
            ),
          12,
        );
      }),
      { seed: 42, numRuns: 30 },
    );
  });

  it('random y (mostly outside): certified bracket lowerBound ≤ exact ≤ distanceSq, within tolerance; p is on the simplex and f(p) = distanceSq', async () => {
    await fc.assert(
      fc.asyncProperty(sizes, async ({ m, N, C, seed }) => {
        const fcase = randomFeatures(m, N, C, seed);
        const h = await hullDistance(fcase.features, fcase.targets);
        const phi = explicitPhi(fcase.features);
        const y = Float64Array.from(fcase.targets.dataSync());
        fcase.dispose();
        expect(h.converged).toBe(true);
        expect(h.lowerBound).toBeLessThanOrEqual(h.distanceSq);
        expect(h.distanceSq - h.lowerBound).toBeLessThanOrEqual(h.tolerance);
        expect(h.lowerBound).toBeGreaterThanOrEqual(h.distanceSq - h.gap);
        expect(h.weights.every((x) => x >= 0)).toBe(true);
        expect(Math.abs(sum(h.weights) - 1)).toBeLessThan(1e-12);
        expect(Math.abs(objective(phi, h.weights, y) - h.distanceSq)).toBeLessThan(1e-10 * (1 + h.distanceSq));
        if (N <= 5) {
          const exact = bruteForceDistanceSq(phi, y);
          expect(exact).toBeGreaterThanOrEqual(h.lowerBound - 1e-10);
          expect(exact).toBeLessThanOrEqual(h.distanceSq + 1e-10);
        }
      }),
      { seed: 42, numRuns: 60 },
    );
  });

  it('N = 2: the distance to the segment [Φ_1, Φ_2] matches the closed form', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer(),
        async (m, C, seed) => {
          const fcase = randomFeatures(m, 2, C, seed);
          const [a, b] = explicitPhi(fcase.features);
          const y = Float64Array.from(fcase.targets.dataSync());
          const h = await hullDistance(fcase.features, fcase.targets);
          fcase.dispose();
          const ab = distSq(a, b);
          const t =
            ab === 0 ? 0 : Math.min(1, Math.max(0, y.reduce((s, yi, i) => s + (yi - a[i]) * (b[i] - a[i]), 0) / ab));
          const exact = distSq(
            a.map((ai, i) => ai + t * (b[i] - ai)),
            y,
          );
          expect(Math.abs(h.distanceSq - exact)).toBeLessThanOrEqual(h.tolerance);
          expect(h.lowerBound).toBeLessThanOrEqual(exact + 1e-12);
        },
      ),
      { seed: 42, numRuns: 40 },
    );
  });

  it('y far outside: distanceSq > 0, certified outside (lowerBound > tolerance) with distanceSq − lowerBound ≤ tolerance, on both backends', async () => {
    await fc.assert(
      fc.asyncProperty(sizesAndPrecision, async ({ m, N, C, seed, precision }) => {
        const fcase = randomFeatures(m, N, C, seed);
        const phi = explicitPhi(fcase.features);
        const radius = Math.sqrt(Math.max(...phi.map((f) => distSq(f, new Float64Array(m * C)))));
        // Every Φ_r lies in the ball of radius `radius` around 0; y at 3·radius + 1 is at distance ≥ 2·radius + 1.
        const direction = Float64Array.from({ length: m * C }, () => 1 / Math.sqrt(m * C));
        const targets = tf.tensor2d(Float32Array.from(direction.map((x) => (3 * radius + 1) * x)), [m, C]);
        const h = await hullDistance(fcase.features, targets, { precision });
        tf.dispose(targets);
        fcase.dispose();
        expect(h.converged).toBe(true);
        expect(h.distanceSq).toBeGreaterThanOrEqual((2 * radius + 1) ** 2 * (1 - 1e-6));
        expect(h.lowerBound).toBeGreaterThan(h.tolerance);
        expect(isInsideHull(h)).toBe(false);
        expect(h.distanceSq - h.lowerBound).toBeLessThanOrEqual(h.tolerance);
      }),
      { seed: 42, numRuns: 20 },
    );
  });

  it('a warm start at a previous answer needs fewer iterations than the cold start and gives the same distance', async () => {
    const fcase = randomFeatures(5, 20, 2, 9);
    const cold = await hullDistance(fcase.features, fcase.targets);
    const warm = await hullDistance(fcase.features, fcase.targets, { start: cold.weights });
    await expect(hullDistance(fcase.features, fcase.targets, { start: new Float64Array(3) })).rejects.toThrow(
      /hullDistance: start has length 3, expected width 20/,
    );
    fcase.dispose();
    expect(cold.iterations).toBeGreaterThan(0);
    expect(warm.iterations).toBeLessThan(cold.iterations);
    expect(warm.converged).toBe(true);
    expect(Math.abs(warm.distanceSq - cold.distanceSq)).toBeLessThanOrEqual(cold.tolerance);
  });

  it('the Gram supplied with the features sets only the first step: the certified answer is the same, and a 10⁴-times too large Gram costs iterations', async () => {
    await fc.assert(
      fc.asyncProperty(sizes, async ({ m, N, C, seed }) => {
        const fcase = randomFeatures(m, N, C, seed);
        const formed = await hullDistance(fcase.features, fcase.targets);
        const supplied = await hullDistance(withExactGram(fcase.features), fcase.targets);
        fcase.dispose();
        expect(supplied.converged).toBe(true);
        expect(Math.abs(supplied.distanceSq - formed.distanceSq)).toBeLessThanOrEqual(formed.tolerance);
      }),
      { seed: 44, numRuns: 20 },
    );
    const fcase = randomFeatures(4, 20, 2, 7);
    const exact = await hullDistance(withExactGram(fcase.features), fcase.targets);
    const tooLarge = await hullDistance(withExactGram(fcase.features, 1e4), fcase.targets);
    fcase.dispose();
    expect(exact.iterations).toBeGreaterThan(1);
    expect(tooLarge.iterations).toBeGreaterThan(exact.iterations);
    expect(Math.abs(tooLarge.distanceSq - exact.distanceSq)).toBeLessThanOrEqual(exact.tolerance);
  });

  it('products supplied from elsewhere replace the float64 loops: exact products give the same certified answer, and products for an inside point make the solver find that point inside', async () => {
    await fc.assert(
      fc.asyncProperty(sizes, async ({ m, N, C, seed }) => {
        const fcase = randomFeatures(m, N, C, seed);
        const phi = explicitPhi(fcase.features);
        const productsFor = (y: Float64Array) => async () => async (p: Float64Array) => {
          const residual = combine(phi, p).map((v, i) => v - y[i]);
          return { residual, projected: Float64Array.from(phi, (f) => f.reduce((s, v, i) => s + v * residual[i], 0)) };
        };
        const y = Float64Array.from(fcase.targets.dataSync());
        const inside = combine(phi, randomSimplexPoint(new Rng(seed).fork('inside'), N));
        const own = await hullDistance(fcase.features, fcase.targets, { precision: 'float64' });
        const supplied = await hullDistance(fcase.features, fcase.targets, {
          precision: 'float64',
          products: productsFor(y),
        });
        const misdirected = await hullDistance(fcase.features, fcase.targets, {
          precision: 'float64',
          products: productsFor(inside),
        });
        fcase.dispose();
        expect(Math.abs(supplied.distanceSq - own.distanceSq)).toBeLessThanOrEqual(own.tolerance);
        // The solver believes its products: their y, not the targets tensor's, decides the answer.
        expect(misdirected.distanceSq).toBeLessThanOrEqual(own.tolerance);
      }),
      { seed: 45, numRuns: 15 },
    );
  });

  it('stops at maxIterations without claiming convergence', async () => {
    const fcase = randomFeatures(6, 30, 2, 3);
    const h = await hullDistance(fcase.features, fcase.targets, { maxIterations: 1, tolerance: 1e-15 });
    fcase.dispose();
    expect(h.iterations).toBe(1);
    expect(h.converged).toBe(false);
    expect(h.lowerBound).toBeLessThanOrEqual(h.distanceSq);
  });

  it('rejects bad options and mismatched targets, naming the argument', async () => {
    const fcase = randomFeatures(3, 4, 1, 1);
    await expect(hullDistance(fcase.features, fcase.targets, { tolerance: 0 })).rejects.toThrow(
      /hullDistance: tolerance must be > 0, got 0/,
    );
    await expect(hullDistance(fcase.features, fcase.targets, { maxIterations: 0 })).rejects.toThrow(
      /hullDistance: maxIterations must be a positive integer/,
    );
    const wrong = tf.zeros([3, 2]);
    await expect(hullDistance(fcase.features, wrong as never)).rejects.toThrow(
      /hullDistance: targets has shape \[3, 2\], expected \[3, 1\]/,
    );
    wrong.dispose();
    fcase.dispose();
    expect(() => projectOntoSimplex(new Float64Array(0))).toThrow(/projectOntoSimplex: v is empty/);
  });
});
