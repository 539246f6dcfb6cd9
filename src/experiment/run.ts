/**
 * One (m, seed) run: config → data → pre-train → measure at each checkpoint → critical times →
 * hypotheses, claims and invariants. Data flows one way; nothing here writes files.
 */
import { tf, type Tensor2D } from '../backend/tf';
import type { Dataset } from '../data/types';
import { toTensors } from '../data/tensors';
import { validateDataset } from '../data/validate';
import { kernelSpectrum } from '../kernel/gram';
import { initNetwork } from '../model/init';
import { stabilityInfo } from '../model/stability';
import { logSpacedCheckpoints, trainNetwork } from '../model/train';
import type { Pruner } from '../pruning/types';
import { Rng } from '../rng';
import { checkHypotheses, evaluateBounds, type TheoryInputs } from '../../theory';
import type { ExperimentConfig } from './config';
import { checkClaims, checkInvariants, type RunFacts } from './checks';
import { firstTimeFromWhichHolds } from './critical';
import { measureCheckpoint, type CheckpointOutcome } from './measure';
import type { CheckpointMeasurement, CriticalTimes, HypothesisResult, RunResult } from './types';

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

export async function runOne(input: RunInput): Promise<RunResult> {
  const { config, data, seed } = input;
  const started = performance.now();
  const labelBound = config.theory.constants?.C ?? 1;
  const unitNorm = !(config.dataset.kind === 'mnist' && !config.dataset.unitNorm);
  validateDataset(data, { requireUnitNorm: unitNorm, labelBound });

  input.onProgress?.({ phase: 'kernel', done: 0, total: 1 });
  const spectrum = data.m <= config.maxKernelM ? kernelSpectrum(data) : null;
  const initial = initNetwork({
    parameterisation: config.parameterisation,
    width: config.width,
    inputDim: data.d,
    outputs: data.outputs,
    kappa: config.kappa,
    rng: new Rng(seed).fork('init'),
  });
  const tensors = toTensors(data);
  const heldOut = input.heldOut ? { x: tf.tensor2d(input.heldOut.x, [input.heldOut.m, input.heldOut.d]) as Tensor2D, classes: input.heldOut.classes! } : null;
  try {
    const stability = stabilityInfo(initial, tensors);
    const eta = stepSize(config, stability.limit);
    const checkpoints = logSpacedCheckpoints(config.iterations, config.checkpoints);
    const trained = trainNetwork(initial, tensors, {
      eta,
      iterations: config.iterations,
      checkpoints,
      stability,
      ...(config.batchSize !== null ? { batch: { size: config.batchSize, rng: new Rng(seed).fork('sgd') } } : {}),
      onProgress: (done, total) => {
        if (done % 50 === 0 || done === total) input.onProgress?.({ phase: 'train', done, total });
      },
    });
    const initialResidual = trained.residuals[0];
    const targetNormSq = sumSquares(data.y);
    const hullTolerance = config.hullTolerance * 2 * data.m;
    const outcomes: CheckpointOutcome[] = [];
    for (const [i, cp] of trained.checkpoints.entries()) {
      input.onProgress?.({ phase: 'measure', done: i, total: trained.checkpoints.length });
      outcomes.push(
        await measureCheckpoint(cp.t, cp.residual, cp.weights, {
          data,
          x: tensors.x,
          y: tensors.y,
          heldOut,
          pruners: input.pruners,
          subnetworkSizes: config.subnetworkSizes,
          hullTolerance,
          maxKernelM: config.maxKernelM,
          seed,
          initialResidual,
          hullStart: outcomes[outcomes.length - 1]?.hullWeights,
        }),
      );
    }
    const records = outcomes.map((o) => o.record);
    const first = records[0];
    const last = records[records.length - 1];
    const nMax = Math.max(...config.subnetworkSizes);
    const etaEffective = config.parameterisation === 'ntk' ? eta : eta / data.m;
    const theoryInputs: TheoryInputs = {
      m: data.m,
      N: config.width,
      eta: etaEffective,
      ...(spectrum ? { lambda0: spectrum.lambda0 } : {}),
      d: data.d,
      n: nMax,
      t: last.t,
      outputs: data.outputs,
      R0: initialResidual,
      Rt: last.residual,
      rho: first.rho,
      D: last.diameter,
      Dy: last.diameterToTarget,
      epsilon: config.epsilon,
      normMax: maxNormDeviation(data),
      yMax: maxAbs(data.y),
    } as TheoryInputs;
    // The theory checks must see the κ the network was actually initialised with.
    const overrides = { ...config.theory, constants: { ...config.theory.constants, kappa: config.kappa } } as Parameters<typeof checkHypotheses>[1];
    const hypotheses: HypothesisResult[] = checkHypotheses(theoryInputs, overrides).map((h) => ({
      id: h.id,
      label: h.label,
      statement: h.statement,
      holds: h.holds,
      detail: h.holds === null && h.reason ? `${h.detail} (${h.reason})` : h.detail,
    }));
    const bounds = evaluateBounds(theoryInputs, overrides);
    const tStar = {
      etaConfigured: finiteOrNull(bounds.tStar.etaConfigured.exact.value),
      etaH5: finiteOrNull(bounds.tStar.etaH5.exact.value),
      upperForm: finiteOrNull(bounds.tStar.etaConfigured.upper.value),
      rhoUsed: first.rho,
      note: tStarNote(bounds.tStar.etaConfigured.exact.value, bounds.tStar.etaConfigured.exact.reason, first.ballVoid),
    };
    const facts: RunFacts = {
      m: data.m,
      outputs: data.outputs,
      targetNormSq,
      eta: etaEffective,
      lambda0: spectrum?.lambda0 ?? null,
      initialResidual,
      subnetworkSizes: config.subnetworkSizes,
      epsilon: config.epsilon,
      hullTolerance,
      tStar: bounds.tStar.etaConfigured.exact.value,
    };
    const critical = criticalTimes(records, config);
    const largestN = critical.tCrit.find((c) => c.n === nMax)?.t ?? null;
    return {
      m: data.m,
      seed,
      dataset: data.name,
      eta,
      etaEffective,
      lambda0: spectrum?.lambda0 ?? null,
      lambdaMaxInfinity: spectrum?.lambdaMax ?? null,
      lambdaMaxH0: stability.lambdaMaxH0,
      stabilityLimit: stability.limit,
      initialResidual,
      residualCurve: Array.from(trained.residuals),
      tStar,
      hypotheses,
      checkpoints: records,
      critical,
      tightness: largestN !== null && tStar.etaConfigured !== null && tStar.etaConfigured > 0 ? largestN / tStar.etaConfigured : null,
      claims: checkClaims(records, facts, hypotheses),
      invariants: checkInvariants(outcomes, facts),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    tensors.dispose();
    heldOut?.x.dispose();
  }
}

/** The step size of this run: η as configured, or r × the measured stability limit when etaRelative = r. */
function stepSize(config: ExperimentConfig, stabilityLimit: number): number {
  if (config.etaRelative === undefined) return config.eta;
  if (!Number.isFinite(stabilityLimit)) {
    throw new RangeError(`etaRelative: the stability limit is ${stabilityLimit} (K(0) = 0: no neuron is active), so r × limit is no step size`);
  }
  return config.etaRelative * stabilityLimit;
}

function tStarNote(value: number | null, reason: string | undefined, ballVoid: boolean): string {
  if (ballVoid) return 'B4 void at t = 0 (N ≤ mC): no ball inside the hull, T* = ∞';
  if (value === null) return `T* not computable: ${reason ?? 'missing inputs'}`;
  if (!Number.isFinite(value)) return `T* = ∞${reason ? `: ${reason}` : ''}`;
  return 'T* from measured R(0), λ0 and ρ_0 with η as configured';
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

function sumSquares(a: Float32Array): number {
  let s = 0;
  for (const v of a) s += v * v;
  return s;
}

function maxAbs(a: Float32Array): number {
  let s = 0;
  for (const v of a) s = Math.max(s, Math.abs(v));
  return s;
}

function maxNormDeviation(ds: Dataset): number {
  let worst = 0;
  for (let j = 0; j < ds.m; j++) {
    let s = 0;
    for (let k = 0; k < ds.d; k++) s += ds.x[j * ds.d + k] ** 2;
    worst = Math.max(worst, Math.abs(Math.sqrt(s) - 1));
  }
  return worst;
}
