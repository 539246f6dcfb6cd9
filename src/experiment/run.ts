/**
 * One (m, seed) run: config → data → pre-train → measure at each checkpoint → critical times →
 * hypotheses, claims and invariants. Data flows one way; nothing here writes files.
 */
import type { Dataset } from '../data/types';
import { validateDataset } from '../data/validate';
import { logSpacedCheckpoints } from '../model/train';
import type { Pruner } from '../pruning/types';
import { evaluateBounds, resolveTheory, type TheoryOverrides } from '../../theory';
import { evaluateChecks, thresholdSchedule, tStarAtRho0 } from '../checks';
import { pretrain } from '../pipeline/pretrain';
import { maxAbs, maxNormDeviation } from '../pipeline/host';
import { measureRun, type MeasuredRun } from '../pipeline/run';
import type { ExperimentConfig } from './config';
import { firstTimeFromWhichHolds } from './critical';
import type { CheckpointMeasurement, CriticalTimes, RunResult } from './types';

export interface RunProgress {
  phase: 'kernel' | 'train' | 'measure';
  done: number;
  total: number;
}

export interface RunInput {
  config: ExperimentConfig;
  data: Dataset;
  heldOut: Dataset | null;
  seed: number;
  pruners: Pruner[];
  onProgress?: (p: RunProgress) => void;
}

/** Iteration cap of the hull solver per checkpoint; it stops as soon as membership is certified either way. */
const HULL_MAX_ITERATIONS = 3000;

/** The run's theory overrides, with the κ the network was actually initialised with. */
export function runOverrides(config: ExperimentConfig): TheoryOverrides {
  return { ...config.theory, constants: { ...config.theory.constants, kappa: config.kappa } } as TheoryOverrides;
}

/** config → data → pre-train → measure every checkpoint (one pipeline, src/pipeline). */
async function measure(input: RunInput): Promise<{ measured: MeasuredRun; lambdaMaxInfinity: number | null; stability: { lambdaMaxH0: number; limit: number } }> {
  const { config, data, seed } = input;
  input.onProgress?.({ phase: 'kernel', done: 0, total: 1 });
  const run = pretrain({
    data,
    parameterisation: config.parameterisation,
    width: config.width,
    kappa: config.kappa,
    seed,
    step: config.etaRelative !== undefined ? { fractionOfLimit: config.etaRelative } : { eta: config.eta },
    iterations: config.iterations,
    checkpoints: logSpacedCheckpoints(config.iterations, config.checkpoints),
    batchSize: config.batchSize,
    lambda0: data.m <= config.maxKernelM ? 'certified' : 'skip',
    onDivergence: 'throw',
    onTrainProgress: (done, total) => {
      if (done % 50 === 0 || done === total) input.onProgress?.({ phase: 'train', done, total });
    },
  });
  try {
    const measured = await measureRun(run, {
      pruners: input.pruners,
      subnetworkSizes: config.subnetworkSizes,
      hullTolerance: config.hullTolerance * 2 * data.m,
      hullMaxIterations: HULL_MAX_ITERATIONS,
      maxKernelM: config.maxKernelM,
      ballSupport: true,
      heldOut: input.heldOut,
      theory: runOverrides(config),
      onCheckpoint: (done, total) => input.onProgress?.({ phase: 'measure', done, total }),
    });
    return { measured, lambdaMaxInfinity: run.lambdaMaxInfinity, stability: run.stability };
  } finally {
    run.dispose();
  }
}

/** One (m, seed) run: measurements → checks → critical times. Nothing here writes files. */
export async function runOne(input: RunInput): Promise<RunResult> {
  const { config, data, seed } = input;
  const started = performance.now();
  const labelBound = config.theory.constants?.C ?? 1;
  const unitNorm = !(config.dataset.kind === 'mnist' && !config.dataset.unitNorm);
  validateDataset(data, { requireUnitNorm: unitNorm, labelBound });
  const { measured, lambdaMaxInfinity, stability } = await measure(input);
  const overrides = runOverrides(config);
  const theory = resolveTheory(overrides);
  const records = measured.checkpoints.map((c) => c.record);
  const schedule = thresholdSchedule(measured, theory);
  const last = records[records.length - 1];
  const nMax = Math.max(...config.subnetworkSizes);
  const bounds = evaluateBounds(
    {
      m: data.m,
      N: config.width,
      eta: measured.etaEffective,
      ...(measured.lambda0 !== null ? { lambda0: measured.lambda0 } : {}),
      d: data.d,
      n: nMax,
      t: last.t,
      outputs: data.outputs,
      R0: measured.initialResidual,
      Rt: last.residual,
      rho: schedule[schedule.length - 1]?.rhoMin ?? 0,
      D: last.diameter,
      Dy: last.diameterToTarget,
      epsilon: config.epsilon,
      normMax: maxNormDeviation(data.x, data.m, data.d),
      yMax: maxAbs(data.y),
    },
    overrides,
  );
  const rhoMin = schedule[schedule.length - 1]?.rhoMin ?? 0;
  const tStar = {
    etaConfigured: finiteOrNull(bounds.tStar.etaConfigured.exact.value),
    etaH5: finiteOrNull(bounds.tStar.etaH5.exact.value),
    upperForm: finiteOrNull(bounds.tStar.etaConfigured.upper.value),
    rho0: finiteOrNull(tStarAtRho0(measured, theory)),
    rhoUsed: rhoMin,
    note: tStarNote(bounds.tStar.etaConfigured.exact.value, bounds.tStar.etaConfigured.exact.reason, records[0].ballVoid),
  };
  const critical = criticalTimes(records, config);
  const largestN = critical.tCrit.find((c) => c.n === nMax)?.t ?? null;
  return {
    m: data.m,
    seed,
    dataset: data.name,
    eta: measured.eta,
    etaEffective: measured.etaEffective,
    lambda0: measured.lambda0,
    lambdaMaxInfinity,
    lambdaMaxH0: stability.lambdaMaxH0,
    stabilityLimit: stability.limit,
    initialResidual: measured.initialResidual,
    residualCurve: Array.from(measured.residuals ?? []),
    tStar,
    hypotheses: measured.hypotheses,
    checkpoints: records,
    critical,
    tightness: largestN !== null && tStar.etaConfigured !== null && tStar.etaConfigured > 0 ? largestN / tStar.etaConfigured : null,
    checks: evaluateChecks(measured, theory),
    seconds: (performance.now() - started) / 1000,
  };
}

function tStarNote(value: number | null, reason: string | undefined, ballVoid: boolean): string {
  if (ballVoid) return 'B4 void at t = 0 (N ≤ mC): no ball inside the hull, T* = ∞';
  if (value === null) return `T* not computable: ${reason ?? 'missing inputs'}`;
  if (!Number.isFinite(value)) return `T* = ∞${reason ? `: ${reason}` : ''}`;
  return 'T* from measured R(0), λ0 and ρ_min = min over checkpoints of ρ_t, with η as configured';
}

function criticalTimes(records: CheckpointMeasurement[], config: ExperimentConfig): CriticalTimes {
  const greedy = (r: CheckpointMeasurement) => r.pruners.find((p) => p.pruner === 'greedy' || p.pruner === 'greedy-norep');
  const at = (r: CheckpointMeasurement, n: number) => greedy(r)?.subnetworks.find((s) => s.n === n);
  const tIn = firstTimeFromWhichHolds(records.map((r) => ({ t: r.t, holds: r.hull.inside })));
  const tCrit = config.subnetworkSizes.map((n) => ({
    n,
    t: firstTimeFromWhichHolds(records.map((r) => ({ t: r.t, holds: (at(r, n)?.loss ?? Infinity) <= config.epsilon }))),
  }));
  const target = config.targetAccuracy;
  const tCritAccuracy =
    target === null || records[0]?.denseAccuracy === null
      ? []
      : config.subnetworkSizes.map((n) => ({
          n,
          t: firstTimeFromWhichHolds(records.map((r) => ({ t: r.t, holds: (at(r, n)?.accuracy ?? -1) >= target }))),
        }));
  return { tIn, tCrit, tCritAccuracy };
}

function finiteOrNull(v: number | null): number | null {
  return v === null || Number.isNaN(v) ? null : v === Infinity ? null : v;
}
