import fc from 'fast-check';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { initBackend } from '../../src/backend';
import { tf } from '../../src/backend/tf';
import { featureGeometry } from '../../src/kernel/geometry';
import { hullDistance } from '../../src/kernel/hull';
import { Rng } from '../../src/rng';
import { combine, distSq, explicitPhi, randomFeatures, withExactGram } from './helpers';

beforeAll(async () => {
  await initBackend();
});

/** Every quantity of featureGeometry from the explicit vectors Φ_r ∈ R^{mC}, in float64. */
function bruteForce(phi: Float64Array[], y: Float64Array) {
  const N = phi.length;
  const dim = y.length;
  const u = combine(phi, new Float64Array(N).fill(1 / N));
  let diameterSq = 0;
  for (const a of phi) for (const b of phi) diameterSq = Math.max(diameterSq, distSq(a, b));
  const sigma = new Matrix(dim, dim);
  for (const f of phi) {
    const c = f.map((x, i) => x - u[i]);
    for (let i = 0; i < dim; i++) for (let k = 0; k < dim; k++) sigma.set(i, k, sigma.get(i, k) + (c[i] * c[k]) / N);
  }
  const values = new EigenvalueDecomposition(sigma, { assumeSymmetric: true }).realEigenvalues;
  return {
    u,
    diameterSq,
    diameterToTargetSq: Math.max(...phi.map((f) => distSq(f, y))),
    denseResidual: distSq(u, y),
    maxCentredNormSq: Math.max(...phi.map((f) => distSq(f, u))),
    sigmaMin: Math.min(...values),
    sigmaMax: Math.max(...values),
    maxFeatureSq: Math.max(...phi.map((f) => distSq(f, new Float64Array(dim)))),
  };
}

describe('featureGeometry', () => {
  for (const C of [1, 3]) {
    it(`matches brute force over the explicit Φ_r (C = ${C}), on both sides of N = mC, with the Gram formed or supplied`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 5 }),
          fc.integer({ min: 1, max: 24 }),
          fc.integer(),
          fc.boolean(),
          (m, N, seed, supplied) => {
            const fcase = randomFeatures(m, N, C, seed);
            const before = tf.memory().numTensors;
            const g = featureGeometry(supplied ? withExactGram(fcase.features) : fcase.features, fcase.targets);
            expect(tf.memory().numTensors).toBe(before);
            const y = Float64Array.from(fcase.targets.dataSync());
            const b = bruteForce(explicitPhi(fcase.features), y);
            fcase.dispose();
            const ySq = distSq(y, new Float64Array(y.length));
            // float32 products over at most mC = 15 terms: relative error ≲ 15·6e-8 ≈ 1e-6 of the squared scale;
            // allowed 1e-5 of it.
            const scale = b.maxFeatureSq + ySq + 1e-30;
            expect(Math.abs(g.diameter ** 2 - b.diameterSq)).toBeLessThanOrEqual(1e-5 * scale);
            expect(Math.abs(g.diameterToTarget ** 2 - b.diameterToTargetSq)).toBeLessThanOrEqual(1e-5 * scale);
            expect(Math.abs(g.denseResidual - b.denseResidual)).toBeLessThanOrEqual(1e-5 * scale);
            expect(g.ballVoid).toBe(N <= m * C);
            if (g.ballVoid) {
              expect(g.rho).toBe(0);
              expect(g.covarianceLambdaMin).toBe(0);
              expect(Math.abs(g.maxCentredNorm ** 2 - b.maxCentredNormSq)).toBeLessThanOrEqual(1e-5 * scale);
              // The rank argument behind "void": Σ_t has rank ≤ N − 1 < mC, so λ_min is 0 up to rounding.
              expect(b.sigmaMin).toBeLessThan(1e-12 * (b.sigmaMax + 1));
            } else {
              // Float64 path: only summation order differs from the brute force.
              expect(Math.abs(g.maxCentredNorm ** 2 - b.maxCentredNormSq)).toBeLessThanOrEqual(1e-12 * scale);
              expect(Math.abs(g.covarianceLambdaMin - Math.max(0, b.sigmaMin))).toBeLessThanOrEqual(
                1e-12 * (b.sigmaMax + 1e-300),
              );
              expect(g.rho).toBeCloseTo(g.covarianceLambdaMin / (2 * g.maxCentredNorm), 12);
            }
          },
        ),
        { seed: 42, numRuns: 40 },
      );
    });
  }

  it('D_t is read from the Gram supplied with the features: scaling that Gram by 4 doubles D_t', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 2, max: 24 }), fc.integer(), (m, N, seed) => {
        const fcase = randomFeatures(m, N, 2, seed);
        const exact = featureGeometry(withExactGram(fcase.features), fcase.targets).diameter;
        const scaled = featureGeometry(withExactGram(fcase.features, 4), fcase.targets).diameter;
        fcase.dispose();
        expect(scaled).toBeCloseTo(2 * exact, 5);
      }),
      { seed: 43, numRuns: 20 },
    );
  });

  it('rejects features whose tensors disagree with the declared sizes, naming the field', () => {
    const fcase = randomFeatures(3, 4, 1, 1);
    expect(() => featureGeometry({ ...fcase.features, width: 5 }, fcase.targets)).toThrow(
      /featureGeometry: features.activations has shape \[3, 4\], expected \[3, 5\]/,
    );
    fcase.dispose();
  });
});

/** Random unit directions in R^dim. */
function unitDirections(rng: Rng, dim: number, count: number): Float64Array[] {
  return Array.from({ length: count }, () => {
    const v = Float64Array.from({ length: dim }, () => rng.normal());
    const norm = Math.sqrt(distSq(v, new Float64Array(dim)));
    return v.map((x) => x / norm);
  });
}

describe('B4: the ball of radius ρ_t around u(t) lies inside conv{Φ_r(t)} (N > mC)', () => {
  const cases = fc
    .record({
      m: fc.integer({ min: 1, max: 4 }),
      C: fc.integer({ min: 1, max: 2 }),
      extra: fc.integer({ min: 1, max: 30 }),
      seed: fc.integer(),
    })
    .map(({ m, C, extra, seed }) => ({ m, C, N: m * C + extra, seed }));

  it('support function: max_r ⟨Φ_r − u, v⟩ ≥ ρ_t for every unit direction v (exact float64 check)', () => {
    fc.assert(
      fc.property(cases, ({ m, C, N, seed }) => {
        const fcase = randomFeatures(m, N, C, seed);
        const g = featureGeometry(fcase.features, fcase.targets);
        const phi = explicitPhi(fcase.features);
        fcase.dispose();
        const u = combine(phi, new Float64Array(N).fill(1 / N));
        for (const v of unitDirections(new Rng(seed).fork('directions'), m * C, 50)) {
          const support = Math.max(...phi.map((f) => f.reduce((s, x, i) => s + (x - u[i]) * v[i], 0)));
          expect(support).toBeGreaterThanOrEqual(g.rho * (1 - 1e-9));
        }
      }),
      { seed: 42, numRuns: 40 },
    );
  });

  it('hull distance: random points y on the sphere of radius ρ_t around u are inside the hull', async () => {
    await fc.assert(
      fc.asyncProperty(cases, async ({ m, C, N, seed }) => {
        const fcase = randomFeatures(m, N, C, seed);
        const g = featureGeometry(fcase.features, fcase.targets);
        const phi = explicitPhi(fcase.features);
        const u = combine(phi, new Float64Array(N).fill(1 / N));
        for (const v of unitDirections(new Rng(seed).fork('points'), m * C, 3)) {
          const exact = u.map((x, i) => x + g.rho * v[i]);
          const y32 = Float32Array.from(exact);
          // y is stored in float32: it may sit up to ‖y32 − y‖ outside the ball, hence outside the hull by that much.
          const rounding = Math.sqrt(distSq(y32, exact));
          const tolerance = Math.max((1e-3 * g.rho) ** 2, 1e-13 * distSq(exact, new Float64Array(m * C)), 1e-30);
          const targets = tf.tensor2d(y32, [m, C]);
          const h = await hullDistance(fcase.features, targets, { tolerance });
          targets.dispose();
          expect(h.converged).toBe(true);
          expect(Math.sqrt(h.distanceSq)).toBeLessThanOrEqual(rounding + 2 * Math.sqrt(tolerance));
        }
        fcase.dispose();
      }),
      { seed: 42, numRuns: 25 },
    );
  });

  it('control: points at twice the largest centred norm are certified outside (the check above can fail)', async () => {
    await fc.assert(
      fc.asyncProperty(cases, async ({ m, C, N, seed }) => {
        const fcase = randomFeatures(m, N, C, seed);
        const g = featureGeometry(fcase.features, fcase.targets);
        const u = combine(explicitPhi(fcase.features), new Float64Array(N).fill(1 / N));
        const [v] = unitDirections(new Rng(seed).fork('control'), m * C, 1);
        const targets = tf.tensor2d(Float32Array.from(u.map((x, i) => x + 2 * g.maxCentredNorm * v[i])), [m, C]);
        const h = await hullDistance(fcase.features, targets);
        tf.dispose(targets);
        fcase.dispose();
        // The hull lies in the ball of radius maxCentredNorm around u: y is at least that far from it.
        expect(h.lowerBound).toBeGreaterThan(0.99 * g.maxCentredNorm ** 2 - h.tolerance);
      }),
      { seed: 42, numRuns: 15 },
    );
  });
});
