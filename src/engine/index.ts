/**
 * Engine selection: 'onnx' (onnxruntime-node, the default when it loads) or 'tfjs' (the reference,
 * the src/model/train.ts path). `PRUNEPROOF_ENGINE=onnx|tfjs|auto` or the name argument
 * forces one; a forced engine that cannot load, or float64 on tfjs, throws EngineUnavailableError
 * (the CLI maps it to exit 2), never a silent fallback.
 */
import type { TrainOptions, TrainResult } from '../model/train';
import type { TwoLayerWeights } from '../model/types';
import { createOnnxEngine } from './onnx';
import { createTfjsEngine } from './tfjs';
import {
  ENGINE_NAMES,
  EngineUnavailableError,
  type Engine,
  type EngineData,
  type EngineDescription,
  type EngineName,
  type EngineOptions,
} from './types';

export * from './types';
export { createOnnxEngine, MAX_UNROLL } from './onnx';
export { createTfjsEngine } from './tfjs';

export function parseEngineName(value: string, source: string): EngineName | 'auto' {
  if (value === 'auto' || (ENGINE_NAMES as readonly string[]).includes(value)) return value as EngineName | 'auto';
  throw new RangeError(`${source}: unknown engine '${value}' (expected one of ${ENGINE_NAMES.join(', ')}, auto)`);
}

/** The engine asked for: `name` if given (and not 'auto'), else PRUNEPROOF_ENGINE, else 'auto'. */
export function requestedEngine(name?: EngineName | 'auto'): EngineName | 'auto' {
  const env = process.env.PRUNEPROOF_ENGINE;
  return name && name !== 'auto' ? name : env ? parseEngineName(env, 'PRUNEPROOF_ENGINE') : 'auto';
}

/**
 * The engine to train with: `name` if given (and not 'auto'), else PRUNEPROOF_ENGINE, else onnx with a
 * fallback to tfjs when onnxruntime cannot load (float64 has no fallback: only onnx has it).
 */
export async function selectEngine(name?: EngineName | 'auto', opts: EngineOptions = {}): Promise<Engine> {
  const requested = requestedEngine(name);
  if (opts.precision !== undefined && opts.precision !== 'float32' && opts.precision !== 'float64') {
    throw new RangeError(`precision must be float32 or float64, got '${String(opts.precision)}'`);
  }
  if (requested === 'tfjs') return createTfjsEngine(opts);
  if (requested === 'onnx' || opts.precision === 'float64') return createOnnxEngine(opts);
  try {
    return await createOnnxEngine(opts);
  } catch (e) {
    if (!(e instanceof EngineUnavailableError)) throw e;
    return createTfjsEngine(opts);
  }
}

/** {name, version, threads, precision} (and the tfjs backend) for reports. */
export function describeEngine(engine: Engine): EngineDescription {
  return { ...engine.description };
}

/**
 * The engine part of a stored run's key: what, besides the config and the data, decides a run's numbers.
 *
 * @param d - the engine's description.
 * @returns `<name>/<precision>`, e.g. `onnx/float32`.
 */
export function engineKey(d: EngineDescription): string {
  return `${d.name}/${d.precision}`;
}

/** One line for logs, e.g. "onnx (onnxruntime-node 1.30.0, 2 threads, float32)". */
export function engineSummary(d: EngineDescription): string {
  const what = d.name === 'onnx' ? `onnxruntime-node ${d.version}` : `tfjs ${d.version} on ${d.backend ?? '?'}`;
  return `${d.name} (${what}, ${d.threads} thread${d.threads === 1 ? '' : 's'}, ${d.precision})`;
}

/**
 * trainNetwork on an engine: the drop-in for `trainNetwork(initial, toTensors(dataset), opts)`. The
 * dataset stays on the host (a `Dataset` fits EngineData); pass `opts.stability` when already computed.
 */
export function trainOnEngine(
  engine: Engine,
  initial: TwoLayerWeights,
  dataset: EngineData,
  opts: TrainOptions,
): Promise<TrainResult> {
  return engine.train(initial, dataset, opts);
}
