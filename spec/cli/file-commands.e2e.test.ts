/**
 * `kernel` and `prune` on files other tools write: a dataset as .npz from NumPy and the network as ONNX from the
 * onnx package give the same λ0, λ_max(H(0)) and greedy picks as the equivalent JSON files; `prune` takes a Python
 * pruner and exports the subnetwork as ONNX; bad files are exit 2 naming what is wrong.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeDatasetFile } from '../../src/data/io';
import { generateSynthetic } from '../../src/data/synthetic';
import { initNetwork } from '../../src/model/init';
import { writeWeightsFile } from '../../src/model/io';
import type { Parameterisation } from '../../src/model/types';
import { Rng } from '../../src/rng';
import { requireOnnxPython, requirePythonWithNumpy, runPython } from '../interop/python/require-python';
import { runCli } from './capture';

const WRITER = resolve(__dirname, '../fixtures/interop/write_mlp_onnx.py');
let dir: string;
let python: string;
let onnxPython: string;

beforeAll(() => {
  python = requirePythonWithNumpy();
  onnxPython = requireOnnxPython();
  dir = mkdtempSync(join(tmpdir(), 'pruneproof-files-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const m = 40;
const d = 5;
/** A power of two: b = N·(b/N) is exact in float32, so mean-field files agree to the bit too. */
const N = 16;

/** The same dataset and network as JSON, and as .npz (NumPy) and ONNX (onnx.helper). */
function writeBoth(parameterisation: Parameterisation, compressed: boolean) {
  const tag = `${parameterisation}-${compressed}`;
  const ds = generateSynthetic({ m, d, labels: 'teacher', seed: 11 });
  const weights = initNetwork({ parameterisation, width: N, inputDim: d, outputs: 1, rng: new Rng(3) });
  const json = { data: join(dir, `${tag}-data.json`), weights: join(dir, `${tag}-weights.json`) };
  writeDatasetFile(json.data, ds);
  writeWeightsFile(json.weights, weights);
  const other = { data: join(dir, `${tag}-data.npz`), weights: join(dir, `${tag}-model.onnx`) };
  runPython(
    python,
    `import json, sys, numpy as np
ds = json.load(open(sys.argv[1]))
save = np.savez_compressed if sys.argv[3] == "true" else np.savez
save(sys.argv[2], x=np.array(ds["x"], dtype=np.float32), y=np.array(ds["y"], dtype=np.float64))`,
    [json.data, other.data, String(compressed)],
  );
  // The second layer as PyTorch stores it: (C, N), the 1/√N or 1/N folded in, in float32.
  const spec = join(dir, `${tag}-spec.json`);
  runPython(
    python,
    `import json, sys, numpy as np
w = json.load(open(sys.argv[1]))
N = len(w["W"])
out = np.array(w.get("a", w.get("b")), dtype=np.float32).reshape(N, -1)
scale = np.float32(np.sqrt(N)) if w["parameterisation"] == "ntk" else np.float32(N)
json.dump({"W": w["W"], "V": (out / scale).T.tolist(), "variant": "matmul", "input": "onnx::input"}, open(sys.argv[2], "w"))`,
    [json.weights, spec],
  );
  runPython(onnxPython, readFileSync(WRITER, 'utf8'), [spec, other.weights]);
  return { json, other };
}

async function cliJson(args: string[]): Promise<Record<string, unknown>> {
  const { code, out, err } = await runCli(args);
  if (code !== 0) throw new Error(`exit ${code}: ${err}`);
  return JSON.parse(out) as Record<string, unknown>;
}

describe('kernel and prune on .npz and ONNX files', () => {
  it.each([
    ['ntk', false],
    ['meanfield', true],
  ] as const)(
    '%s (savez_compressed %s): the same λ0, λ_max(H(0)) and greedy picks as the equivalent JSON files',
    async (parameterisation, compressed) => {
      const { json, other } = writeBoth(parameterisation, compressed);
      const p = ['--parameterisation', parameterisation];
      const kernelJson = await cliJson(['kernel', '--data', json.data, '--weights', json.weights]);
      const kernelOther = await cliJson(['kernel', '--data', other.data, '--weights', other.weights, ...p]);
      for (const key of ['m', 'd', 'lambda0', 'lambdaMaxInfinity', 'lambdaMaxH0', 'stabilityLimit'])
        expect([key, kernelOther[key]]).toEqual([key, kernelJson[key]]);
      const pruneJson = await cliJson(['prune', '--data', json.data, '--weights', json.weights, '--n', '12']);
      const pruneOther = await cliJson(['prune', '--data', other.data, '--weights', other.weights, ...p, '--n', '12']);
      expect(pruneOther.selection).toEqual(pruneJson.selection);
      expect(pruneOther.measuredLoss).toBe(pruneJson.measuredLoss);
    },
  );

  it('prune --pruner greedy_pruner.py picks what greedy picks; --export writes the subnetwork once, never over a file', async () => {
    const { json } = writeBoth('ntk', false);
    const base = ['prune', '--data', json.data, '--weights', json.weights, '--n', '20'];
    const builtin = await cliJson(base);
    const exported = join(dir, 'sub.onnx');
    const python = await cliJson([...base, '--pruner', 'examples/pruners/greedy_pruner.py', '--export', exported]);
    expect(python.pruner).toBe('numpy-greedy');
    expect(python.selection).toEqual(builtin.selection);
    expect(python.measuredLoss).toBe(builtin.measuredLoss);
    expect(python.export).toBe(exported);
    expect(readFileSync(exported).length).toBeGreaterThan(0);
    const again = await runCli([...base, '--export', exported]);
    expect(again.code).toBe(2);
    expect(again.err).toContain(`--export: ${exported} exists; pass --force to replace it`);
    expect((await runCli([...base, '--export', exported, '--force'])).code).toBe(0);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('exit 2 naming the problem: a missing array, an ONNX model without --parameterisation, a Python pruner that raises', async () => {
    const { json, other } = writeBoth('ntk', false);
    const noY = join(dir, 'no-y.npz');
    runPython(python, `import sys, numpy as np\nnp.savez(sys.argv[1], x=np.ones((3, 2)), labels=np.ones(3))`, [noY]);
    const missing = await runCli(['kernel', '--data', noY]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain(`pruneproof: error: ${noY}: missing array 'y' (found: x, labels)`);
    const noP = await runCli(['kernel', '--data', json.data, '--weights', other.weights]);
    expect(noP.code).toBe(2);
    expect(noP.err).toContain('pass --parameterisation ntk or meanfield');
    const exported = join(dir, 'never.onnx');
    const raising = resolve(__dirname, '../fixtures/pruners/raises.py');
    const raised = await runCli([
      'prune',
      '--data',
      json.data,
      '--weights',
      json.weights,
      '--n',
      '3',
      '--pruner',
      raising,
      '--export',
      exported,
    ]);
    expect(raised.code).toBe(2);
    expect(raised.err).toMatch(
      /the pruner 'raises' .* failed: ValueError: features of shape \(16, 40, 1\) are not what this pruner expects/,
    );
    expect(existsSync(exported)).toBe(false);
  });
});
