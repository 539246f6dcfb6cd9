/**
 * The GD/SGD step of src/model/train.ts as an ONNX graph, built in code with onnx-proto (no Python, no
 * files). One graph runs `steps` updates unrolled, so one session.run does several steps; it outputs R at
 * the weights before each step, then the updated weights. Weights stay in the host layout of
 * TwoLayerWeights (W: N×d, v: N×C): ORT's Gemm takes transpose flags at full speed, so no transposes.
 *
 * One step, with c = outputScale and s the step on ½R (η for 'ntk', ηN/m for 'meanfield'):
 *   Z = X Wᵀ, A = ReLU(Z), D = 1{Z > 0}, U = c A v, E = U − Y, R = ‖E‖²
 *   G = (s c) E                     (the cotangent, scaled once: Jᵀ is linear in it, as in train.ts)
 *   W ← W − ((G vᵀ) ⊙ D)ᵀ X          v ← v − Aᵀ G   ('meanfield' only)
 * SGD: R is the full-batch residual; the update uses the rows `idx` and (s c m/b) as the scale.
 */
import { onnx } from 'onnx-proto';
import type { Parameterisation } from '../model/types';

export type Precision = 'float32' | 'float64';

export interface StepGraphSpec {
  parameterisation: Parameterisation;
  precision: Precision;
  /** Samples m, input dimension d, width N, outputs C. */
  m: number;
  d: number;
  N: number;
  C: number;
  /** Unrolled updates per run; 0 builds the residual-only graph (R at the given weights). */
  steps: number;
  /** Minibatch size b, or null for full-batch GD. */
  batch: number | null;
}

/** Graph input and output names (the engine feeds and reads these). */
export const NAMES = {
  x: 'X',
  y: 'Y',
  w: 'W',
  v: 'V',
  outputScale: 'c',
  stepScale: 'sc',
  batchIndices: (i: number) => `idx${i}`,
  residuals: 'R',
  nextW: 'W_out',
  nextV: 'V_out',
} as const;

type Attribute = onnx.IAttributeProto;

class GraphBuilder {
  readonly nodes: onnx.INodeProto[] = [];
  private counter = 0;

  node(opType: string, inputs: string[], attributes: Attribute[] = [], output?: string): string {
    const name = output ?? `${opType.toLowerCase()}_${this.counter++}`;
    this.nodes.push({ opType, input: inputs, output: [name], name, attribute: attributes });
    return name;
  }
}

function elementType(precision: Precision): number {
  return precision === 'float64' ? onnx.TensorProto.DataType.DOUBLE : onnx.TensorProto.DataType.FLOAT;
}

const intAttribute = (name: string, i: number): Attribute => ({ name, i, type: onnx.AttributeProto.AttributeType.INT });

function valueInfo(name: string, elemType: number, dims: number[]): onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((dimValue) => ({ dimValue })) } } },
  };
}

/** A = ReLU(X Wᵀ) (m×N) with W in the host layout (N×d): the forward pass every graph here starts from. */
function activationsOf(g: GraphBuilder, x: string, w: string, output?: string): string {
  return g.node('Relu', [g.node('Gemm', [x, w], [intAttribute('transB', 1)])], [], output);
}

/**
 * ∇_W up to the step scale: ((E Vᵀ) ⊙ M)ᵀ X with E the m×C cotangent, M = 1[z > 0]. For C = 1 it is
 * diag(v)·Mᵀ·(E ⊙ X): the m×N product E vᵀ and its masked copy are never formed, so a step reads the m×N
 * matrices fewer times (measured at m = 2000, N = 1000, d = 16: see the bench). For C > 1 that form would need
 * C products with Mᵀ, so the m×N one stays.
 */
function hiddenGradient(g: GraphBuilder, C: number, cotangent: string, v: string, mask: string, x: string): string {
  if (C === 1) {
    const scaledInputs = g.node('Mul', [x, cotangent]); // row j of X times E_j
    return g.node('Mul', [g.node('Gemm', [mask, scaledInputs], [intAttribute('transA', 1)]), v]);
  }
  const hidden = g.node('Mul', [g.node('Gemm', [cotangent, v], [intAttribute('transB', 1)]), mask]);
  return g.node('Gemm', [hidden, x], [intAttribute('transA', 1)]);
}

/** Adds one step's nodes; returns the names of R (shape [1, 1]) and the new W and v (v unchanged for 'ntk'). */
function addStep(
  g: GraphBuilder,
  spec: StepGraphSpec,
  elemType: number,
  w: string,
  v: string,
  index: number,
): { r: string; w: string; v: string } {
  const forward = (x: string, y: string) => {
    const a = activationsOf(g, x, w);
    const u = g.node('Mul', [g.node('MatMul', [a, v]), NAMES.outputScale]);
    return { a, e: g.node('Sub', [u, y]) };
  };
  const full = forward(NAMES.x, NAMES.y);
  const r = g.node('ReduceSum', [g.node('Mul', [full.e, full.e])], [intAttribute('keepdims', 1)]);
  if (spec.steps === 0) return { r, w, v };
  let x: string = NAMES.x;
  let pass = full;
  if (spec.batch !== null) {
    const idx = NAMES.batchIndices(index);
    x = g.node('Gather', [NAMES.x, idx], [intAttribute('axis', 0)]);
    pass = forward(x, g.node('Gather', [NAMES.y, idx], [intAttribute('axis', 0)]));
  }
  const cotangent = g.node('Mul', [pass.e, NAMES.stepScale]);
  // 1[z > 0] = sign(ReLU(z)) exactly (ReLU(z) ≥ 0 and sign(0) = 0): one pass over m×N instead of Greater + Cast.
  const mask = g.node('Sign', [pass.a]);
  const nextW = g.node('Sub', [w, hiddenGradient(g, spec.C, cotangent, v, mask, x)]);
  if (spec.parameterisation === 'ntk') return { r, w: nextW, v };
  const nextV = g.node('Sub', [v, g.node('Gemm', [pass.a, cotangent], [intAttribute('transA', 1)])]);
  return { r, w: nextW, v: nextV };
}

/** The serialised ONNX model for `spec` (opset 17). */
export function buildStepGraph(spec: StepGraphSpec): Uint8Array {
  const elemType = elementType(spec.precision);
  const g = new GraphBuilder();
  let w: string = NAMES.w;
  let v: string = NAMES.v;
  const residuals: string[] = [];
  for (let i = 0; i < Math.max(spec.steps, 1); i++) {
    const next = addStep(g, spec, elemType, w, v, i);
    residuals.push(next.r);
    w = next.w;
    v = next.v;
  }
  const rows = residuals.length;
  g.node('Concat', residuals, [intAttribute('axis', 0)], NAMES.residuals);
  const outputs = [valueInfo(NAMES.residuals, elemType, [rows, 1])];
  if (spec.steps > 0) {
    g.node('Identity', [w], [], NAMES.nextW);
    outputs.push(valueInfo(NAMES.nextW, elemType, [spec.N, spec.d]));
    if (spec.parameterisation === 'meanfield') {
      g.node('Identity', [v], [], NAMES.nextV);
      outputs.push(valueInfo(NAMES.nextV, elemType, [spec.N, spec.C]));
    }
  }
  const inputs = [
    valueInfo(NAMES.x, elemType, [spec.m, spec.d]),
    valueInfo(NAMES.y, elemType, [spec.m, spec.C]),
    valueInfo(NAMES.w, elemType, [spec.N, spec.d]),
    valueInfo(NAMES.v, elemType, [spec.N, spec.C]),
    valueInfo(NAMES.outputScale, elemType, []),
  ];
  if (spec.steps > 0) inputs.push(valueInfo(NAMES.stepScale, elemType, []));
  if (spec.steps > 0 && spec.batch !== null) {
    for (let i = 0; i < spec.steps; i++) {
      inputs.push(valueInfo(NAMES.batchIndices(i), onnx.TensorProto.DataType.INT64, [spec.batch]));
    }
  }
  const graph: onnx.IGraphProto = {
    name: `gd_${spec.parameterisation}_${spec.steps}`,
    node: g.nodes,
    input: inputs,
    output: outputs,
  };
  return encodeModel(graph);
}

/** The serialised model of one graph (opset 17). */
function encodeModel(graph: onnx.IGraphProto): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'pruneproof',
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

/** The axis argument of a row sum (ReduceSum takes its axes as an input tensor from opset 13). */
const AXIS_1 = {
  name: 'axis_1',
  dataType: onnx.TensorProto.DataType.INT64,
  dims: [1],
  int64Data: [1],
} satisfies onnx.ITensorProto;

/** Sums each row of `input` (… × C → …), writing `output`. */
function rowSums(g: GraphBuilder, input: string, output: string): string {
  return g.node('ReduceSum', [input, AXIS_1.name], [intAttribute('keepdims', 0)], output);
}

export interface GramGraphSpec {
  precision: Precision;
  m: number;
  d: number;
  N: number;
  C: number;
}

export const GRAM_NAMES = {
  x: 'X',
  y: 'Y',
  w: 'W',
  outWeights: 'Vs',
  activations: 'A',
  gram: 'G',
  projections: 'P',
} as const;

/**
 * A checkpoint's features as one graph: A = ReLU(X Wᵀ) (m×N) and, with Ṽ = neuronScale·v (N×C),
 *   G = (AᵀA) ⊙ (Ṽ Ṽᵀ)   (N×N, G_rs = ⟨Φ_r, Φ_s⟩)   and   P = rowsum((Aᵀ Y) ⊙ Ṽ)   (N, P_r = ⟨Φ_r, y⟩).
 */
export function buildGramGraph(spec: GramGraphSpec): Uint8Array {
  const elemType = elementType(spec.precision);
  const g = new GraphBuilder();
  const n = GRAM_NAMES;
  const a = activationsOf(g, n.x, n.w, n.activations);
  const activationProducts = g.node('Gemm', [a, a], [intAttribute('transA', 1)]);
  const weightProducts = g.node('Gemm', [n.outWeights, n.outWeights], [intAttribute('transB', 1)]);
  g.node('Mul', [activationProducts, weightProducts], [], n.gram);
  const projected = g.node('Mul', [g.node('Gemm', [a, n.y], [intAttribute('transA', 1)]), n.outWeights]);
  rowSums(g, projected, n.projections);
  const graph: onnx.IGraphProto = {
    name: 'feature_gram',
    node: g.nodes,
    input: [
      valueInfo(n.x, elemType, [spec.m, spec.d]),
      valueInfo(n.y, elemType, [spec.m, spec.C]),
      valueInfo(n.w, elemType, [spec.N, spec.d]),
      valueInfo(n.outWeights, elemType, [spec.N, spec.C]),
    ],
    output: [
      valueInfo(n.activations, elemType, [spec.m, spec.N]),
      valueInfo(n.gram, elemType, [spec.N, spec.N]),
      valueInfo(n.projections, elemType, [spec.N]),
    ],
    initializer: [AXIS_1],
  };
  return encodeModel(graph);
}

export interface OperatorGraphSpec extends GramGraphSpec {
  parameterisation: Parameterisation;
}

export const OPERATOR_NAMES = {
  x: 'X',
  w: 'W',
  v: 'V',
  outputScale: 'c',
  activations: 'A',
  q: 'Q',
  product: 'KQ',
} as const;

/** A = ReLU(X Wᵀ) (m×N): what the linearised operator's products reuse at every call. */
export function buildActivationGraph(spec: GramGraphSpec): Uint8Array {
  const elemType = elementType(spec.precision);
  const g = new GraphBuilder();
  const n = OPERATOR_NAMES;
  activationsOf(g, n.x, n.w, n.activations);
  return encodeModel({
    name: 'activations',
    node: g.nodes,
    input: [valueInfo(n.x, elemType, [spec.m, spec.d]), valueInfo(n.w, elemType, [spec.N, spec.d])],
    output: [valueInfo(n.activations, elemType, [spec.m, spec.N])],
  });
}

/**
 * K·Q = J(JᵀQ) for the linearised GD operator of src/model/stability.ts at fixed weights, with A = ReLU(X Wᵀ)
 * given and D = 1[A > 0] = sign(A), S = c Q:
 *   dW = ((S Vᵀ) ⊙ D)ᵀ X,  dV = Aᵀ S ('meanfield' only),  K·Q = c (((X dWᵀ) ⊙ D) V + A dV).
 * These are backprop.ts's vjp and jvp, two m·d·N products per call.
 */
export function buildOperatorGraph(spec: OperatorGraphSpec): Uint8Array {
  const elemType = elementType(spec.precision);
  const g = new GraphBuilder();
  const n = OPERATOR_NAMES;
  const mask = g.node('Sign', [n.activations]);
  const scaled = g.node('Mul', [n.q, n.outputScale]);
  const hidden = g.node('Mul', [g.node('Gemm', [scaled, n.v], [intAttribute('transB', 1)]), mask]);
  const dW = g.node('Gemm', [hidden, n.x], [intAttribute('transA', 1)]);
  const moved = g.node('Mul', [g.node('Gemm', [n.x, dW], [intAttribute('transB', 1)]), mask]);
  let du = g.node('MatMul', [moved, n.v]);
  if (spec.parameterisation === 'meanfield') {
    const dV = g.node('Gemm', [n.activations, scaled], [intAttribute('transA', 1)]);
    du = g.node('Add', [du, g.node('MatMul', [n.activations, dV])]);
  }
  g.node('Mul', [du, n.outputScale], [], n.product);
  return encodeModel({
    name: `operator_${spec.parameterisation}`,
    node: g.nodes,
    input: [
      valueInfo(n.x, elemType, [spec.m, spec.d]),
      valueInfo(n.activations, elemType, [spec.m, spec.N]),
      valueInfo(n.v, elemType, [spec.N, spec.C]),
      valueInfo(n.outputScale, elemType, []),
      valueInfo(n.q, elemType, [spec.m, spec.C]),
    ],
    output: [valueInfo(n.product, elemType, [spec.m, spec.C])],
  });
}

export interface HullGraphSpec {
  m: number;
  N: number;
  C: number;
}

export const HULL_NAMES = { a: 'A', outWeights: 'Vs', y: 'Y', p: 'P', residual: 'Res', projected: 'Proj' } as const;

/**
 * The hull solver's two products with Φ (src/kernel/hull.ts), in float64, one graph per call:
 *   Res = A (p ⊙ Ṽ) − Y  (m×C, Φp − y)   and   Proj = rowsum((Aᵀ Res) ⊙ Ṽ)  (N, Φᵀ(Φp − y)).
 */
export function buildHullGraph(spec: HullGraphSpec): Uint8Array {
  const double = onnx.TensorProto.DataType.DOUBLE;
  const g = new GraphBuilder();
  const n = HULL_NAMES;
  const weighted = g.node('Mul', [n.p, n.outWeights]); // P is N×1: p_r·Ṽ[r, :]
  const residual = g.node('Sub', [g.node('MatMul', [n.a, weighted]), n.y], [], n.residual);
  const back = g.node('Mul', [g.node('Gemm', [n.a, residual], [intAttribute('transA', 1)]), n.outWeights]);
  rowSums(g, back, n.projected);
  const graph: onnx.IGraphProto = {
    name: 'hull_products',
    node: g.nodes,
    input: [
      valueInfo(n.a, double, [spec.m, spec.N]),
      valueInfo(n.outWeights, double, [spec.N, spec.C]),
      valueInfo(n.y, double, [spec.m, spec.C]),
      valueInfo(n.p, double, [spec.N, 1]),
    ],
    output: [valueInfo(n.residual, double, [spec.m, spec.C]), valueInfo(n.projected, double, [spec.N])],
    initializer: [AXIS_1],
  };
  return encodeModel(graph);
}
