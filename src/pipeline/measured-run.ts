/**
 * A pre-trained run measured at every checkpoint: the one input of every check (src/checks), whether it comes
 * from `verify`'s grid or from a generated fast-check case.
 */
import { tf, type Tensor2D } from '../backend/tf';
import type { Dataset } from '../data/types';
import type { Parameterisation } from '../model/types';
import { isProvedGreedy } from '../pruning/types';
import { checkHypotheses, type TheoryInputs, type TheoryOverrides } from '../../theory';
import { sumSquares } from '../linalg/vector';
import { maxAbs, maxNormDeviation } from './host';
import { measureCheckpoint, type CheckpointContext, type CheckpointOutcome } from './measure';
import type { DivergenceInfo, PretrainedRun } from './pretrain';
import type { HypothesisResult } from './types';

/** How a run is measured: the checkpoint settings (declared once, in measure.ts) and what the checks speak about. */
export interface MeasureOptions extends Pick<
  CheckpointContext,
  'pruners' | 'subnetworkSizes' | 'hullTolerance' | 'hullMaxIterations' | 'maxKernelM' | 'ballSupport'
> {
  heldOut?: Dataset | null;
  /**
   * Pruners the pruner-dependent checks speak about (B2, B2′, B3-loss, FW rate, greedy's identity): verify names
   * its subject, check-pruner the pruner under test; default: the pruners the [FW] proofs cover.
   */
  subjects?: string[];
  /** Theory overrides (constants such as κ and expressions): hypotheses are evaluated with them. */
  theory?: TheoryOverrides;
  /** Only these checkpoints (default: all the run kept). */
  checkpoints?: number[];
  onCheckpoint?: (done: number, total: number) => void;
}

export interface MeasuredRun {
  m: number;
  d: number;
  width: number;
  outputs: number;
  parameterisation: Parameterisation;
  seed: number;
  /** ‖y‖², the natural scale of every squared distance here. */
  targetNormSq: number;
  eta: number;
  etaEffective: number;
  lambda0: number | null;
  initialResidual: number;
  /** R(t) for t = 0..T, when the run did not diverge. */
  residuals: Float64Array | null;
  /** Unit roundoff of the arithmetic the residuals were computed in. */
  unitRoundoff: number;
  iterations: number;
  divergence: DivergenceInfo | null;
  /** The theory's inputs that describe the run as a whole; checks add per-checkpoint numbers. */
  theoryInputs: TheoryInputs;
  /** H1–H5 on this run (with the run's theory overrides). */
  hypotheses: HypothesisResult[];
  hullTolerance: number;
  subnetworkSizes: number[];
  /** The pruners the pruner-dependent checks speak about. */
  subjects: string[];
  /** Every subject is covered by the [FW] proofs (greedy with replacement): greedy-only checks are invariants. */
  subjectsProved: boolean;
  checkpoints: CheckpointOutcome[];
}

/** Unit roundoff of the arithmetic the engine trained in: 2⁻²⁴ for float32, 2⁻⁵³ for float64 (onnx engine only). */
export function unitRoundoffOf(run: PretrainedRun): number {
  return run.spec.engine?.description.precision === 'float64' ? 2 ** -53 : 2 ** -24;
}

/** The theory's inputs that describe the run as a whole (checks add per-checkpoint numbers). */
export function runTheoryInputs(run: PretrainedRun): TheoryInputs {
  const { data } = run;
  return {
    m: data.m,
    N: run.spec.width,
    eta: run.etaEffective,
    // A singular H∞ (λ0 ≤ 0) gives no λ0: bounds that need it are not evaluable; H3 reports the failure.
    ...(run.lambda0 !== null && run.lambda0 > 0 ? { lambda0: run.lambda0 } : {}),
    d: data.d,
    outputs: data.outputs,
    ...(Number.isFinite(run.initialResidual) ? { R0: run.initialResidual } : {}),
    normMax: maxNormDeviation(data.x, data.m, data.d),
    yMax: maxAbs(data.y),
  };
}

/** H1–H5 with the κ the network was actually initialised with. */
export function runHypotheses(
  run: PretrainedRun,
  overrides: TheoryOverrides = {},
  inputs: TheoryInputs = runTheoryInputs(run),
): HypothesisResult[] {
  const kappa = run.spec.kappa ?? 1;
  const withKappa: TheoryOverrides = { ...overrides, constants: { ...overrides.constants, kappa } };
  return checkHypotheses({ ...inputs, lambda0: run.lambda0 ?? 0 }, withKappa).map((h) => ({
    id: h.id,
    label: h.label,
    statement: h.statement,
    holds: h.holds,
    detail: h.holds === null && h.reason ? `${h.detail} (${h.reason})` : h.detail,
    factor: h.factor !== null && Number.isFinite(h.factor) ? h.factor : null,
  }));
}

function heldOutTensors(heldOut: Dataset | null | undefined): { x: Tensor2D; classes: Int32Array } | null {
  if (!heldOut?.classes) return null;
  return { x: tf.tensor2d(heldOut.x, [heldOut.m, heldOut.d]) as Tensor2D, classes: heldOut.classes };
}

/** Measures every checkpoint of the run (warm-starting the hull solver from the previous one). */
export async function measureRun(run: PretrainedRun, options: MeasureOptions): Promise<MeasuredRun> {
  const { data } = run;
  const theoryInputs = runTheoryInputs(run);
  const subjects = options.subjects ?? options.pruners.filter(isProvedGreedy).map((p) => p.name);
  const heldOut = heldOutTensors(options.heldOut);
  const wanted = options.checkpoints ? new Set(options.checkpoints) : null;
  const checkpoints = run.checkpoints.filter((cp) => !wanted || wanted.has(cp.t));
  const outcomes: CheckpointOutcome[] = [];
  try {
    for (const [i, cp] of checkpoints.entries()) {
      options.onCheckpoint?.(i, checkpoints.length);
      outcomes.push(
        await measureCheckpoint(cp.t, cp.residual, cp.weights, {
          engine: run.spec.engine,
          data,
          x: run.tensors.x,
          y: run.tensors.y,
          heldOut,
          pruners: options.pruners,
          subnetworkSizes: options.subnetworkSizes,
          hullTolerance: options.hullTolerance,
          hullMaxIterations: options.hullMaxIterations,
          maxKernelM: options.maxKernelM,
          ballSupport: options.ballSupport,
          seed: run.spec.seed,
          initialResidual: run.initialResidual,
          hullStart: outcomes[outcomes.length - 1]?.hullWeights,
        }),
      );
    }
  } finally {
    heldOut?.x.dispose();
  }
  return {
    m: data.m,
    d: data.d,
    width: run.spec.width,
    outputs: data.outputs,
    parameterisation: run.spec.parameterisation,
    seed: run.spec.seed,
    targetNormSq: sumSquares(data.y),
    eta: run.eta,
    etaEffective: run.etaEffective,
    lambda0: run.lambda0,
    initialResidual: run.initialResidual,
    residuals: run.residuals,
    unitRoundoff: unitRoundoffOf(run),
    iterations: run.spec.iterations,
    divergence: run.divergence,
    theoryInputs,
    hypotheses: runHypotheses(run, options.theory, theoryInputs),
    hullTolerance: options.hullTolerance,
    subnetworkSizes: options.subnetworkSizes,
    subjects,
    subjectsProved: subjects.every((name) => options.pruners.some((p) => p.name === name && isProvedGreedy(p))),
    checkpoints: outcomes,
  };
}
