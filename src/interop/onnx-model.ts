/**
 * Two-layer ReLU networks as ONNX models, read with onnx-proto.
 *
 * In: the graph torch.onnx.export writes for nn.Sequential(Linear(d, N, bias=False), ReLU(), Linear(N, C,
 * bias=False)) — x → MatMul or Gemm (either transB) → Relu → MatMul or Gemm → output, with no bias or an all-zero
 * one (a Gemm's C, or an Add of a zero initializer); a Gemm's alpha is folded into its weights and Identity nodes
 * are passed through. Weights are initializers or Constant nodes (Identity of one is followed). Names are never matched: the one graph input that is not an initializer is x, and the chain is
 * followed from it. Anything else is a WeightsError naming the node or initializer that does not fit.
 *
 * The scale rule: the model computes f exactly, so the 1/√N ('ntk') or 1/N ('meanfield') factor is folded into
 * the second layer's weights V; a = √N·V must be ±1 within float32 rounding (then exactly ±1), b = N·V.
 *
 * Out: the subnetwork of a multiset selection S of size n, f_S(x) = (1/n) Σ_{r∈S} Φ_r(x), as
 * x → Gemm(W_S, transB = 1) → Relu → MatMul(V_S) with one row per distinct neuron and V_S[r] = count_r·ṽ_r/n
 * (ṽ_r = neuronScale·v_r): read back with --parameterisation meanfield it is a width-k network with the same f.
 */
import { onnx } from 'onnx-proto';
import { WeightsError } from '../model/io';
import { neuronScale, type Parameterisation, type TwoLayerWeights } from '../model/types';

/** How far √N·V may be from ±1 for 'ntk' (float32 rounding of a_r/√N, with room for one more rounding). */
export const NTK_SIGN_TOLERANCE = 1e-6;

type Fail = (why: string) => never;

/** A constant tensor of the graph: its name, shape and values as float64. */
interface Constant {
  name: string;
  dims: number[];
  values: Float64Array;
}

const { DataType } = onnx.TensorProto;

function tensorValues(t: onnx.ITensorProto, fail: Fail): Float64Array {
  const name = t.name ?? '';
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL)
    fail(`initializer '${name}' keeps its data in an external file: save the model with its weights inside`);
  const count = (t.dims ?? []).reduce<number>((a, b) => a * Number(b), 1);
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : null;
  if (t.dataType === DataType.FLOAT || t.dataType === DataType.DOUBLE) {
    const size = t.dataType === DataType.FLOAT ? 4 : 8;
    if (raw) {
      if (raw.length !== count * size) fail(`initializer '${name}' holds ${raw.length} bytes for ${count} values`);
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      return Float64Array.from({ length: count }, (_, i) =>
        size === 4 ? view.getFloat32(4 * i, true) : view.getFloat64(8 * i, true),
      );
    }
    const list = (t.dataType === DataType.FLOAT ? t.floatData : t.doubleData) ?? [];
    if (list.length !== count)
      fail(`initializer '${name}' holds ${list.length} values for shape [${t.dims?.join(', ')}]`);
    return Float64Array.from(list);
  }
  const type = DataType[t.dataType ?? 0] ?? String(t.dataType);
  return fail(`initializer '${name}' has element type ${type}; only FLOAT and DOUBLE weights are read`);
}

function constantOf(t: onnx.ITensorProto, name: string, fail: Fail): Constant {
  return { name, dims: (t.dims ?? []).map(Number), values: tensorValues({ ...t, name }, fail) };
}

function attribute(node: onnx.INodeProto, name: string): onnx.IAttributeProto | undefined {
  return (node.attribute ?? []).find((a) => a.name === name);
}

function describeNode(node: onnx.INodeProto): string {
  return `node '${node.name || node.output?.[0] || '?'}' (${node.opType})`;
}

/** The graph's constants: initializers, Constant nodes, and Identity nodes of either. */
function collectConstants(graph: onnx.IGraphProto, fail: Fail): Map<string, Constant> {
  const constants = new Map<string, Constant>();
  for (const t of graph.initializer ?? []) constants.set(t.name ?? '', constantOf(t, t.name ?? '', fail));
  for (const node of graph.node ?? []) {
    const output = node.output?.[0] ?? '';
    if (node.opType === 'Constant') {
      const value = attribute(node, 'value')?.t;
      if (!value) fail(`${describeNode(node)} holds no tensor 'value'`);
      constants.set(output, constantOf(value!, output, fail));
    } else if (node.opType === 'Identity' && constants.has(node.input?.[0] ?? '')) {
      constants.set(output, constants.get(node.input![0])!);
    }
  }
  return constants;
}

/** A linear layer as an out×in matrix (row-major) and the node(s) it came from. */
interface Linear {
  rows: number;
  cols: number;
  matrix: Float64Array;
  weightName: string;
}

function transpose(values: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = values[i * cols + j];
  return out;
}

function requireZeroBias(bias: Constant, node: onnx.INodeProto, fail: Fail): void {
  let largest = 0;
  for (const v of bias.values) largest = Math.max(largest, Math.abs(v));
  if (largest !== 0)
    fail(
      `initializer '${bias.name}' is a nonzero bias of ${describeNode(node)} (max |b| = ${largest}); the network has no biases: export Linear(..., bias=False)`,
    );
}

function weightMatrix(constants: Map<string, Constant>, name: string, node: onnx.INodeProto, fail: Fail): Constant {
  const weight = constants.get(name);
  if (!weight) return fail(`${describeNode(node)}: its weight '${name}' is not an initializer or constant`);
  if (weight.dims.length !== 2)
    fail(`initializer '${name}' of ${describeNode(node)} has shape [${weight.dims.join(', ')}], expected a matrix`);
  return weight;
}

/** The layer of a MatMul or Gemm node applied to `current` (the previous value in the chain). */
function linearLayer(node: onnx.INodeProto, current: string, constants: Map<string, Constant>, fail: Fail): Linear {
  const [a, b, c] = node.input ?? [];
  if (a !== current) fail(`${describeNode(node)} multiplies '${b}' by the data; expected data × weights`);
  const weight = weightMatrix(constants, b, node, fail);
  const [rows, cols] = weight.dims;
  if (node.opType === 'MatMul')
    return { rows: cols, cols: rows, matrix: transpose(weight.values, rows, cols), weightName: b };
  const int = (name: string, fallback: number) => Number(attribute(node, name)?.i ?? fallback);
  const float = (name: string, fallback: number) => attribute(node, name)?.f ?? fallback;
  if (int('transA', 0) !== 0) fail(`${describeNode(node)} has transA = 1; expected the data untransposed`);
  // Y = alpha·A·B (+ beta·C, zero here): alpha belongs to the weights.
  const alpha = float('alpha', 1);
  const values = alpha === 1 ? weight.values : weight.values.map((v) => v * alpha);
  if (c) {
    const bias = constants.get(c);
    if (!bias) fail(`${describeNode(node)}: its bias '${c}' is not an initializer or constant`);
    requireZeroBias(bias!, node, fail);
  }
  return int('transB', 0) === 1
    ? { rows, cols, matrix: values, weightName: b }
    : { rows: cols, cols: rows, matrix: transpose(values, rows, cols), weightName: b };
}

/** The nodes of the chain from the graph's data input, skipping zero-bias Adds. */
function followChain(graph: onnx.IGraphProto, constants: Map<string, Constant>, fail: Fail) {
  const inputs = (graph.input ?? []).map((i) => i.name ?? '').filter((name) => !constants.has(name));
  if (inputs.length !== 1)
    fail(`expected one data input (the rest initializers), found ${inputs.length}: [${inputs.join(', ')}]`);
  const consumers = (name: string) =>
    (graph.node ?? []).filter((n) => (n.input ?? []).includes(name) && !isConstantNode(n, constants));
  const layers: Linear[] = [];
  const ops: string[] = [];
  let current = inputs[0];
  for (;;) {
    const next = consumers(current);
    if (next.length === 0) break;
    if (next.length > 1)
      fail(`'${current}' feeds ${next.length} nodes (${next.map(describeNode).join(', ')}); expected a chain`);
    const node = next[0];
    if ((node.domain ?? '') !== '' && node.domain !== 'ai.onnx')
      fail(`${describeNode(node)} is from domain '${node.domain}'`);
    if (node.opType === 'Identity') {
      // passes the data on unchanged
    } else if (node.opType === 'MatMul' || node.opType === 'Gemm') {
      layers.push(linearLayer(node, current, constants, fail));
      ops.push('linear');
    } else if (node.opType === 'Relu') ops.push('relu');
    else if (node.opType === 'Add') {
      const other = (node.input ?? []).find((i) => i !== current) ?? '';
      const bias = constants.get(other);
      if (!bias) fail(`${describeNode(node)} adds '${other}', which is not an initializer`);
      requireZeroBias(bias!, node, fail);
    } else
      fail(`${describeNode(node)} does not fit a two-layer ReLU MLP (expected MatMul or Gemm, Relu, MatMul or Gemm)`);
    current = node.output?.[0] ?? '';
  }
  if (ops.join(',') !== 'linear,relu,linear')
    fail(`the graph computes ${ops.join(' → ') || 'nothing'} from its input; expected linear → relu → linear`);
  const outputs = (graph.output ?? []).map((o) => o.name);
  if (outputs.length !== 1 || outputs[0] !== current)
    fail(`expected one graph output, the second layer's '${current}'; found [${outputs.join(', ')}]`);
  return { input: inputs[0], layers };
}

function isConstantNode(node: onnx.INodeProto, constants: Map<string, Constant>): boolean {
  return node.opType === 'Constant' || (node.opType === 'Identity' && constants.has(node.output?.[0] ?? ''));
}

function toFloat32(values: Float64Array, what: string, fail: Fail): Float32Array {
  const out = Float32Array.from(values);
  const bad = out.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) fail(`${what}[${bad}] = ${values[bad]} is not a finite float32`);
  return out;
}

/** Reads a two-layer ReLU MLP from ONNX bytes; `source` (the file name) prefixes every error. */
export function weightsFromOnnx(
  bytes: Uint8Array,
  source: string,
  parameterisation: Parameterisation,
): TwoLayerWeights {
  const fail: Fail = (why) => {
    throw new WeightsError(`${source}: ${why}`);
  };
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    return fail(`not an ONNX model (${(e as Error).message})`);
  }
  if (!model.graph) return fail('not an ONNX model (no graph)');
  const constants = collectConstants(model.graph, fail);
  const { layers } = followChain(model.graph, constants, fail);
  const [hidden, output] = layers;
  const width = hidden.rows;
  if (output.cols !== width)
    fail(`initializer '${output.weightName}' takes ${output.cols} inputs, but the first layer has ${width} neurons`);
  // v[r][c] = V[c][r] times the scale, from the out×in matrix of the second layer.
  const outputs = output.rows;
  const scale = parameterisation === 'ntk' ? Math.sqrt(width) : width;
  const v = new Float64Array(width * outputs);
  for (let r = 0; r < width; r++) {
    for (let c = 0; c < outputs; c++) {
      const value = output.matrix[c * width + r] * scale;
      if (parameterisation === 'ntk') {
        if (Math.abs(Math.abs(value) - 1) > NTK_SIGN_TOLERANCE)
          fail(
            `initializer '${output.weightName}': √N·V = ${value} for neuron ${r}, output ${c}; --parameterisation ntk needs a_r = ±1 (second-layer weights ±1/√N with N = ${width})`,
          );
        v[r * outputs + c] = Math.sign(value);
      } else v[r * outputs + c] = value;
    }
  }
  return {
    parameterisation,
    width,
    inputDim: hidden.cols,
    outputs,
    w: toFloat32(hidden.matrix, `initializer '${hidden.weightName}' (W)`, fail),
    v: toFloat32(v, `initializer '${output.weightName}' times the scale`, fail),
  };
}

/** The distinct neurons of a selection with their counts, by increasing index. */
function counts(selection: readonly number[]): Array<[number, number]> {
  const map = new Map<number, number>();
  for (const r of selection) map.set(r, (map.get(r) ?? 0) + 1);
  return [...map.entries()].sort((a, b) => a[0] - b[0]);
}

function floatTensor(name: string, dims: number[], values: Float32Array): onnx.ITensorProto {
  return {
    name,
    dataType: DataType.FLOAT,
    dims,
    rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  };
}

function floatValueInfo(name: string, dims: Array<number | string>): onnx.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim } } } };
}

/** The ONNX model (opset 13) of the subnetwork f_S = (1/n) Σ_{r∈S} Φ_r, multiplicities honoured. */
export function subnetworkToOnnx(weights: TwoLayerWeights, selection: readonly number[]): Uint8Array {
  const { inputDim: d, outputs: C } = weights;
  const distinct = counts(selection);
  const k = distinct.length;
  const scale = neuronScale(weights) / selection.length;
  const w = new Float32Array(k * d);
  const v = new Float32Array(k * C);
  distinct.forEach(([r, count], i) => {
    w.set(weights.w.subarray(r * d, (r + 1) * d), i * d);
    for (let c = 0; c < C; c++) v[i * C + c] = count * scale * weights.v[r * C + c];
  });
  const graph: onnx.IGraphProto = {
    name: 'pruned_subnetwork',
    node: [
      {
        opType: 'Gemm',
        input: ['x', 'W'],
        output: ['preactivation'],
        name: 'hidden',
        attribute: [{ name: 'transB', i: 1, type: onnx.AttributeProto.AttributeType.INT }],
      },
      { opType: 'Relu', input: ['preactivation'], output: ['activation'], name: 'relu' },
      { opType: 'MatMul', input: ['activation', 'V'], output: ['y'], name: 'output' },
    ],
    initializer: [floatTensor('W', [k, d], w), floatTensor('V', [k, C], v)],
    input: [floatValueInfo('x', ['batch', d])],
    output: [floatValueInfo('y', ['batch', C])],
  };
  const model = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'pruneproof',
    docString: `pruned subnetwork: ${k} distinct of N = ${weights.width} neurons, n = ${selection.length} picks`,
    metadataProps: [
      { key: 'selection', value: JSON.stringify(selection) },
      { key: 'parameterisation', value: weights.parameterisation },
      { key: 'width', value: String(weights.width) },
    ],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}
