/**
 * One (m, seed) run: config → data → pre-train → measure at each checkpoint → critical times →
 * hypotheses, claims and invariants. Data flows one way; nothing here writes files.
 */
import { readInitWeights } from '../interop/files';
import type { Dataset } from '../data/types';
import { validateDataset } from '../data/validate';
import { logSpacedCheckpoints } from '../model/train';
import type { Pruner } from '../pruning/types';
import { evaluateBounds, resolveTheory, type ResolvedTheory, type TheoryOverrides } from '../../theory';
import { evaluateChecks, thresholdSchedule, tStarAtRho0 } from '../checks';
import type { Engine } from '../engine/types';
import {
  criticalTime,
  exactCriticalTime,
  type ConditionPoint,
  type CriticalTime,
  type Probe,
} from '../pipeline/critical';
import { sumSquares } from '../linalg/vector';
import { pretrain, type PretrainedRun, type PretrainSpec } from '../pipeline/pretrain';
import {
  conditionAt,
  denseAccuracyCondition,
  hullCondition,
  Replayer,
  replaySnapshots,
  subnetworkCondition,
  type Condition,
} from '../pipeline/refine';
import { measureRun, type MeasuredRun } from '../pipeline/measured-run';
import { runOverrides, type ExperimentConfig } from './config';
import { subjectOf } from './subject';
import type { CheckpointMeasurement, CriticalTimes, RunResult, SensitivityTime } from './types';

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
  /** The subject first (its name is `subject`), then the comparison pruners. */
  pruners: Pruner[];
  /** Name of the pruner the pruner-facing checks and t_crit speak about (default: the config's built-in subject). */
  subject?: string;
  /** The engine that runs GD; absent: the tfjs reference path. */
  engine?: Engine;
  onProgress?: (p: RunProgress) => void;
}

/** Iteration cap of the hull solver per checkpoint; it stops as soon as membership is certified either way. */
const HULL_MAX_ITERATIONS = 3000;

/**
 * λ_min(H(t)) at every checkpoint is an m×m eigenproblem (seconds at m = 2000, per checkpoint): it is a report
 * column, not an input of any check, so it is measured only up to this m. λ0 = λ_min(H∞), which the checks use,
 * is computed once per run up to config.maxKernelM.
 */
export const GRAM_PER_CHECKPOINT_MAX_M = 500;

function pretrainSpec(input: RunInput): PretrainSpec {
  const { config, data, seed } = input;
  return {
    data,
    parameterisation: config.parameterisation,
    width: config.width,
    kappa: config.kappa,
    ...(config.initWeights ? { initial: readInitWeights(config.initWeights, config.parameterisation) } : {}),
    seed,
    step: config.etaRelative !== undefined ? { fractionOfLimit: config.etaRelative } : { eta: config.eta },
    iterations: config.iterations,
    checkpoints: logSpacedCheckpoints(config.iterations, config.checkpoints),
    snapshots: replaySnapshots(config.iterations, config.width * (data.d + data.outputs)),
    batchSize: config.batchSize,
    lambda0: data.m <= config.maxKernelM ? 'certified' : 'skip',
    onDivergence: 'throw',
    ...(input.engine ? { engine: input.engine } : {}),
    onTrainProgress: (done, total) => {
      if (done % 50 === 0 || done === total) input.onProgress?.({ phase: 'train', done, total });
    },
  };
}

/**
 * ε for this run: as configured, or `epsilonRelative` × the label energy ‖y‖²/(2m) (the loss of the zero
 * predictor), which keeps the target comparable across m and datasets.
 */
export function epsilonOf(config: ExperimentConfig, data: Dataset): number {
  return config.epsilonRelative == null ? config.epsilon : config.epsilonRelative * labelEnergy(data);
}

/** ‖y‖²/(2m): the loss of the zero predictor, the unit of relative loss targets. */
function labelEnergy(data: Dataset): number {
  return sumSquares(data.y) / (2 * data.m);
}

/** One (m, seed) run: config → data → pre-train → measure → checks → critical times. Nothing here writes files. */
export async function runOne(input: RunInput): Promise<RunResult> {
  const { config, data } = input;
  const started = performance.now();
  const labelBound = config.theory.constants?.C ?? 1;
  const unitNorm = !(config.dataset.kind === 'mnist' && !config.dataset.unitNorm);
  validateDataset(data, { requireUnitNorm: unitNorm, labelBound });
  input.onProgress?.({ phase: 'kernel', done: 0, total: 1 });
  const run = await pretrain(pretrainSpec(input));
  try {
    const measured = await measureRun(run, {
      pruners: input.pruners,
      subnetworkSizes: config.subnetworkSizes,
      hullTolerance: config.hullTolerance * 2 * data.m,
      hullMaxIterations: HULL_MAX_ITERATIONS,
      maxKernelM: Math.min(config.maxKernelM, GRAM_PER_CHECKPOINT_MAX_M),
      ballSupport: true,
      heldOut: input.heldOut,
      subjects: [subjectName(input)],
      theory: runOverrides(config),
      onCheckpoint: (done, total) => input.onProgress?.({ phase: 'measure', done, total }),
    });
    const trainSeconds = (performance.now() - started) / 1000;
    const epsilon = epsilonOf(config, data);
    const replayer = new Replayer(run);
    const targets = { epsilon, accuracy: accuracyTarget(config, measured) };
    const subject = input.pruners.find((p) => p.name === subjectName(input));
    const find = criticalTimeFinder(run, measured, config, subject, replayer);
    const critical = await criticalTimes(find, config, targets);
    if (config.sensitivity) {
      critical.sensitivity = await sensitivityTimes(find, config, labelEnergy(data), denseAccuracyAtT(measured));
    }
    return resultOf(
      input,
      run,
      measured,
      critical,
      targets,
      {
        seconds: replayer.seconds,
        replayedSteps: replayer.steps,
        shareOfRun: replayer.seconds / Math.max(trainSeconds + replayer.seconds, 1e-9),
      },
      started,
    );
  } finally {
    run.dispose();
  }
}

/** The dense network's training accuracy at T (null on regression data). */
function denseAccuracyAtT(measured: MeasuredRun): number | null {
  return measured.checkpoints[measured.checkpoints.length - 1]?.record.denseAccuracy ?? null;
}

/** The accuracy target: as configured, or `targetAccuracyRelative` × the dense network's accuracy at T. */
function accuracyTarget(config: ExperimentConfig, measured: MeasuredRun): number | null {
  const dense = denseAccuracyAtT(measured);
  if (dense === null) return null;
  if (config.targetAccuracyRelative != null) return config.targetAccuracyRelative * dense;
  return config.targetAccuracy;
}

function resultOf(
  input: RunInput,
  run: PretrainedRun,
  measured: MeasuredRun,
  critical: CriticalTimes,
  targets: { epsilon: number; accuracy: number | null },
  refinement: RunResult['refinement'],
  started: number,
): RunResult {
  const { config, data, seed } = input;
  const overrides = runOverrides(config);
  const theory = resolveTheory(overrides);
  const records = measured.checkpoints.map((c) => c.record);
  const tStar = tStarOf(measured, theory, overrides, config, targets.epsilon);
  const tIn = critical.tIn.t;
  return {
    m: data.m,
    seed,
    dataset: data.name,
    eta: measured.eta,
    etaEffective: measured.etaEffective,
    epsilon: targets.epsilon,
    targetAccuracy: targets.accuracy,
    lambda0: measured.lambda0,
    lambdaMaxInfinity: run.lambdaMaxInfinity,
    lambdaMaxH0: run.stability.lambdaMaxH0,
    stabilityLimit: run.stability.limit,
    initialResidual: measured.initialResidual,
    residualCurve: Array.from(measured.residuals ?? []),
    tStar,
    hypotheses: measured.hypotheses,
    checkpoints: records,
    critical,
    tightness:
      tIn !== null && tStar.etaConfigured !== null && tStar.etaConfigured > 0 ? tIn / tStar.etaConfigured : null,
    checks: evaluateChecks(measured, theory),
    refinement,
    seconds: (performance.now() - started) / 1000,
  };
}

/** T*(m) of B3 with ρ_min over the run (as the B3 claims use it), with η at its H5 value, the upper form, and with ρ_0. */
function tStarOf(
  measured: MeasuredRun,
  theory: ResolvedTheory,
  overrides: TheoryOverrides,
  config: ExperimentConfig,
  epsilon: number,
): RunResult['tStar'] {
  const records = measured.checkpoints.map((c) => c.record);
  const last = records[records.length - 1];
  const rhoMin = thresholdSchedule(measured, theory).at(-1)?.rhoMin ?? 0;
  const bounds = evaluateBounds(
    {
      ...measured.theoryInputs,
      n: Math.max(...config.subnetworkSizes),
      t: last.t,
      Rt: last.residual,
      rho: rhoMin,
      D: last.diameter,
      Dy: last.diameterToTarget,
      epsilon,
    },
    overrides,
  );
  return {
    etaConfigured: finiteOrNull(bounds.tStar.etaConfigured.exact.value),
    etaH5: finiteOrNull(bounds.tStar.etaH5.exact.value),
    upperForm: finiteOrNull(bounds.tStar.etaConfigured.upper.value),
    rho0: finiteOrNull(tStarAtRho0(measured, theory)),
    rhoUsed: rhoMin,
    note: tStarNote(
      bounds.tStar.etaConfigured.exact.value,
      bounds.tStar.etaConfigured.exact.reason,
      records[0].ballVoid,
    ),
  };
}

function tStarNote(value: number | null, reason: string | undefined, ballVoid: boolean): string {
  if (ballVoid) return 'B4 void at t = 0 (N ≤ mC): no ball inside the hull, T* = ∞';
  if (value === null) return `T* not computable: ${reason ?? 'missing inputs'}`;
  if (!Number.isFinite(value)) return `T* = ∞${reason ? `: ${reason}` : ''}`;
  return 'T* from measured R(0), λ0 and ρ_min = min over checkpoints of ρ_t, with η as configured';
}

/** The name of the run's subject pruner. */
function subjectName(input: RunInput): string {
  return input.subject ?? subjectOf(input.config);
}

/** What a critical time of the subject's subnetwork (or the dense network) must reach. */
type Target = { loss: number } | { accuracy: number };

/** The critical times of one run as functions of their target. */
interface CriticalTimeFinder {
  /** From when y stays inside the hull. */
  tIn(): Promise<CriticalTime>;
  /** From when the subject's subnetwork of size n stays within the target. */
  subnetwork(n: number, target: Target): Promise<CriticalTime>;
  /** From when the dense network stays within the target. */
  dense(target: Target): Promise<CriticalTime>;
}

/**
 * Each time is bracketed by the checkpoints, then refined by bisection on replayed GD (t_dense by loss is exact:
 * R(t) is recorded at every iteration).
 */
function criticalTimeFinder(
  run: PretrainedRun,
  measured: MeasuredRun,
  config: ExperimentConfig,
  subject: Pruner | undefined,
  replayer: Replayer,
): CriticalTimeFinder {
  const records = measured.checkpoints.map((c) => c.record);
  const T = config.iterations;
  const probeOf =
    (condition: Condition): Probe =>
    async (_from, to) => {
      const before = replayer.steps;
      const holds = await conditionAt(replayer, run, to, condition);
      return { holds, steps: replayer.steps - before };
    };
  const refine = (holds: (r: CheckpointMeasurement) => boolean | null, condition: Condition | null) =>
    criticalTime(
      records.map((r): ConditionPoint => ({ t: r.t, holds: holds(r) })),
      T,
      condition ? probeOf(condition) : null,
      config.resolution,
    );
  const subnetworkAt = (r: CheckpointMeasurement, n: number) =>
    r.pruners.find((p) => p.pruner === subject?.name)?.subnetworks.find((s) => s.n === n);
  const tolerance = config.hullTolerance * 2 * measured.m;
  return {
    tIn: () =>
      refine(
        (r) => (r.hull.inside ? true : r.hull.lowerBound > tolerance ? false : null),
        hullCondition(run, tolerance, HULL_MAX_ITERATIONS),
      ),
    subnetwork: (n, target) =>
      refine(
        'loss' in target
          ? (r) => (subnetworkAt(r, n)?.loss ?? Infinity) <= target.loss
          : (r) => (subnetworkAt(r, n)?.accuracy ?? -1) >= target.accuracy,
        subject ? subnetworkCondition(run, subject, n, target) : null,
      ),
    dense: (target) => {
      if ('accuracy' in target) {
        return refine((r) => (r.denseAccuracy ?? -1) >= target.accuracy, denseAccuracyCondition(run, target.accuracy));
      }
      const budget = 2 * measured.m * target.loss;
      return measured.residuals
        ? Promise.resolve(exactCriticalTime(Array.from(measured.residuals, (R) => R <= budget)))
        : refine((r) => r.residual <= budget, null);
    },
  };
}

/** t_in, t_crit(n) (loss and accuracy), t_dense (loss and accuracy) at the run's targets. */
async function criticalTimes(
  find: CriticalTimeFinder,
  config: ExperimentConfig,
  targets: { epsilon: number; accuracy: number | null },
): Promise<CriticalTimes> {
  const tIn = await find.tIn();
  const tCrit: (CriticalTime & { n: number })[] = [];
  const tCritAccuracy: (CriticalTime & { n: number })[] = [];
  for (const n of config.subnetworkSizes) {
    tCrit.push({ n, ...(await find.subnetwork(n, { loss: targets.epsilon })) });
    if (targets.accuracy !== null)
      tCritAccuracy.push({ n, ...(await find.subnetwork(n, { accuracy: targets.accuracy })) });
  }
  const tDense = await find.dense({ loss: targets.epsilon });
  const tDenseAccuracy = targets.accuracy === null ? null : await find.dense({ accuracy: targets.accuracy });
  return { tIn, tCrit, tCritAccuracy, tDense, tDenseAccuracy };
}

/**
 * t_crit at the largest n under each alternative target of config.sensitivity (fixed with the design), refined
 * like the main ones; accuracy targets only on classification data.
 */
async function sensitivityTimes(
  find: CriticalTimeFinder,
  config: ExperimentConfig,
  labelEnergy: number,
  denseAccuracyAtT: number | null,
): Promise<SensitivityTime[]> {
  const n = Math.max(...config.subnetworkSizes);
  const out: SensitivityTime[] = [];
  for (const relative of config.sensitivity?.epsilonRelative ?? []) {
    const value = relative * labelEnergy;
    out.push({ kind: 'loss', relative, value, n, ...(await find.subnetwork(n, { loss: value })) });
  }
  if (denseAccuracyAtT === null) return out;
  for (const relative of config.sensitivity?.targetAccuracyRelative ?? []) {
    const value = relative * denseAccuracyAtT;
    out.push({ kind: 'accuracy', relative, value, n, ...(await find.subnetwork(n, { accuracy: value })) });
  }
  return out;
}

function finiteOrNull(v: number | null): number | null {
  return v === null || Number.isNaN(v) ? null : v === Infinity ? null : v;
}
