/**
 * The check registry on real pre-trained runs (src/pipeline): each check can say PASS and can say FAIL, a check
 * that could not fail says VACUOUS, bounds come from the theory module so an override reaches the decision, and
 * comparisons below the arithmetic's precision are UNDECIDED, never FAIL.
 */
import { initBackend } from '../../src/backend';
import { resolveTheory } from '../../theory';
import {
  CHECKS,
  CLAIM_B1,
  CLAIM_B3_HULL,
  CLAIM_B3_LOSS,
  INV_B2,
  INV_B2_PRIME,
  INV_GREEDY_IDENTITY,
  INV_SIZE,
  residualFloor,
} from '../../src/checks';
import { measureRun, type MeasuredRun } from '../../src/pipeline/measured-run';
import { greedyPruner } from '../../src/pruning/greedy';
import { lossCurve } from '../../src/pruning/subnetwork';
import type { PruneInput, Pruner } from '../../src/pruning/types';
import type { PruningCase } from '../../src/testing/arbitraries';
import { hullTolerance, withPretrainedCase } from '../../src/testing/pretrain';

beforeAll(async () => {
  await initBackend();
});

const small = (
  over: Omit<Partial<PruningCase>, 'dataset'> & { dataset?: Partial<PruningCase['dataset']> },
): PruningCase => ({
  parameterisation: 'ntk',
  width: 1,
  n: 1,
  stepFraction: 0.1,
  iterations: 20,
  ...over,
  dataset: { m: 2, d: 2, labels: 'teacher', seed: 3, ...over.dataset },
});

async function measured(
  c: PruningCase,
  pruners: Pruner[] = [greedyPruner()],
  checkpointCount = 6,
  sizes = [c.n],
): Promise<MeasuredRun> {
  return withPretrainedCase(c, { checkpointCount }, (p) =>
    measureRun(p, {
      pruners,
      subnetworkSizes: sizes,
      hullTolerance: hullTolerance(p.data.m),
      hullMaxIterations: 5000,
      maxKernelM: 0,
      ballSupport: true,
    }),
  );
}

const theory = resolveTheory();
/** A mean-field case where y starts outside the hull, T*(m) lies inside the run, and B2, B2′ can fail (found by search). */
const inScope = small({
  parameterisation: 'meanfield',
  dataset: { m: 5, d: 3, seed: 3 },
  width: 60,
  n: 6,
  stepFraction: 0.9,
  iterations: 300,
});

describe('the registry', () => {
  it('holds each check once, with the ids verify, claims and check-pruner share', () => {
    expect(CHECKS.map((c) => c.id)).toEqual([
      'INV-B2',
      'INV-B2-prime',
      'INV-B4',
      'INV-greedy-identity',
      'INV-size',
      'INV-FW-rate',
      'CLAIM-B1',
      'CLAIM-B3-hull',
      'CLAIM-B3-loss',
      'CLAIM-FW-exponent',
    ]);
  });
});

describe('bounds come from the theory module, so an override reaches the decision', () => {
  it('INV-B2 fails when B2 is overridden to 0, and a bound loose enough to be unfailable is VACUOUS, not PASS', async () => {
    const run = await measured(inScope);
    expect(INV_B2.evaluate(run, theory).verdict).toBe('PASS');
    const zero = INV_B2.evaluate(run, resolveTheory({ expressions: { B2: '0' } }));
    expect(zero.verdict).toBe('FAIL');
    expect(zero.failures[0].detail).toMatch(/> B2 = 0 /);
    // Twice the bound lies above D_y², the largest loss any subnetwork has: it holds, but could not have failed.
    expect(INV_B2.evaluate(run, resolveTheory({ expressions: { B2: '2 * (Rt + D^2 * Hn / n)' } })).verdict).toBe(
      'VACUOUS',
    );
  });

  it('INV-B2-prime and CLAIM-B3-loss read B2′ from the theory', async () => {
    const run = await measured(inScope);
    const tight = resolveTheory({ expressions: { B2prime: 'Dy^2 / (1000 * n)' } });
    expect(INV_B2_PRIME.evaluate(run, theory).verdict).toBe('PASS');
    expect(INV_B2_PRIME.evaluate(run, tight).verdict).toBe('FAIL');
    expect(CLAIM_B3_LOSS.evaluate(run, tight).verdict).toBe('FAIL');
  });
});

describe('every PASS must be able to fail', () => {
  it('a B2′ comparison at n = 1 could not fail (the bound is D_y², the largest loss any subnetwork has)', async () => {
    const run = await measured({ ...inScope, n: 1 });
    const r = INV_B2_PRIME.evaluate(run, theory);
    expect(r.verdict).toBe('VACUOUS');
    expect(r.checked).toBe(0);
    expect(r.vacuous).toBeGreaterThan(0);
  });

  it('CLAIM-B1 is VACUOUS when the bound never demands a halving of R(0) (tiny step, short run)', async () => {
    const run = await measured(
      small({
        dataset: { m: 4, d: 5, labels: 'clusters', seed: 2147483629 },
        width: 194,
        stepFraction: 0.01,
        iterations: 20,
      }),
    );
    const r = CLAIM_B1.evaluate(run, theory);
    expect(r.verdict).toBe('VACUOUS');
    expect(r.detail).toMatch(/^could not fail: the bound never demands more than a 0.5× contraction/);
    expect(r.detail).toMatch(/measured −ln\(R\(T\)\/R\(0\)\)\/T = /);
  });

  it('CLAIM-B1 PASSes with decided comparisons on a wide network with large λ0', async () => {
    const run = await measured(
      small({
        dataset: { m: 4, d: 5, labels: 'clusters', seed: 2147483629 },
        width: 194,
        stepFraction: 0.84,
        iterations: 190,
      }),
    );
    const r = CLAIM_B1.evaluate(run, theory);
    expect(r.verdict).toBe('PASS');
    expect(r.checked).toBeGreaterThan(0);
  });

  it('CLAIM-B1 FAILs on a mean-field case (outside [Du19]) at the first t where R leaves the envelope (re-derived)', async () => {
    const run = await measured(inScope);
    const r = CLAIM_B1.evaluate(run, theory);
    expect(r.verdict).toBe('FAIL');
    const q = 1 - (run.etaEffective * run.lambda0!) / 2;
    const R = run.residuals!;
    const first = Array.from(R).findIndex((x, t) => t > 0 && x > q ** t * R[0] * (1 + 1e-4));
    expect(r.failures[0].t).toBe(first);
    expect(r.violatedHypotheses).toEqual(expect.arrayContaining(['H4', 'outside [Du19]: both layers trained']));
  });

  it('a mean-field B1 lists "outside [Du19]: both layers trained" among its violated premises', async () => {
    const run = await measured(small({ parameterisation: 'meanfield', width: 20, dataset: { m: 4 } }));
    expect(CLAIM_B1.evaluate(run, theory).violatedHypotheses).toContain('outside [Du19]: both layers trained');
  });

  it('a B1 violation under the residual floor is UNDECIDED (below precision), never FAIL', async () => {
    const run = await measured(inScope);
    // The same run with a fast guaranteed rate (ηλ0/2 = 1/2) and its residual stalled at half the floor from t = 1:
    // past t ≈ 60 the bound drops below the stalled R, a float32 artefact rather than a finding.
    const eta = 1 / run.lambda0!;
    const fast = { ...run, etaEffective: eta, theoryInputs: { ...run.theoryInputs, eta } };
    const floor = residualFloor(fast, 0.5);
    const stalled = Float64Array.from(run.residuals!, (R, t) => (t === 0 ? R : floor / 2));
    const r = CLAIM_B1.evaluate({ ...fast, residuals: stalled }, theory);
    expect(r.failures).toEqual([]);
    expect(r.undecided).toBeGreaterThan(0);
    expect(r.detail).toMatch(/below precision: R\(t\) under the floor/);
  });
});

describe('CLAIM-B3 with the radius at the time it speaks about', () => {
  it('PASSes non-trivially where T* lies inside the run and y starts outside the hull', async () => {
    const run = await measured(inScope, [greedyPruner()], 8);
    expect(run.checkpoints[0].record.hull.inside).toBe(false);
    const r = CLAIM_B3_HULL.evaluate(run, theory);
    expect(r.verdict).toBe('PASS');
    expect(r.checked).toBeGreaterThan(0);
  });

  it('can FAIL: with T* overridden to 0 every checkpoint is in scope, and the failure names the premise that broke', async () => {
    const run = await measured(inScope, [greedyPruner()], 8);
    const r = CLAIM_B3_HULL.evaluate(run, resolveTheory({ expressions: { B3: '0' } }));
    expect(r.verdict).toBe('FAIL');
    expect(r.failures[0]).toMatchObject({ t: 0 });
    expect(r.failures[0].detail).toMatch(/y is outside the hull.*B1's contraction fell short/);
  });

  it('is NOT APPLICABLE when T* lies beyond the run, and VACUOUS when y is in the hull at t = 0', async () => {
    const beyond = CLAIM_B3_HULL.evaluate(await measured({ ...inScope, iterations: 5 }), theory);
    expect(beyond.verdict).toBe('NOT APPLICABLE');
    expect(beyond.detail).toMatch(/beyond the run's last checkpoint/);
    const run = await measured(inScope, [greedyPruner()], 8);
    const start = {
      ...run.checkpoints[0],
      record: { ...run.checkpoints[0].record, hull: { ...run.checkpoints[0].record.hull, inside: true } },
    };
    const inside = CLAIM_B3_HULL.evaluate({ ...run, checkpoints: [start, ...run.checkpoints.slice(1)] }, theory);
    expect(inside.verdict).toBe('VACUOUS');
    expect(inside.detail).toMatch(/already in the hull at t = 0/);
  });
});

describe('invariants that measure', () => {
  it('INV-size FAILs on a pruner that returns n + 1 picks, with the numbers', async () => {
    const tooMany: Pruner = {
      name: 'one-too-many',
      prune(input: PruneInput) {
        const selection = Array.from({ length: input.n + 1 }, (_, k) => k % input.features.width);
        return { selection, lossPerStep: lossCurve(input.features, input.targets, selection) };
      },
    };
    const run = await measured(inScope, [greedyPruner(), tooMany]);
    const r = INV_SIZE.evaluate(run, theory);
    expect(r.verdict).toBe('FAIL');
    expect(r.failures[0].detail).toBe(`one-too-many returned ${inScope.n + 1} neurons for n = ${inScope.n}`);
  });

  it("INV-greedy-identity FAILs when the scoring formula is broken in a test double, and PASSes on greedy's own", async () => {
    const run = await measured(inScope);
    expect(INV_GREEDY_IDENTITY.evaluate(run, theory).verdict).toBe('PASS');
    const greedy = greedyPruner();
    // The same picks, but scores from a formula that drops the factor 2 on ⟨Φ_r, s_k − (k+1)y⟩.
    const broken: Pruner = {
      name: 'greedy',
      prefixConsistent: true,
      withReplacement: true,
      provedGreedy: true,
      async prune(input: PruneInput) {
        const result = await greedy.prune(input);
        const diag = input.features.activationsT
          .square()
          .sum(1)
          .mul(input.features.outWeights.square().sum(1))
          .dataSync();
        const pickScores = result.pickScores!.map(
          (s, k) => diag[result.selection[k]] + (s - diag[result.selection[k]]) / 2,
        );
        return { ...result, pickScores };
      },
    };
    const r = INV_GREEDY_IDENTITY.evaluate(await measured(inScope, [broken]), theory);
    expect(r.verdict).toBe('FAIL');
    expect(r.failures[0].detail).toMatch(/the scoring identity predicts loss .* measured /);
  });
});
