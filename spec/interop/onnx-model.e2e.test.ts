/**
 * ONNX models written by the `onnx` package's helper API (Debian's python3-onnx), the way exporters lay them out:
 * every accepted layout reads back to the same weights, and every model that is not a bias-free two-layer ReLU MLP
 * (or breaks the ntk scale rule) is a WeightsError naming the node, initializer or value.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readWeights } from '../../src/interop/files';
import { Rng } from '../../src/rng';
import type { Parameterisation } from '../../src/model/types';
import { requireOnnxPython, runPython } from './python/require-python';

const WRITER = resolve(__dirname, '../fixtures/interop/write_mlp_onnx.py');
let python: string;
let dir: string;

beforeAll(() => {
  python = requireOnnxPython();
  dir = mkdtempSync(join(tmpdir(), 'pruneproof-onnx-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const N = 6;
const d = 3;
const C = 2;
const rng = new Rng(7);
const W = Array.from({ length: N }, () => Array.from({ length: d }, () => Math.fround(rng.normal())));
const signs = Array.from({ length: C }, () => Array.from({ length: N }, () => (rng.uniform() < 0.5 ? -1 : 1)));
const b = Array.from({ length: C }, () => Array.from({ length: N }, () => Math.fround(rng.normal())));

/** The model file of `variant` with second-layer weights V (C×N, PyTorch's layout). */
function model(variant: string, V: number[][], extra: Record<string, unknown> = {}): string {
  const spec = join(dir, `${variant}-spec.json`);
  const out = join(dir, `${variant}-${Object.keys(extra).join('-')}.onnx`);
  writeFileSync(spec, JSON.stringify({ W, V, variant, ...extra }));
  runPython(python, readFileSync(WRITER, 'utf8'), [spec, out]);
  return out;
}

/** a_r/√N in float32, as PyTorch stores an ntk network's second layer. */
const ntkV = () => signs.map((row) => row.map((a) => Math.fround(a / Math.fround(Math.sqrt(N)))));

function expectWeights(path: string, parameterisation: Parameterisation, v: number[][]): void {
  const weights = readWeights(path, parameterisation);
  expect([weights.parameterisation, weights.width, weights.inputDim, weights.outputs]).toEqual([
    parameterisation,
    N,
    d,
    C,
  ]);
  expect(Array.from(weights.w)).toEqual(W.flat());
  // v is N×C: v[r][c] = scale · V[c][r].
  expect(Array.from(weights.v)).toEqual(Array.from({ length: N }, (_, r) => v.map((row) => row[r])).flat());
}

describe('reading a two-layer ReLU MLP from ONNX', () => {
  it.each([
    ['gemm-transB', 'Gemm(transB = 1) both layers, weights in raw_data', {}],
    ['gemm', 'Gemm(transB = 0), weights stored transposed in float_data', {}],
    ['matmul', 'MatMul with onnx::MatMul_ initializers, input named "x"', { input: 'x' }],
    ['constant', 'MatMul with Constant nodes for weights', {}],
    ['zero-bias', 'Gemm with all-zero biases', {}],
    ['matmul-add-zero', 'MatMul + Add of a zero bias', {}],
    ['gemm-transB', 'float64 weights', { double: true }],
    ['alpha-identity', 'Gemm alpha = 2 on halved weights, Identity nodes on the data path', {}],
  ])('%s (%s): ntk a = ±1 exactly, the same W', (variant, _what, extra) => {
    expectWeights(model(variant, ntkV(), extra), 'ntk', signs);
  });

  it('meanfield: b = N·V (float32 rounding of the stored b/N only)', () => {
    const V = b.map((row) => row.map((x) => Math.fround(x / N)));
    const weights = readWeights(model('matmul', V, { input: 'features' }), 'meanfield');
    const expected = Array.from({ length: N }, (_, r) => b.map((row) => row[r])).flat();
    Array.from(weights.v).forEach((x, i) =>
      expect(Math.abs(x - expected[i])).toBeLessThanOrEqual(2e-7 * Math.abs(expected[i])),
    );
  });

  it('exit-2 errors name what does not fit: a nonzero bias, another activation, a third layer, ntk weights that are not ±1/√N, no --parameterisation', () => {
    expect(() => readWeights(model('nonzero-bias', ntkV()), 'ntk')).toThrow(
      /initializer '0.bias' is a nonzero bias of node 'Gemm_0' \(Gemm\) \(max \|b\| = 0.5\)/,
    );
    expect(() => readWeights(model('sigmoid', ntkV()), 'ntk')).toThrow(
      /node 'Sigmoid_1' \(Sigmoid\) does not fit a two-layer ReLU MLP/,
    );
    expect(() => readWeights(model('three-layers', ntkV()), 'ntk')).toThrow(
      /the graph computes linear → relu → linear → relu → linear from its input; expected linear → relu → linear/,
    );
    const scaled = ntkV().map((row) => row.map((x) => x * 0.9));
    expect(() => readWeights(model('gemm-transB', scaled), 'ntk')).toThrow(
      /initializer '2.weight': √N·V = -?0\.[89]\d* for neuron 0, output 0; --parameterisation ntk needs a_r = ±1/,
    );
    expect(() => readWeights(model('gemm-transB', ntkV()))).toThrow(/pass --parameterisation ntk or meanfield/);
    const notOnnx = join(dir, 'not.onnx');
    writeFileSync(notOnnx, 'hello');
    expect(() => readWeights(notOnnx, 'ntk')).toThrow(/not.onnx: not an ONNX model/);
  });
});
