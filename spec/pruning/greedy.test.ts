import fc from 'fast-check';
import { initBackend } from '../../src/backend';
import { tf } from '../../src/backend/tf';
import { greedyPruner, runGreedy, type RunGreedyOptions } from '../../src/pruning/greedy';
import {
  FC_SEED,
  allPhi,
  featureCaseArb,
  lossScale,
  makeInput,
  phiSum,
  residualBrute,
  squaredDistance,
  squaredNorm,
  uniformCase,
  withExactGram,
  type FeatureCase,
} from './cases';

beforeAll(async () => {
  await initBackend();
});

/**
 * Float tolerance of greedy's scores, relative to (k+1)²·(max‖Φ_r‖ + ‖y‖)². The Gram entries and
 * ⟨Φ_r, y⟩ come from float32 sums of at most m + C + 1 ≤ 14 terms, so each has error ≤ 14·2⁻²⁴ ≈ 8e-7
 * of its Cauchy–Schwarz bound; a score sums ≤ 2(k+1) of them, giving ≤ 2(k+1)·8e-7·P(P+Y). 1e-5 leaves
 * a 10× margin. The brute-force side is float64 and exact to ~1e-16.
 */
const SCORE_TOLERANCE = 1e-5;

/** [label, options, whether the features come with their Gram, as the engine supplies them]. */
const STRATEGIES: Array<[string, RunGreedyOptions, boolean]> = [
  ['gram', { strategy: 'gram' }, false],
  ['gram, one row per block', { strategy: 'gram', blockFloats: 1 }, false],
  ['rows', { strategy: 'rows' }, false],
  ['Gram supplied with the features', {}, true],
];

/** ‖(s_k + Φ_r)/(k+1) − y‖² for every candidate r, float64. */
function candidateResiduals(c: FeatureCase, phis: Float64Array[], prefix: number[]): number[] {
  const sum = phiSum(phis, prefix, c.m * c.C);
  const k = prefix.length;
  return phis.map((p) =>
    squaredDistance(
      sum.map((s, i) => (s + p[i]) / (k + 1)),
      c.targets,
    ),
  );
}

/** Runs greedy, recording (prefix, scores, pick) at each step. */
function traceGreedy(c: FeatureCase, n: number, options: RunGreedyOptions, suppliedGram = false) {
  const input = makeInput(suppliedGram ? withExactGram(c) : c, n);
  const steps: Array<{ prefix: number[]; scores: number[]; pick: number }> = [];
  const selection: number[] = [];
  try {
    runGreedy(input.features, input.targets, n, {
      ...options,
      onStep: ({ scores, pick }) => {
        steps.push({ prefix: [...selection], scores: Array.from(scores), pick });
        selection.push(pick);
      },
    });
  } finally {
    input.dispose();
  }
  return { steps, selection };
}

describe.each(STRATEGIES)('greedy forward selection (%s)', (_label, options, supplied) => {
  it('scoring identity: score_r + ‖s_k‖² − 2(k+1)⟨s_k,y⟩ + (k+1)²‖y‖² = (k+1)²‖(s_k+Φ_r)/(k+1) − y‖² for every r at every step', () => {
    fc.assert(
      fc.property(featureCaseArb, fc.integer({ min: 1, max: 8 }), (c, n) => {
        const phis = allPhi(c);
        const scale = lossScale(c, phis);
        const { steps } = traceGreedy(c, n, options, supplied);
        for (const { prefix, scores } of steps) {
          const k = prefix.length;
          const sum = phiSum(phis, prefix, c.m * c.C);
          let sumDotY = 0;
          for (let i = 0; i < sum.length; i++) sumDotY += sum[i] * c.targets[i];
          const constant = squaredNorm(sum) - 2 * (k + 1) * sumDotY + (k + 1) ** 2 * squaredNorm(c.targets);
          const brute = candidateResiduals(c, phis, prefix);
          scores.forEach((score, r) => {
            expect(Math.abs(score + constant - (k + 1) ** 2 * brute[r])).toBeLessThanOrEqual(
              SCORE_TOLERANCE * (k + 1) ** 2 * scale,
            );
          });
        }
      }),
      { seed: FC_SEED, numRuns: 60 },
    );
  });

  it.each([true, false])(
    'each pick attains the brute-force minimum over candidates within tolerance (withReplacement = %s)',
    (withReplacement) => {
      fc.assert(
        fc.property(featureCaseArb, fc.integer({ min: 1, max: 10 }), (c, requested) => {
          const n = withReplacement ? requested : Math.min(requested, c.N);
          const phis = allPhi(c);
          const tolerance = SCORE_TOLERANCE * lossScale(c, phis);
          const { steps, selection } = traceGreedy(c, n, { ...options, withReplacement }, supplied);
          expect(selection).toHaveLength(n);
          for (const { prefix, pick } of steps) {
            const brute = candidateResiduals(c, phis, prefix);
            const allowed = brute.filter((_, r) => withReplacement || !prefix.includes(r));
            expect(withReplacement || !prefix.includes(pick)).toBe(true);
            expect(brute[pick]).toBeLessThanOrEqual(Math.min(...allowed) + tolerance);
          }
        }),
        { seed: FC_SEED, numRuns: 60 },
      );
    },
  );
});

describe('greedy forward selection', () => {
  it('first pick is the best single neuron: ‖Φ_pick − y‖² = min_r ‖Φ_r − y‖² (within tolerance; exact index when the minimum is unique)', () => {
    fc.assert(
      fc.property(featureCaseArb, (c) => {
        const phis = allPhi(c);
        const tolerance = SCORE_TOLERANCE * lossScale(c, phis);
        const [first] = traceGreedy(c, 1, {}).selection;
        const single = phis.map((p) => squaredDistance(p, c.targets));
        const best = Math.min(...single);
        expect(single[first]).toBeLessThanOrEqual(best + tolerance);
        const nearBest = single.filter((v) => v <= best + tolerance).length;
        if (nearBest === 1) expect(first).toBe(single.indexOf(best));
      }),
      { seed: FC_SEED, numRuns: 100 },
    );
  });

  it('B2: ‖f_{S_n} − y‖² ≤ R + D²·H_n/n for every n ≤ 12, R = ‖u − y‖², D = max_{r,s}‖Φ_r − Φ_s‖', () => {
    fc.assert(
      fc.property(featureCaseArb, (c) => {
        const phis = allPhi(c);
        const centroid = phiSum(
          phis,
          phis.map((_, r) => r),
          c.m * c.C,
        ).map((v) => v / c.N);
        const R = squaredDistance(centroid, c.targets);
        let D2 = 0;
        for (const p of phis) for (const q of phis) D2 = Math.max(D2, squaredDistance(p, q));
        // Near-ties within SCORE_TOLERANCE may pick a slightly worse candidate; the Frank–Wolfe
        // recursion accumulates that at most n times: slack n·1e-5 of the case's loss scale.
        const nMax = 12;
        const slack = nMax * SCORE_TOLERANCE * lossScale(c, phis);
        const { selection } = traceGreedy(c, nMax, {});
        let harmonic = 0;
        for (let n = 1; n <= nMax; n++) {
          harmonic += 1 / n;
          const residual = residualBrute(c, phis, selection.slice(0, n));
          expect(residual).toBeLessThanOrEqual(R + (D2 * harmonic) / n + slack);
        }
      }),
      { seed: FC_SEED, numRuns: 100 },
    );
  });

  it('B2′: if y = Σ p_r Φ_r (a convex combination) then ‖f_{S_n} − y‖² ≤ D_y²/n for every n ≤ 16, D_y = max_r ‖Φ_r − y‖', () => {
    const caseInHull = featureCaseArb.chain((c) =>
      fc
        .array(fc.integer({ min: 0, max: 100 }), { minLength: c.N, maxLength: c.N })
        .filter((w) => w.some((x) => x > 0))
        .map((w) => {
          const total = w.reduce((a, b) => a + b, 0);
          const phis = allPhi(c);
          const y = new Float64Array(c.m * c.C);
          phis.forEach((p, r) => p.forEach((v, i) => (y[i] += (w[r] / total) * v)));
          return { ...c, targets: Float32Array.from(y) };
        }),
    );
    fc.assert(
      fc.property(caseInHull, (c) => {
        const phis = allPhi(c);
        const Dy2 = Math.max(...phis.map((p) => squaredDistance(p, c.targets)));
        const nMax = 16;
        // Targets are rounded to float32 (y leaves the hull by ~6e-8·‖y‖) and near-ties may cost up to
        // SCORE_TOLERANCE per step: slack n·1e-5 of the loss scale.
        const slack = nMax * SCORE_TOLERANCE * lossScale(c, phis);
        const { selection } = traceGreedy(c, nMax, {});
        for (let n = 1; n <= nMax; n++) {
          expect(residualBrute(c, phis, selection.slice(0, n))).toBeLessThanOrEqual(Dy2 / n + slack);
        }
      }),
      { seed: FC_SEED, numRuns: 100 },
    );
  });

  it('ties go to the lowest index: a duplicated neuron is never picked ahead of its lower-index twin', () => {
    // Neurons 1 and 3 are identical; y is their feature, so both are perfect single picks.
    const m = 4;
    const N = 5;
    const activations = new Float32Array(m * N);
    const column = [1, 0.5, 0, 2];
    for (let j = 0; j < m; j++) {
      activations[j * N + 0] = 1;
      activations[j * N + 1] = column[j];
      activations[j * N + 2] = 0.25 * (j + 1);
      activations[j * N + 3] = column[j];
      activations[j * N + 4] = 3 - j * 0.5;
    }
    const outWeights = Float32Array.from([0.5, 1, -1, 1, 0.3]);
    const targets = Float32Array.from(column);
    const c: FeatureCase = { m, N, C: 1, d: 1, activations, outWeights, targets, hidden: new Float32Array(N) };
    for (const [, options, supplied] of STRATEGIES) {
      expect(traceGreedy(c, 6, options, supplied).selection).toEqual([1, 1, 1, 1, 1, 1]);
      expect(traceGreedy(c, 2, { ...options, withReplacement: false }, supplied).selection[0]).toBe(1);
    }
    // All neurons identical: every score ties exactly, so greedy always picks neuron 0.
    const same: FeatureCase = {
      ...c,
      activations: new Float32Array(m * N).fill(1),
      outWeights: new Float32Array(N).fill(1),
    };
    expect(traceGreedy(same, 4, {}).selection).toEqual([0, 0, 0, 0]);
    expect(traceGreedy(same, 4, { withReplacement: false }).selection).toEqual([0, 1, 2, 3]);
  });

  it('without replacement, n = N picks every neuron exactly once', () => {
    fc.assert(
      fc.property(featureCaseArb, (c) => {
        const { selection } = traceGreedy(c, c.N, { withReplacement: false });
        expect([...selection].sort((a, b) => a - b)).toEqual(Array.from({ length: c.N }, (_, r) => r));
      }),
      { seed: FC_SEED, numRuns: 30 },
    );
  });

  it('gram, rows and a Gram supplied with the features pick the same neurons on generic (tie-free) data', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        // Continuous random values: exact or near ties have probability ~0.
        let state = seed;
        const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
        const m = 7;
        const N = 11;
        const C = 3;
        const c: FeatureCase = {
          m,
          N,
          C,
          d: 1,
          activations: Float32Array.from({ length: m * N }, () => (next() < 0.3 ? 0 : 3 * next())),
          outWeights: Float32Array.from({ length: N * C }, () => 2 * next() - 1),
          targets: Float32Array.from({ length: m * C }, () => 2 * next() - 1),
          hidden: new Float32Array(N),
        };
        const gram = traceGreedy(c, 15, { strategy: 'gram' }).selection;
        expect(traceGreedy(c, 15, { strategy: 'rows' }).selection).toEqual(gram);
        expect(traceGreedy(c, 15, {}, true).selection).toEqual(gram);
      }),
      { seed: FC_SEED, numRuns: 30 },
    );
  });

  it('greedy scores with the Gram supplied with the features: lowering G_qq by more than the score spread makes q the first pick', () => {
    fc.assert(
      fc.property(featureCaseArb, fc.nat(), (c, which) => {
        const exact = withExactGram(c);
        const q = which % c.N;
        const gram = Float32Array.from(exact.gram!);
        // score_r = G_rr − 2⟨Φ_r, y⟩ at the first step, and 2|⟨Φ_r, y⟩| ≤ G_rr + ‖y‖²: this spread exceeds every gap.
        const spread = 4 * (gram.reduce((s, g) => s + Math.abs(g), 0) + c.N * squaredNorm(c.targets)) + 1;
        gram[q * c.N + q] -= spread;
        const input = makeInput({ ...exact, gram }, 1);
        try {
          expect(runGreedy(input.features, input.targets, 1)).toEqual([q]);
        } finally {
          input.dispose();
        }
      }),
      { seed: FC_SEED, numRuns: 20 },
    );
  });

  it("'auto' uses the full Gram only while N ≤ gramMaxWidth and n ≥ N/5, and both paths are leak-free", () => {
    fc.assert(
      fc.property(
        featureCaseArb,
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 20 }),
        (c, n, gramMaxWidth) => {
          const input = makeInput(c, n);
          try {
            const before = tf.memory().numTensors;
            const auto = runGreedy(input.features, input.targets, n, { gramMaxWidth });
            const expected = c.N <= gramMaxWidth && n >= c.N / 5 ? 'gram' : 'rows';
            expect(auto).toEqual(runGreedy(input.features, input.targets, n, { strategy: expected }));
            expect(tf.memory().numTensors).toBe(before);
          } finally {
            input.dispose();
          }
        },
      ),
      { seed: FC_SEED, numRuns: 30 },
    );
  });

  it('rejects bad n and bad options with errors naming the field and the operation', () => {
    const c = uniformCase(2, 3);
    const input = makeInput(c, 2);
    try {
      expect(() => runGreedy(input.features, input.targets, 0)).toThrow(
        /runGreedy: n must be a positive integer, got 0/,
      );
      expect(() => runGreedy(input.features, input.targets, 1.5)).toThrow(/runGreedy: n must be a positive integer/);
      expect(() => runGreedy(input.features, input.targets, 4, { withReplacement: false })).toThrow(
        /runGreedy: n = 4 exceeds the width N = 3/,
      );
      expect(() => runGreedy(input.features, input.targets, 2, { strategy: 'fast' as never })).toThrow(
        /runGreedy: strategy must be/,
      );
      expect(() => greedyPruner({ blockFloats: 0 })).toThrow(/greedyPruner: blockFloats must be a positive integer/);
      expect(() => greedyPruner({ withReplacement: false }).prune({ ...input, n: 4 })).toThrow(
        /prune \(greedy-norep\): n = 4 exceeds the width N = 3/,
      );
      expect(runGreedy(input.features, input.targets, 5)).toHaveLength(5);
    } finally {
      input.dispose();
    }
  });
});
