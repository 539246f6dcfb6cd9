/**
 * The pruner contracts (src/pruning/types.ts) as properties over generated pre-trained cases. Every pruner
 * — built-in or a user's — must meet them on every valid input; a failure is a broken pruner.
 *  - valid multiset: `selection` holds integer neuron indices in [0, N); `lossPerStep` finite, ≥ 0, one per pick;
 *  - requested size: exactly n picks;
 *  - determinism: the same input and seed give the same result;
 *  - no mutation: the input's tensors, arrays and scalars are unchanged and not disposed;
 *  - reported losses: `lossPerStep[k−1]` is the measured loss of the first k picks;
 *  - prefix consistency, when the pruner declares it: the picks for a smaller n are a prefix of those for a larger n.
 */
import { tf } from '../backend/tf';
import { lossCurve } from '../pruning/subnetwork';
import type { PruneInput, Pruner } from '../pruning/types';
import { pruneResultFault, selectionFault, unpackPruneResult } from '../pruning/validate';
import type { CaseOutcome, PropertyContext, PropertyDefinition } from './property';
import { parsePruningCase, pruningCase, type PruningCase } from './arbitraries/pruning-case';
import { pruneInput, withFeatures, withPretrainedCase, type PretrainedCase } from './pretrain';
import { caseRegimes } from './regimes';

const { abs, max, min, floor } = Math;
const { is } = Object;

/** Small, short runs: the contracts concern the pruner, not the training. */
const CONTRACT_CASES = pruningCase({ iterations: { min: 0, max: 30 } });

type Call = { result: unknown } | { thrown: string };

async function callPruner(pruner: Pruner, input: PruneInput): Promise<Call> {
  try {
    return { result: await pruner.prune(input) };
  } catch (e) {
    return { thrown: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

function contractOutcome(
  status: CaseOutcome['status'],
  p: PretrainedCase,
  detail: string,
  reason?: string,
): CaseOutcome {
  return {
    status,
    detail,
    ...(reason ? { reason } : {}),
    regimes: caseRegimes(p.case, p.lambda0),
    hypotheses: [],
    measured: {},
  };
}

/** Runs `check` on the input built from the last checkpoint of the case's (short) pre-training. */
function contractEvaluator(
  check: (pruner: Pruner, input: PruneInput, p: PretrainedCase) => Promise<{ failure: string | null; na?: string }>,
) {
  return (c: PruningCase, ctx: PropertyContext): Promise<CaseOutcome> =>
    withPretrainedCase(c, { checkpoints: [c.iterations] }, async (p) => {
      const last = p.checkpoints[p.checkpoints.length - 1] ?? null;
      if (!last) return contractOutcome('not-applicable', p, 'GD diverged before any checkpoint', 'GD diverged');
      const verdict = await withFeatures(p, last.weights, (features) =>
        check(ctx.pruner, pruneInput(p, features, last.weights), p),
      );
      if (verdict.failure) return contractOutcome('fail', p, verdict.failure);
      if (verdict.na) return contractOutcome('not-applicable', p, verdict.na, verdict.na);
      return contractOutcome('pass', p, 'contract met');
    });
}

// ---------------------------------------------------------------------------------------------------

async function checkValidMultiset(pruner: Pruner, input: PruneInput): Promise<{ failure: string | null }> {
  const call = await callPruner(pruner, input);
  if ('thrown' in call)
    return { failure: `prune threw on a valid input (n = ${input.n} ≤ N = ${input.features.width}): ${call.thrown}` };
  const lists = unpackPruneResult(call.result);
  return { failure: typeof lists === 'string' ? lists : pruneResultFault(lists, input.features.width) };
}

async function checkRequestedSize(pruner: Pruner, input: PruneInput): Promise<{ failure: string | null; na?: string }> {
  const call = await callPruner(pruner, input);
  if ('thrown' in call)
    return { failure: `prune threw on a valid input (n = ${input.n} ≤ N = ${input.features.width}): ${call.thrown}` };
  const lists = unpackPruneResult(call.result);
  if (typeof lists === 'string') return { failure: null, na: 'no selection list (see the valid-multiset contract)' };
  if (lists.selection.length !== input.n) {
    return {
      failure: `returned ${lists.selection.length} picks for n = ${input.n} (N = ${input.features.width}): a pruner must return a multiset of exactly n neurons`,
    };
  }
  if (lists.lossPerStep.length !== input.n)
    return { failure: `returned ${lists.lossPerStep.length} losses for n = ${input.n}: one loss per step is required` };
  return { failure: null };
}

function sameLosses(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i] || abs(x - b[i]) <= 1e-12 * max(abs(x), abs(b[i])));
}

async function checkDeterminism(pruner: Pruner, input: PruneInput): Promise<{ failure: string | null; na?: string }> {
  const first = await callPruner(pruner, input);
  const second = await callPruner(pruner, { ...input });
  if ('thrown' in first || 'thrown' in second) {
    const which = 'thrown' in first ? first.thrown : (second as { thrown: string }).thrown;
    return { failure: `prune threw on a valid input: ${which}` };
  }
  const a = unpackPruneResult(first.result);
  const b = unpackPruneResult(second.result);
  if (typeof a === 'string' || typeof b === 'string')
    return { failure: null, na: 'no selection list (see the valid-multiset contract)' };
  const diff = a.selection.findIndex((r, i) => r !== b.selection[i]);
  if (diff >= 0 || a.selection.length !== b.selection.length) {
    const at = diff >= 0 ? diff : min(a.selection.length, b.selection.length);
    return {
      failure: `two calls with the same input and seed ${input.seed} differ at pick ${at}: ${String(a.selection[at])} vs ${String(b.selection[at])} (randomness must come from input.seed)`,
    };
  }
  if (!sameLosses(a.lossPerStep, b.lossPerStep))
    return { failure: `two calls with the same input and seed ${input.seed} returned different lossPerStep` };
  return { failure: null };
}

interface InputSnapshot {
  tensors: Array<{ name: string; values: Float32Array | Int32Array | Uint8Array }>;
  arrays: Array<{ name: string; values: Float32Array }>;
  scalars: string;
}

function snapshot(input: PruneInput): InputSnapshot {
  const { features, targets, weights } = input;
  const named = {
    'features.activations': features.activations,
    'features.activationsT': features.activationsT,
    'features.outWeights': features.outWeights,
    targets,
  };
  return {
    tensors: Object.entries(named).map(([name, t]) => ({ name, values: t.dataSync().slice() as Float32Array })),
    arrays: [
      { name: 'weights.w', values: weights.w.slice() },
      { name: 'weights.v', values: weights.v.slice() },
    ],
    scalars: JSON.stringify([
      input.n,
      input.seed,
      features.m,
      features.width,
      features.outputs,
      weights.parameterisation,
      weights.width,
      weights.inputDim,
      weights.outputs,
    ]),
  };
}

function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!is(a[i], b[i])) return i;
  return -1;
}

async function checkNoMutation(pruner: Pruner, input: PruneInput): Promise<{ failure: string | null }> {
  const before = snapshot(input);
  const tensors = [input.features.activations, input.features.activationsT, input.features.outWeights, input.targets];
  const call = await callPruner(pruner, input);
  const disposed = tensors.findIndex((t) => t.isDisposed);
  if (disposed >= 0)
    return { failure: `${before.tensors[disposed].name} was disposed by the pruner (inputs belong to the caller)` };
  const after = snapshot(input);
  for (const [i, t] of before.tensors.entries()) {
    const at = firstDifference(t.values, after.tensors[i].values);
    if (at >= 0)
      return { failure: `${t.name} changed at flat index ${at}: ${t.values[at]} → ${after.tensors[i].values[at]}` };
  }
  for (const [i, a] of before.arrays.entries()) {
    const at = firstDifference(a.values, after.arrays[i].values);
    if (at >= 0)
      return { failure: `${a.name} changed at index ${at}: ${a.values[at]} → ${after.arrays[i].values[at]}` };
  }
  if (before.scalars !== after.scalars)
    return { failure: `a scalar field of the input changed: ${before.scalars} → ${after.scalars}` };
  void call; // a throwing pruner is reported by the other contracts; here only the input matters
  return { failure: null };
}

/**
 * Reported losses agree with the measured ones (float64 from the float32 features) to 1e-3 relative, with a
 * floor of 1e-6·‖y‖²/(2m) for losses ≈ 0: a pruner computing in float32 is off by ~1e-6 relative, so a larger
 * gap is a wrong loss, not rounding.
 */
async function checkReportedLosses(
  pruner: Pruner,
  input: PruneInput,
): Promise<{ failure: string | null; na?: string }> {
  const call = await callPruner(pruner, input);
  if ('thrown' in call) return { failure: null, na: 'prune threw (see the valid-multiset contract)' };
  const lists = unpackPruneResult(call.result);
  if (typeof lists === 'string' || selectionFault(lists.selection, input.features.width) !== null) {
    return { failure: null, na: 'no valid selection (see the valid-multiset contract)' };
  }
  const measured = lossCurve(input.features, input.targets, lists.selection);
  const yScale = tf.tidy(() => tf.sum(tf.square(input.targets)).dataSync()[0]) / (2 * input.features.m);
  const count = min(measured.length, lists.lossPerStep.length);
  for (let k = 0; k < count; k++) {
    const reported = lists.lossPerStep[k];
    if (abs(reported - measured[k]) > 1e-3 * max(measured[k], 1e-3 * yScale)) {
      return {
        failure: `lossPerStep[${k}] = ${reported} but the first ${k + 1} picks have measured loss ${measured[k]}`,
      };
    }
  }
  return { failure: null };
}

async function checkPrefix(pruner: Pruner, input: PruneInput): Promise<{ failure: string | null; na?: string }> {
  if (!pruner.prefixConsistent) return { failure: null, na: 'the pruner does not declare prefixConsistent' };
  const N = input.features.width;
  const larger = min(N, 2 * input.n);
  const smaller = max(1, floor(input.n / 2));
  const sizes = [...new Set([smaller, input.n, larger])].sort((a, b) => a - b);
  if (sizes.length < 2) return { failure: null, na: 'n = N = 1: no two sizes to compare' };
  const selections: number[][] = [];
  for (const n of sizes) {
    const call = await callPruner(pruner, { ...input, n });
    if ('thrown' in call) return { failure: null, na: 'prune threw (see the valid-multiset contract)' };
    const lists = unpackPruneResult(call.result);
    if (typeof lists === 'string') return { failure: null, na: 'no selection list (see the valid-multiset contract)' };
    selections.push(lists.selection);
  }
  for (let i = 0; i + 1 < sizes.length; i++) {
    const [short, long] = [selections[i], selections[i + 1]];
    const at = short.findIndex((r, k) => r !== long[k]);
    if (at >= 0) {
      return {
        failure: `declares prefixConsistent, but the picks for n = ${sizes[i]} are not a prefix of those for n = ${sizes[i + 1]}: pick ${at} is ${short[at]} vs ${long[at]}`,
      };
    }
  }
  return { failure: null };
}

// ---------------------------------------------------------------------------------------------------

function contract(
  id: string,
  statement: string,
  check: Parameters<typeof contractEvaluator>[0],
): PropertyDefinition<PruningCase> {
  return {
    id,
    kind: 'contract',
    source: '[contract]',
    statement,
    arbitrary: CONTRACT_CASES,
    parseCase: (v) => parsePruningCase(v, id),
    evaluate: contractEvaluator(check),
    runs: { quick: 30, full: 100 },
    usesPruner: true,
  };
}

export const CONTRACT_VALID_MULTISET = contract(
  'CONTRACT-valid-multiset',
  'selection is a non-empty multiset of integer neuron indices in [0, N); lossPerStep holds one finite loss ≥ 0 per pick',
  checkValidMultiset,
);
export const CONTRACT_SIZE = contract(
  'CONTRACT-size',
  'the selection has exactly n picks (the requested subnetwork size), and lossPerStep n entries',
  checkRequestedSize,
);
export const CONTRACT_DETERMINISM = contract(
  'CONTRACT-determinism',
  'the same input and seed give the same selection and losses',
  checkDeterminism,
);
export const CONTRACT_NO_MUTATION = contract(
  'CONTRACT-no-mutation',
  'prune leaves its input unchanged: tensors (values, not disposed), weights and scalar fields',
  checkNoMutation,
);
export const CONTRACT_REPORTED_LOSSES = contract(
  'CONTRACT-reported-losses',
  'lossPerStep[k−1] is the measured loss ‖f_{S_k} − y‖²/(2m) of the first k picks (relative 1e-3)',
  checkReportedLosses,
);
export const CONTRACT_PREFIX = contract(
  'CONTRACT-prefix',
  'when the pruner declares prefixConsistent: the picks for a smaller n are a prefix of the picks for a larger n',
  checkPrefix,
);

export const PRUNER_CONTRACTS: readonly PropertyDefinition<PruningCase>[] = [
  CONTRACT_VALID_MULTISET,
  CONTRACT_SIZE,
  CONTRACT_DETERMINISM,
  CONTRACT_NO_MUTATION,
  CONTRACT_REPORTED_LOSSES,
  CONTRACT_PREFIX,
];
