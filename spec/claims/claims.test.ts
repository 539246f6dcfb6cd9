/**
 * The claims of THEORY.md §6.2 as properties. They may fail outside their hypotheses, so these tests never
 * require a claim to PASS on generated cases: they check that each claim says PASS, FAIL or NOT APPLICABLE
 * for the right reason on known cases, that a FAIL is genuine (re-derived independently) and replays
 * deterministically, and that failures name the hypotheses they violate.
 */
import { initBackend } from '../../src/backend';
import { runProperty } from '../../src/claims/runner';
import { CLAIMS, CLAIM_B1, CLAIM_B3, CLAIM_LOG_SCALING, MAX_H4_VIOLATION, logEnvelope } from '../../src/claims/theory-claims';
import type { AnyPropertyDefinition } from '../../src/testing/property';
import { greedyPruner } from '../../src/pruning/greedy';
import type { PruningCase, ScalingCase } from '../../src/testing/arbitraries';
import { pretrainCase } from '../../src/testing/pretrain';
import { FC_SEED } from './helpers';

beforeAll(async () => {
  await initBackend();
});

const ctx = { pruner: greedyPruner() };
const small = (over: Omit<Partial<PruningCase>, 'dataset'> & { dataset?: Partial<PruningCase['dataset']> }): PruningCase => ({
  parameterisation: 'ntk',
  width: 1,
  n: 1,
  stepFraction: 0.1,
  iterations: 20,
  ...over,
  dataset: { m: 2, d: 2, labels: 'teacher', seed: 3, ...over.dataset },
});

describe('CLAIM-B1 (dense contraction at practical widths)', () => {
  const failing = small({});

  it('fails on the shrunk case m = 2, N = 1: R(t) rises above (1 − ηλ0/2)^t R(0) — re-derived from the raw residuals', async () => {
    const o = await CLAIM_B1.evaluate(failing, ctx);
    expect(o.status).toBe('fail');
    expect(o.detail).toMatch(/^t = \d+: R\(t\) = .* > \(1 − ηλ0\/2\)\^t R\(0\)/);
    expect(o.hypotheses.filter((h) => h.holds === false).map((h) => h.id)).toEqual(['H4', 'H5']);
    expect(o.measured.gramLambdaMin0).toBeCloseTo(0, 6); // one neuron: H(0) is singular, so no contraction in one direction
    // Independently: the first t at which the raw residual curve leaves the B1 envelope is the one reported.
    const p = pretrainCase(failing);
    try {
      const q = 1 - (p.etaEffective * p.lambda0!) / 2;
      const R = p.residuals!;
      const first = Array.from(R).findIndex((r, t) => t > 0 && r > q ** t * R[0] * (1 + 1e-4));
      expect(first).toBeGreaterThan(0);
      expect(o.measured.firstViolation).toBe(first);
      expect(R[first] / (q ** first * R[0])).toBeGreaterThan(1 + 1e-4); // beyond float32 rounding of R
    } finally {
      p.dispose();
    }
  });

  it('holds on a wide network with large λ0 (m = 4, N = 194)', async () => {
    const o = await CLAIM_B1.evaluate(small({ dataset: { m: 4, d: 5, labels: 'clusters', seed: 2147483629 }, width: 194, stepFraction: 0.84, iterations: 190 }), ctx);
    expect(o.status).toBe('pass');
    expect(o.measured.empiricalRate).toBeGreaterThan(o.measured.rate!);
  });

  it(`is not asserted where H4 fails by more than ${MAX_H4_VIOLATION.toExponential(0)}`, async () => {
    const o = await CLAIM_B1.evaluate(small({ dataset: { m: 30, d: 3 }, width: 20 }), ctx);
    expect(o.status).toBe('not-applicable');
    expect(o.reason).toBe('H4 violated by more than 1e10');
    expect(o.measured.h4Violation).toBeGreaterThan(MAX_H4_VIOLATION);
  });
});

describe('CLAIM-B3 (y in the hull and greedy within B2′ once t ≥ T*)', () => {
  const inScope = small({ dataset: { m: 2, d: 4, seed: 1479749949 }, width: 67, n: 6, stepFraction: 0.17, iterations: 189 });

  it('holds on a case where T*(m) ≈ 16 lies inside the run', async () => {
    const o = await CLAIM_B3.evaluate(inScope, ctx);
    expect(o.status).toBe('pass');
    expect(o.measured.tStar).toBeGreaterThan(0);
    expect(o.measured.tStar).toBeLessThan(inScope.iterations);
  });

  it('fails on the shrunk case m = 2, N = 3: training does not contract, so y is still outside the hull at t ≥ T*', async () => {
    const o = await CLAIM_B3.evaluate(small({ width: 3, stepFraction: 0.11, iterations: 192 }), ctx);
    expect(o.status).toBe('fail');
    expect(o.detail).toMatch(/^t = 192 ≥ T\* = 19\d\.\d: y is outside the hull, dist\(y, hull\)² ≥ /);
    expect(o.hypotheses.filter((h) => h.holds === false).map((h) => h.id)).toContain('H4');
  });

  it('is not applicable when T* lies beyond the run, or when B4 is void (N ≤ m)', async () => {
    const beyond = await CLAIM_B3.evaluate({ ...inScope, iterations: 10 }, ctx);
    expect([beyond.status, beyond.reason]).toEqual(['not-applicable', 'T* beyond the run']);
    const flat = await CLAIM_B3.evaluate(small({ dataset: { m: 5, d: 3 }, width: 5, n: 2 }), ctx);
    expect([flat.status, flat.reason]).toEqual(['not-applicable', 'B4 void (N ≤ m)']);
  });
});

describe('CLAIM-log-scaling (t_crit grows no faster than logarithmically)', () => {
  const base: ScalingCase = { mGrid: [4, 8], d: 3, labels: 'teacher', seed: 417453428, parameterisation: 'meanfield', width: 20, n: 6, stepFraction: 0.1, iterations: 100, epsilon: 0.02 };

  it('the envelope t_crit(m₀)·(1 + ln(m/m₀)) contains every log law a + b·ln m with a, b ≥ 0 (m₀ ≥ 3), not m¹', () => {
    expect(logEnvelope(19, 4, 8)).toBeCloseTo(19 * (1 + Math.log(2)), 12);
    for (const [a, b] of [[0, 5], [10, 1], [3, 40]]) {
      const law = (m: number) => a + b * Math.log(m);
      for (const m of [6, 12, 24, 48]) expect(law(m)).toBeLessThanOrEqual(logEnvelope(law(3), 3, m) + 1e-9);
    }
    expect(4 * 8).toBeGreaterThan(logEnvelope(4, 4, 32)); // linear growth leaves it
  });

  it('fails on the shrunk case m ∈ {4, 8}: t_crit(8) is not reached by T = 100, which already exceeds the envelope from t_crit(4)', async () => {
    const o = await CLAIM_LOG_SCALING.evaluate(base, ctx);
    expect(o.status).toBe('fail');
    expect(o.detail).toMatch(/^t_crit\(m = 8\) > T = 100 ≥ t_crit\(m₀\)·\(1 \+ ln\(m\/m₀\)\) = [\d.]+ \[t_crit\(4\) = \d+, t_crit\(8\) = > 100\]$/);
    const t4 = o.measured['tCrit(m=4)']!;
    expect(t4).toBeGreaterThan(0);
    expect(o.measured['tCrit(m=8)']).toBeNull();
    expect(o.measured['envelope(m=8)']).toBeCloseTo(logEnvelope(t4, 4, 8), 12);
    expect(o.measured['envelope(m=8)']).toBeLessThanOrEqual(100);
  });

  it('holds across m ∈ {9, 18, 36} on a wide mean-field network', async () => {
    const o = await CLAIM_LOG_SCALING.evaluate({ mGrid: [9, 18, 36], parameterisation: 'meanfield', width: 153, n: 9, stepFraction: 0.13, iterations: 204, epsilon: 0.02, d: 8, labels: 'clusters', seed: 10 }, ctx);
    expect(o.status).toBe('pass');
  });

  it('is not applicable when the smallest m needs no pre-training (no growth rate to compare)', async () => {
    const o = await CLAIM_LOG_SCALING.evaluate({ ...base, epsilon: 10 }, ctx);
    expect([o.status, o.reason]).toEqual(['not-applicable', 'no pre-training needed at m₀']);
  });
});

describe.each(CLAIMS.map((def) => [def.id, def as AnyPropertyDefinition] as const))('%s on generated cases', (_id, def) => {
  it('runs (not skipped) and any FAIL is a deterministic, replayable finding that names violated hypotheses', async () => {
    const r = await runProperty(def, { seed: FC_SEED, numRuns: def.runs.quick, timeLimitMs: 12_000, pruner: ctx.pruner, store: null });
    expect(r.error).toBeNull();
    expect(r.kind).toBe('claim');
    expect(r.cases.evaluated).toBeGreaterThan(0);
    expect(['PASS', 'FAIL', 'NOT APPLICABLE']).toContain(r.verdict);
    if (r.verdict === 'FAIL') {
      const ce = r.counterexample!;
      expect(ce.error).toBeNull();
      const replayed = await def.evaluate(def.parseCase(JSON.parse(JSON.stringify(ce.case))), ctx);
      expect(replayed.status).toBe('fail');
      expect(replayed.detail).toBe(ce.detail);
      // Every generated width is far below H4's: a claim's counterexample always lists H4 as violated.
      expect(ce.violatedHypotheses.map((h) => h.id)).toContain('H4');
    }
  });
});
