/**
 * The fast rate (THEORY.md §4.6a) as checks: INV-FW-rate holds for greedy on a cloud with a wide ball around y and
 * fails for a greedy whose score is mis-scaled; CLAIM-FW-exponent reads the exponent of the loss in n, PASSes a
 * 1/n² curve and FAILs a 1/n one; both are evaluated from stored checkpoint records alone.
 */
import fc from 'fast-check';
import { initBackend } from '../../src/backend';
import { resolveTheory } from '../../theory';
import {
  CLAIM_FW_EXPONENT,
  evaluateRateChecks,
  evaluateRateClaim,
  evaluateRateInvariant,
  fitExponent,
  INV_FW_RATE,
  type RateEvidence,
} from '../../src/checks';
import type { CheckpointMeasurement } from '../../src/pipeline/types';
import { greedyPruner } from '../../src/pruning/greedy';
import { lossCurve } from '../../src/pruning/subnetwork';
import type { PruneInput, Pruner } from '../../src/pruning/types';
import { makeInput, type FeatureCase } from '../pruning/cases';

beforeAll(async () => {
  await initBackend();
});

const theory = resolveTheory();
const { cos, sin, sqrt, PI, hypot } = Math;

/**
 * Φ_r = ±(cos θ_r, sin θ_r), θ_r over [0, π/2] (m = 2, one output): the hull contains the square |x₁| + |x₂| ≤ 1,
 * so the ball of radius 1/√2 around the centroid u = 0 lies inside it. y = (0.1, −0.05).
 */
const K = 24;
const y = [0.1, -0.05];
function cloud(): FeatureCase {
  const N = 2 * K;
  const activations = new Float32Array(2 * N);
  const outWeights = new Float32Array(N);
  for (let r = 0; r < N; r++) {
    const theta = ((r % K) / (K - 1)) * (PI / 2);
    activations[r] = cos(theta);
    activations[N + r] = sin(theta);
    outWeights[r] = r < K ? 1 : -1;
  }
  return { m: 2, N, C: 1, d: 1, activations, outWeights, targets: Float32Array.from(y), hidden: new Float32Array(N) };
}
const rho = 1 / sqrt(2);
const residual = y[0] ** 2 + y[1] ** 2;
const diameterToTarget = Math.max(
  ...Array.from({ length: 2 * K }, (_, r) => {
    const theta = ((r % K) / (K - 1)) * (PI / 2);
    const s = r < K ? 1 : -1;
    return hypot(s * cos(theta) - y[0], s * sin(theta) - y[1]);
  }),
);

/**
 * Greedy's scoring identity with its target term off by `factor` (THEORY.md §2: score_r = G_rr + 2(c_r − (k+1)b_r),
 * here G_rr + 2(c_r − factor·(k+1)b_r)): a test double of a greedy implementation with a scaling bug, which still
 * reports itself as greedy. It homes in on factor·y instead of y.
 */
function misScaledGreedy(factor: number): Pruner {
  return {
    name: 'greedy',
    prefixConsistent: true,
    withReplacement: true,
    provedGreedy: true,
    prune(input: PruneInput) {
      const A = input.features.activations.arraySync() as number[][];
      const V = (input.features.outWeights.arraySync() as number[][]).map((row) => row[0]);
      const Y = (input.targets.arraySync() as number[][]).map((row) => row[0]);
      const N = V.length;
      const phi = Array.from({ length: N }, (_, r) => A.map((row) => row[r] * V[r]));
      const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);
      const sum = new Array<number>(Y.length).fill(0);
      const selection: number[] = [];
      for (let k = 0; k < input.n; k++) {
        let best = 0;
        let bestScore = Infinity;
        for (let r = 0; r < N; r++) {
          const score = dot(phi[r], phi[r]) + 2 * (dot(phi[r], sum) - factor * (k + 1) * dot(phi[r], Y));
          if (score < bestScore) [best, bestScore] = [r, score];
        }
        selection.push(best);
        phi[best].forEach((x, i) => (sum[i] += x));
      }
      return { selection, lossPerStep: lossCurve(input.features, input.targets, selection) };
    },
  };
}

/** One checkpoint record of the cloud with the pruner's measured losses at `sizes`. */
async function recordOf(pruner: Pruner, sizes: number[]): Promise<CheckpointMeasurement> {
  const input = makeInput(cloud(), Math.max(...sizes));
  try {
    const result = await pruner.prune(input);
    const losses = lossCurve(input.features, input.targets, result.selection);
    return {
      t: 10,
      residual,
      denseLoss: residual / 4,
      denseAccuracy: null,
      contractionRate: null,
      gramLambdaMin: null,
      diameter: 2,
      diameterToTarget,
      rho,
      ballVoid: false,
      hull: { distanceSq: 0, lowerBound: 0, gap: 0, inside: true, iterations: 1 },
      pruners: [
        {
          pruner: pruner.name,
          ms: 0,
          subnetworks: sizes.map((n) => ({
            n,
            loss: losses[n - 1],
            accuracy: null,
            heldOutAccuracy: null,
            size: n,
            distinct: new Set(result.selection.slice(0, n)).size,
          })),
        },
      ],
    };
  } finally {
    input.dispose();
  }
}

function evidence(records: CheckpointMeasurement[], subject = 'greedy'): RateEvidence {
  // η, λ0 and R(0) put T* = ln(R(0)/ρ²)/(−ln(1 − ηλ0/2)) at about 5 iterations, before the record's t = 10.
  return { m: 2, theoryInputs: { m: 2, N: 2 * K, eta: 1, lambda0: 0.5, R0: 1 }, subjects: [subject], records, tIn: 0 };
}

const SIZES = [2, 4, 8, 16, 32, 64];

describe('INV-FW-rate: greedy with replacement within max(D_y², D_y⁴/(4r²))/n² where B(y, ρ − √R) ⊆ hull', () => {
  it('greedy PASSes, decided at every n ≥ 2 (the ball is wide: r_t = ρ − √R ≈ 0.6)', async () => {
    const result = evaluateRateInvariant(INV_FW_RATE, evidence([await recordOf(greedyPruner(), SIZES)]), theory);
    expect(result.verdict).toBe('PASS');
    expect(result.checked).toBe(SIZES.length);
    expect(result.tightness).toBeLessThanOrEqual(1);
  });

  it('a greedy whose score has its target term off by a factor FAILs it', async () => {
    const result = evaluateRateInvariant(INV_FW_RATE, evidence([await recordOf(misScaledGreedy(0.5), SIZES)]), theory);
    expect(result.verdict).toBe('FAIL');
    expect(result.failures[0].detail).toMatch(/> FWrate = /);
  });

  it('is NOT APPLICABLE where R(t) ≥ ρ_t² (no ball around y), and VACUOUS when the bound is at least D_y²', async () => {
    const record = await recordOf(greedyPruner(), SIZES);
    const far = evaluateRateInvariant(INV_FW_RATE, evidence([{ ...record, residual: rho ** 2 }]), theory);
    expect(far.verdict).toBe('NOT APPLICABLE');
    const thin = { ...record, residual: 0, rho: 1e-4 };
    expect(evaluateRateInvariant(INV_FW_RATE, evidence([thin]), theory).verdict).toBe('VACUOUS');
  });

  it('reads its bound from the theory module (an override reaches the decision)', async () => {
    const record = await recordOf(greedyPruner(), SIZES);
    const tight = resolveTheory({ expressions: { FWrate: 'Dy^2 / (1000 * n^2)' } });
    expect(evaluateRateInvariant(INV_FW_RATE, evidence([record]), tight).verdict).toBe('FAIL');
  });
});

/** A record whose subject losses are c/n^α exactly. */
function powerRecord(alpha: number, t = 10): CheckpointMeasurement {
  const base = {
    t,
    residual: 0,
    denseLoss: 0,
    denseAccuracy: null,
    contractionRate: null,
    gramLambdaMin: null,
    diameter: 2,
    diameterToTarget: 1,
    rho: 0.5,
    ballVoid: false,
    hull: { distanceSq: 0, lowerBound: 0, gap: 0, inside: true, iterations: 1 },
  };
  const subnetworks = [25, 50, 100, 200, 400].map((n) => ({
    n,
    loss: 0.3 * n ** -alpha * (1 + 0.01 * Math.sin(n)),
    accuracy: null,
    heldOutAccuracy: null,
    size: n,
    distinct: n,
  }));
  return { ...base, pruners: [{ pruner: 'greedy', ms: 0, subnetworks }] };
}

describe('CLAIM-FW-exponent: the exponent of the loss in n after T* is at least FWexponent = 3/2', () => {
  it('fitExponent recovers the exponent of an exact power law, with zero standard error', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 3, noNaN: true }),
        fc.double({ min: 1e-6, max: 10, noNaN: true }),
        (a, c) => {
          const fit = fitExponent([5, 10, 40, 80].map((n) => ({ n, loss: c * n ** -a })))!;
          expect(fit.alpha).toBeCloseTo(a, 9);
          expect(fit.se).toBeCloseTo(0, 9);
        },
      ),
      { numRuns: 50, seed: 7 },
    );
  });

  it('a 1/n² curve PASSes, a 1/n curve (the sampling rate) and a flat one FAIL', () => {
    expect(evaluateRateClaim(CLAIM_FW_EXPONENT, evidence([powerRecord(2)]), theory).verdict).toBe('PASS');
    const slow = evaluateRateClaim(CLAIM_FW_EXPONENT, evidence([powerRecord(1)]), theory);
    expect(slow.verdict).toBe('FAIL');
    expect(slow.failures[0].detail).toMatch(/exponent 1(\.0+)? ± .* < 1\.5/);
    expect(evaluateRateClaim(CLAIM_FW_EXPONENT, evidence([powerRecord(0.1)]), theory).verdict).toBe('FAIL');
  });

  it('speaks only after T* (NOT APPLICABLE before), and reports the control at t < t_in', () => {
    const early = { ...evidence([powerRecord(2, 2)]) };
    expect(evaluateRateClaim(CLAIM_FW_EXPONENT, early, theory).verdict).toBe('NOT APPLICABLE');
    const withControl = { ...evidence([powerRecord(0, 1), powerRecord(2, 10)]), tIn: 5 };
    const result = evaluateRateClaim(CLAIM_FW_EXPONENT, withControl, theory);
    expect(result.verdict).toBe('PASS');
    expect(result.detail).toMatch(/Control \(t < t_in/);
  });

  it('needs ≥ 3 sizes over ≥ 4×: a two-size grid is NOT APPLICABLE', () => {
    const record = powerRecord(2);
    const two = {
      ...record,
      pruners: [{ ...record.pruners[0], subnetworks: record.pruners[0].subnetworks.slice(0, 2) }],
    };
    expect(evaluateRateClaim(CLAIM_FW_EXPONENT, evidence([two]), theory).verdict).toBe('NOT APPLICABLE');
  });

  it('on the mis-scaled greedy double, the claim FAILs too and greedy PASSes (the same records)', async () => {
    const [good, bad] = await Promise.all([recordOf(greedyPruner(), SIZES), recordOf(misScaledGreedy(0.5), SIZES)]);
    expect(evaluateRateChecks(evidence([good]), theory).map((r) => r.verdict)).toEqual(['PASS', 'PASS']);
    expect(evaluateRateChecks(evidence([bad]), theory).map((r) => r.verdict)).toEqual(['FAIL', 'FAIL']);
  });
});
