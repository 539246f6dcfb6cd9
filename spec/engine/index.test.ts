import { initBackend } from '../../src/backend';
import {
  engineKey,
  EngineUnavailableError,
  createTfjsEngine,
  describeEngine,
  engineSummary,
  parseEngineName,
  selectEngine,
  trainOnEngine,
} from '../../src/engine';
import { problem } from '../model/fixtures';

beforeAll(async () => {
  await initBackend();
});

afterEach(() => {
  delete process.env.PRUNEPROOF_ENGINE;
});

describe('selectEngine', () => {
  it('picks onnx by default here (onnxruntime-node loads), and describes it for reports', async () => {
    const engine = await selectEngine(undefined, { threads: 1 });
    expect(describeEngine(engine)).toEqual({ name: 'onnx', version: '1.30.0', threads: 1, precision: 'float32' });
    expect(engineSummary(describeEngine(engine))).toBe('onnx (onnxruntime-node 1.30.0, 1 thread, float32)');
    await engine.dispose();
  });

  it('PRUNEPROOF_ENGINE forces an engine; an explicit name wins over it', async () => {
    process.env.PRUNEPROOF_ENGINE = 'tfjs';
    const fromEnv = await selectEngine();
    expect(fromEnv.description.name).toBe('tfjs');
    expect(fromEnv.description.precision).toBe('float32');
    expect((await selectEngine('onnx')).description.name).toBe('onnx');
    process.env.PRUNEPROOF_ENGINE = 'numpy';
    await expect(selectEngine()).rejects.toThrow(
      "PRUNEPROOF_ENGINE: unknown engine 'numpy' (expected one of onnx, tfjs, auto)",
    );
  });

  it('float64 on tfjs is an EngineUnavailableError (tfjs has no float64); auto with float64 gives onnx', async () => {
    const error = await createTfjsEngine({ precision: 'float64' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineUnavailableError);
    expect((error as Error).message).toMatch(/^engine 'tfjs' cannot be used: tfjs has no float64/);
    await expect(selectEngine('tfjs', { precision: 'float64' })).rejects.toBeInstanceOf(EngineUnavailableError);
    expect((await selectEngine('auto', { precision: 'float64' })).description).toMatchObject({
      name: 'onnx',
      precision: 'float64',
    });
  });

  it('rejects an unknown name and a bad thread count before loading anything', async () => {
    expect(() => parseEngineName('gpu', '--engine')).toThrow("--engine: unknown engine 'gpu'");
    await expect(selectEngine('onnx', { threads: 0 })).rejects.toThrow('threads must be a positive integer, got 0');
  });
});

describe('engineKey', () => {
  it('names the engine and its precision, so runs on different engines or precisions never share a stored key', () => {
    const onnx = { name: 'onnx', version: '1', threads: 1, precision: 'float32' } as const;
    expect(engineKey(onnx)).toBe('onnx/float32');
    expect(engineKey({ ...onnx, precision: 'float64' })).not.toBe(engineKey(onnx));
    expect(engineKey({ ...onnx, name: 'tfjs' })).toBe('tfjs/float32');
  });
});

describe('trainOnEngine', () => {
  it('trains on a host dataset and validates its shapes against the network, naming the field', async () => {
    const { dataset, data, weights } = problem('ntk', { m: 6, d: 3, width: 10, outputs: 1 });
    data.dispose();
    const engine = await selectEngine('onnx', { threads: 1 });
    const result = await trainOnEngine(engine, weights, dataset, { eta: 0.1, iterations: 3, checkpoints: [0, 3] });
    expect(result.residuals).toHaveLength(4);
    expect(result.stability.eta).toBe(0.1);
    await expect(trainOnEngine(engine, weights, { ...dataset, d: 4 }, { eta: 0.1, iterations: 1 })).rejects.toThrow(
      "train (onnx): data.d = 4 but the network's inputDim is 3",
    );
    await expect(trainOnEngine(engine, weights, dataset, { eta: -1, iterations: 1 })).rejects.toThrow(
      'train (onnx): eta must be a finite number > 0, got -1',
    );
    await engine.dispose();
  });
});

describe('engine.train bookkeeping matches trainNetwork', () => {
  it.each([0, 1, 13])(
    'T = %i: same checkpoint times (default log-spaced), progress calls and callback order on both engines',
    async (T) => {
      const { dataset, data, weights } = problem('meanfield', { m: 8, d: 3, width: 12, outputs: 2 }, 3);
      data.dispose();
      const trace = async (name: 'onnx' | 'tfjs') => {
        const events: string[] = [];
        const engine = await selectEngine(name, { threads: 1 });
        const result = await engine.train(weights, dataset, {
          eta: 0.2,
          iterations: T,
          onCheckpoint: (c) => events.push(`checkpoint ${c.t}`),
          onProgress: (done, total) => events.push(`progress ${done}/${total}`),
        });
        await engine.dispose();
        expect(result.residuals).toHaveLength(T + 1);
        expect(result.checkpoints[result.checkpoints.length - 1].weights).toBe(result.final);
        return events;
      };
      expect(await trace('onnx')).toEqual(await trace('tfjs'));
    },
  );
});
