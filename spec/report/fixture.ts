/**
 * A small hand-built ReportDocument (default: 2 m × 2 seeds × 4 checkpoints, 3 pruners, 3 sizes n)
 * for tests of the report writer and anything else that consumes report.json. The numbers follow
 * the shapes of THEORY.md (geometric dense contraction, B2 bound above the greedy loss, …) but are
 * synthetic: they are deterministic functions of (m, seed, t, n), not measurements. Because they are
 * known at every t, critical times are bracketed by the checkpoints and refined by bisection exactly as
 * src/pipeline/critical.ts does with replayed GD; the scaling entries are real analyses (src/scaling).
 */
import type { ExperimentConfig } from '../../src/experiment/config';
import type {
  CheckpointMeasurement,
  CheckResult,
  HypothesisResult,
  PrunerMeasurement,
  RunResult,
  ScalingResult,
} from '../../src/experiment/types';
import { aggregateChecks } from '../../src/checks/across-runs';
import { bracketOf, exactCriticalTime, resolutionAt, type CriticalTime } from '../../src/pipeline/critical';
import { analyseScaling, type TimeObservation } from '../../src/scaling';
import { REPORT_SCHEMA_VERSION } from '../../src/report/types';
import type { ReportDocument } from '../../src/report/types';

export interface FixtureOptions {
  ms?: number[];
  seeds?: number[];
  /** Checkpoint times (the last one is T). */
  times?: number[];
  /** Fill accuracies (classification data) instead of nulls. */
  classification?: boolean;
}

const PRUNERS = ['greedy', 'random', 'magnitude'] as const;
/** How much worse than greedy each baseline's residual term is. */
const PRUNER_FACTOR: Record<(typeof PRUNERS)[number], number> = { greedy: 0.3, random: 3, magnitude: 2 };
const SIZES = [2, 8, 32];
const WIDTH = 64;
const ETA = 0.5;
const EPSILON = 0.03;
const TARGET_ACCURACY = 0.9;
/** Coarse enough that refined critical times stay intervals [lo, t] at T = 100. */
const RESOLUTION = { absolute: 2, relative: 0.05 };
/** Few bootstrap resamples and calibration simulations: the fixture must build fast. */
const SCALING_EFFORT = { seed: 1, resamples: 10, simulations: 5, advise: false };
/** Synthetic cost of one replayed GD step (seconds), for the refinement record. */
const SECONDS_PER_REPLAYED_STEP = 1e-3;

function harmonic(n: number): number {
  let h = 0;
  for (let k = 1; k <= n; k++) h += 1 / k;
  return h;
}

/** Maps a normalised loss to a plausible accuracy in [0, 1]. */
function accuracyOf(loss: number): number {
  return Math.max(0, Math.min(1, 1 - 1.5 * loss));
}

interface RunShape {
  m: number;
  seed: number;
  lambda0: number;
  r0: number;
  rate: number;
  diameter: number;
  diameterToTarget: number;
  rho: number;
}

function shapeOf(m: number, seed: number): RunShape {
  return {
    m,
    seed,
    lambda0: 0.5 / Math.log(m) / (1 + 0.05 * seed),
    r0: m * (0.6 + 0.1 * seed),
    rate: 0.03 * (1 + 0.1 * seed) * (16 / m) ** 0.3,
    diameter: 3 + 0.1 * seed,
    diameterToTarget: 2.5 + 0.05 * seed,
    rho: 0.8 + 0.02 * seed,
  };
}

function residualAt(s: RunShape, t: number): number {
  return s.r0 * Math.exp(-s.rate * t);
}

function subnetworkLoss(s: RunShape, name: (typeof PRUNERS)[number], residual: number, n: number): number {
  return (residual + (PRUNER_FACTOR[name] * (s.diameter ** 2 * harmonic(n))) / n) / (2 * s.m);
}

function prunerAt(
  s: RunShape,
  name: (typeof PRUNERS)[number],
  residual: number,
  classification: boolean,
): PrunerMeasurement {
  const subnetworks = SIZES.map((n) => {
    const loss = subnetworkLoss(s, name, residual, n);
    const distinct = name === 'greedy' ? Math.max(1, Math.ceil(0.75 * n)) : n;
    return {
      n,
      loss,
      accuracy: classification ? accuracyOf(loss) : null,
      heldOutAccuracy: classification ? accuracyOf(loss * 1.2) : null,
      size: n,
      distinct,
    };
  });
  return { pruner: name, subnetworks, ms: 1 + SIZES.length * 0.25 };
}

function hullDistanceSq(s: RunShape, t: number): number {
  return Math.max(0, residualAt(s, t) - s.rho ** 2) * 0.05;
}

function checkpointAt(s: RunShape, t: number, classification: boolean, hullTolerance: number): CheckpointMeasurement {
  const residual = residualAt(s, t);
  const distanceSq = hullDistanceSq(s, t);
  return {
    t,
    residual,
    denseLoss: residual / (2 * s.m),
    denseAccuracy: classification ? accuracyOf(residual / (2 * s.m)) : null,
    contractionRate: t === 0 ? null : -Math.log(residual / s.r0) / t,
    gramLambdaMin: s.lambda0 * 0.9,
    diameter: s.diameter,
    diameterToTarget: s.diameterToTarget,
    rho: s.rho,
    ballVoid: WIDTH <= s.m,
    hull: {
      distanceSq,
      lowerBound: distanceSq * 0.99,
      gap: distanceSq * 0.01,
      inside: distanceSq <= hullTolerance * 2 * s.m,
      iterations: 200,
    },
    pruners: PRUNERS.map((p) => prunerAt(s, p, residual, classification)),
  };
}

function hypothesesOf(s: RunShape): HypothesisResult[] {
  const needed = s.m ** 6 / s.lambda0 ** 4 / 0.1 ** 3;
  const etaMax = (s.lambda0 / s.m ** 2) * 1;
  return [
    {
      id: 'H1',
      label: '[Du19]',
      statement: '‖x_j‖₂ = 1',
      holds: true,
      detail: 'max_j |‖x_j‖ − 1| = 5.96e-8',
      factor: null,
    },
    {
      id: 'H2',
      label: '[Du19]',
      statement: '|y_j| ≤ C',
      holds: true,
      detail: 'max |y_j| = 0.93 ≤ C = 1',
      factor: null,
    },
    {
      id: 'H3',
      label: '[Du19]',
      statement: 'λ0 > 0',
      holds: true,
      detail: `λ0 = ${s.lambda0.toPrecision(3)}`,
      factor: null,
    },
    {
      id: 'H4',
      label: '[Du19]',
      statement: 'κ = 1 and N ≥ c_N m⁶ / (λ0⁴ δ³)',
      holds: false,
      detail: `N = ${WIDTH} < ${needed.toPrecision(3)} (short by a factor ${(needed / WIDTH).toPrecision(3)})`,
      factor: needed / WIDTH,
    },
    {
      id: 'H5',
      label: '[Du19]',
      statement: 'η ≤ c_η λ0 / m²',
      holds: ETA <= etaMax,
      detail: `η = ${ETA} vs c_η λ0/m² = ${etaMax.toPrecision(3)}`,
      factor: ETA <= etaMax ? null : ETA / etaMax,
    },
  ];
}

function tStarOf(s: RunShape): RunResult['tStar'] {
  const rate = -Math.log(1 - (ETA * s.lambda0) / 2);
  const etaH5 = s.lambda0 / s.m ** 2;
  return {
    etaConfigured: Math.log(s.r0 / s.rho ** 2) / rate,
    etaH5: Math.log(s.r0 / s.rho ** 2) / -Math.log(1 - (etaH5 * s.lambda0) / 2),
    upperForm: (2 / (ETA * s.lambda0)) * Math.log((s.m * 1.5) / (0.1 * s.rho ** 2)),
    rho0: Math.log(s.r0 / s.rho ** 2) / -Math.log(1 - (ETA * s.lambda0) / 2),
    rhoUsed: s.rho,
    note: 'ρ taken at t = 0',
  };
}

function check(
  id: string,
  kind: CheckResult['kind'],
  statement: string,
  verdict: CheckResult['verdict'],
  detail: string,
  violated: string[],
  checked = 1,
): CheckResult {
  return {
    id,
    kind,
    provenance: kind === 'claim' ? '[R]' : '[FW]',
    statement,
    verdict,
    detail,
    checked: verdict === 'PASS' || verdict === 'FAIL' ? checked : 0,
    vacuous: verdict === 'VACUOUS' ? checked : 0,
    undecided: 0,
    failures: verdict === 'FAIL' ? [{ t: 100, n: 32, detail }] : [],
    tightness: verdict === 'PASS' ? 0.5 : null,
    violatedHypotheses: kind === 'claim' ? violated : [],
  };
}

function checksOf(s: RunShape, checkpoints: CheckpointMeasurement[], violated: string[]): CheckResult[] {
  const last = checkpoints[checkpoints.length - 1];
  const b1Rate = (ETA * s.lambda0) / 2;
  const measured = last.contractionRate ?? 0;
  const b3Fails = s.m > 16 && s.seed === 2;
  return [
    check(
      'INV-B2',
      'invariant',
      'greedy ‖f_S − y‖² ≤ R(t) + D_t² H_n/n',
      'PASS',
      'holds',
      [],
      checkpoints.length * SIZES.length,
    ),
    check('INV-B4', 'invariant', 'R(t) < ρ_t² implies y ∈ hull', 'PASS', 'holds', [], checkpoints.length),
    check(
      'CLAIM-B1',
      'claim',
      'empirical contraction rate ≥ ηλ0/2',
      measured >= b1Rate ? 'PASS' : 'VACUOUS',
      `rate ${measured.toPrecision(3)} vs ηλ0/2 = ${b1Rate.toPrecision(3)} at t = ${last.t}`,
      violated,
    ),
    check(
      'CLAIM-B3-loss',
      'claim',
      'greedy loss within B2′ once t ≥ T*(m)',
      b3Fails ? 'FAIL' : 'PASS',
      b3Fails ? `at t = ${last.t}, n = 32: loss 0.052 > B2′ 0.041` : 'holds at every checkpoint ≥ T*',
      violated,
    ),
  ];
}

/**
 * The critical time of a condition known at every t: bracketed by the checkpoints (bracketOf), then
 * narrowed by bisection to the resolution, as criticalTime does with replayed GD (these conditions are
 * monotone in t, so bisection finds the crossing).
 */
function refinedTime(holdsAt: (t: number) => boolean, times: number[]): CriticalTime {
  const bracket = bracketOf(
    times.map((t) => ({ t, holds: holdsAt(t) })),
    times[times.length - 1],
  );
  if (!('before' in bracket)) return bracket;
  let [lo, hi, steps] = [bracket.before, bracket.after, 0];
  while (hi - lo > resolutionAt(RESOLUTION, hi)) {
    const mid = Math.floor((lo + hi) / 2);
    steps += mid - lo;
    if (holdsAt(mid)) hi = mid;
    else lo = mid;
  }
  return { t: hi, lo: lo + 1, censoredAt: null, method: 'bisection', replayedSteps: steps };
}

function criticalTimesOf(
  s: RunShape,
  times: number[],
  classification: boolean,
  hullTolerance: number,
): RunResult['critical'] {
  const greedyLoss = (n: number, t: number) => subnetworkLoss(s, 'greedy', residualAt(s, t), n);
  const denseLoss = (t: number) => residualAt(s, t) / (2 * s.m);
  const tCrit = SIZES.map((n) => ({ n, ...refinedTime((t) => greedyLoss(n, t) <= EPSILON, times) }));
  const tCritAccuracy = classification
    ? SIZES.map((n) => ({ n, ...refinedTime((t) => accuracyOf(greedyLoss(n, t)) >= TARGET_ACCURACY, times) }))
    : [];
  const T = times[times.length - 1];
  return {
    tIn: refinedTime((t) => hullDistanceSq(s, t) <= hullTolerance * 2 * s.m, times),
    tCrit,
    tCritAccuracy,
    // R(t) is known at every iteration: exact, as in src/experiment/run.ts.
    tDense: exactCriticalTime(Array.from({ length: T + 1 }, (_, t) => denseLoss(t) <= EPSILON)),
    tDenseAccuracy: classification ? refinedTime((t) => accuracyOf(denseLoss(t)) >= TARGET_ACCURACY, times) : null,
  };
}

function replayedSteps(critical: RunResult['critical']): number {
  const all = [critical.tIn, critical.tDense, ...critical.tCrit, ...critical.tCritAccuracy];
  const dense = critical.tDenseAccuracy ? [critical.tDenseAccuracy] : [];
  return [...all, ...dense].reduce((sum, c) => sum + c.replayedSteps, 0);
}

function runOf(m: number, seed: number, times: number[], classification: boolean, hullTolerance: number): RunResult {
  const s = shapeOf(m, seed);
  const iterations = times[times.length - 1];
  const checkpoints = times.map((t) => checkpointAt(s, t, classification, hullTolerance));
  const critical = criticalTimesOf(s, times, classification, hullTolerance);
  const hypotheses = hypothesesOf(s);
  const violated = hypotheses.filter((h) => h.holds === false).map((h) => h.id);
  const tStar = tStarOf(s);
  const steps = replayedSteps(critical);
  const seconds = 0.5 + m / 100;
  return {
    m,
    seed,
    dataset: `teacher(m=${m},d=5,seed=${seed})`,
    eta: ETA,
    etaEffective: ETA,
    epsilon: EPSILON,
    targetAccuracy: classification ? TARGET_ACCURACY : null,
    lambda0: s.lambda0,
    lambdaMaxInfinity: 0.6,
    lambdaMaxH0: 0.62,
    stabilityLimit: 2 / 0.62,
    initialResidual: s.r0,
    residualCurve: Array.from({ length: iterations + 1 }, (_, t) => residualAt(s, t)),
    tStar,
    hypotheses,
    checkpoints,
    critical,
    tightness: critical.tIn.t !== null && tStar.etaConfigured ? critical.tIn.t / tStar.etaConfigured : null,
    checks: checksOf(s, checkpoints, violated),
    refinement: {
      seconds: steps * SECONDS_PER_REPLAYED_STEP,
      replayedSteps: steps,
      shareOfRun: (steps * SECONDS_PER_REPLAYED_STEP) / seconds,
    },
    seconds,
  };
}

/** A critical time as a scaling observation (as src/experiment/verify.ts builds them). */
function observationOf(r: RunResult, c: CriticalTime | undefined): TimeObservation[] {
  if (!c || c.method === 'undecided') return [];
  if (c.t === null) {
    return [{ m: r.m, seed: r.seed, lo: null, hi: null, censoredAt: c.censoredAt ?? r.residualCurve.length - 1 }];
  }
  return [{ m: r.m, seed: r.seed, lo: c.lo, hi: c.t }];
}

function scalingOf(
  quantity: string,
  runs: RunResult[],
  pick: (r: RunResult) => CriticalTime | undefined,
): ScalingResult {
  const observations = runs.flatMap((r) => observationOf(r, pick(r)));
  return analyseScaling(quantity, observations, SCALING_EFFORT);
}

function configOf(ms: number[], seeds: number[], times: number[], classification: boolean): ExperimentConfig {
  return {
    name: classification ? 'fixture-mnist' : 'fixture',
    dataset: classification
      ? { kind: 'mnist', unitNorm: true, heldOut: 100 }
      : { kind: 'synthetic', labels: 'teacher', d: 5 },
    mGrid: ms,
    seeds,
    parameterisation: 'ntk',
    width: WIDTH,
    kappa: 1,
    eta: ETA,
    iterations: times[times.length - 1],
    checkpoints: times.length,
    subnetworkSizes: SIZES,
    epsilon: EPSILON,
    targetAccuracy: classification ? TARGET_ACCURACY : null,
    resolution: RESOLUTION,
    batchSize: null,
    pruners: [...PRUNERS],
    hullTolerance: 1e-3,
    maxKernelM: 500,
    theory: { constants: { delta: 0.1 } },
  };
}

export function buildReportFixture(options: FixtureOptions = {}): ReportDocument {
  const ms = options.ms ?? [16, 32];
  const seeds = options.seeds ?? [1, 2];
  const times = options.times ?? [0, 4, 20, 100];
  const classification = options.classification ?? false;
  const config = configOf(ms, seeds, times, classification);
  const runs = ms.flatMap((m) => seeds.map((seed) => runOf(m, seed, times, classification, config.hullTolerance)));
  const largest = SIZES[SIZES.length - 1];
  // In src/experiment/verify.ts order: t_crit before t_in.
  const scaling = [
    scalingOf(`t_crit(n=${largest})`, runs, (r) => r.critical.tCrit.find((c) => c.n === largest)),
    scalingOf('t_in', runs, (r) => r.critical.tIn),
  ];
  const checks = aggregateChecks(runs);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    runId: `${config.name}-0123456789`,
    createdAt: '2025-01-02T03:04:05.000Z',
    command: `pruneproof run --config examples/${config.name}.json`,
    config,
    configRationale: ['m grid kept tiny so the fixture renders fast', 'η below the stability limit 2/λ_max(H(0))'],
    environment: {
      backend: 'wasm',
      backendDetail: "tfjs 4.22.0 on backend 'wasm' (SIMD on, 1 thread)",
      node: 'v20.20.2',
      platform: 'linux x64',
      cpus: 2,
      packages: { '@tensorflow/tfjs': '4.22.0', vega: '6.4.0', 'vega-lite': '6.4.3' },
      commit: '0123456789abcdef0123456789abcdef01234567',
    },
    wallSeconds: 12.5,
    analysisSeconds: 2.5,
    expressions: [
      {
        id: 'B1',
        label: '[Du19]',
        statement: 'R(t) ≤ (1 − ηλ0/2)^t R(0)',
        expression: 'R0 * (1 - eta*lambda0/2)^t',
        latex: 'R(t) \\le \\left(1 - \\tfrac{\\eta\\lambda_0}{2}\\right)^t R(0)',
        overridden: false,
      },
      {
        id: 'B2',
        label: '[FW]',
        statement: '‖f_{S_n} − y‖² ≤ R(t) + D_t² H_n / n',
        expression: 'Rt + D^2 * Hn / n',
        latex: '\\|f_{S_n} - y\\|^2 \\le R(t) + \\frac{D_t^2 H_n}{n}',
        overridden: false,
      },
      {
        id: 'B3',
        label: '[R]',
        statement: 'T*(m) = ln(R(0)/ρ²) / (−ln(1 − ηλ0/2))',
        expression: 'log(R0 / rho^2) / (-log(1 - eta*lambda0/2))',
        latex: 'T^*(m) = \\frac{\\ln(R(0)/\\rho^2)}{-\\ln(1 - \\eta\\lambda_0/2)}',
        overridden: true,
      },
    ],
    summary: [
      {
        check: 'B2: greedy loss ≤ R(t) + D_t² H_n/n',
        kind: 'invariant',
        verdict: 'PASS',
        detail: `${runs.length * 12} checks, 0 failures`,
      },
      ...checks.map((c) => ({ check: `${c.id}: ${c.statement}`, kind: c.kind, verdict: c.verdict, detail: c.detail })),
      ...scaling.map((a) => ({
        check: `${a.quantity} against m`,
        kind: 'scaling' as const,
        verdict: a.verdict,
        detail: a.reason,
      })),
    ],
    runs,
    scaling,
    checks,
    derivation: [
      {
        statement: 'dT*/d(ln m) at fixed η, λ0, ρ',
        result: '2/(eta*lambda0)',
        latex: '\\frac{\\partial T^*}{\\partial \\ln m} = \\frac{2}{\\eta\\lambda_0}',
      },
    ],
  };
}

/** Three m with every t_crit(n=32) reached by T: enough for the scaling analyses to fit laws and calibrate. */
export const FITTED_SCALING_OPTIONS: FixtureOptions = { ms: [16, 32, 64], times: [0, 4, 20, 200] };
