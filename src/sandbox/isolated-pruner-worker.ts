/**
 * Child-process entry of the isolated pruner (src/sandbox/isolated-pruner.ts): loads the user's module here, so
 * that a busy loop, a never-settling Promise, a crash, a memory hog or a `process.kill(process.pid)` in it ends
 * this process only, never the harness. Each `prune` request carries the input's tensors as typed arrays (IPC
 * with advanced serialisation); they are rebuilt on this process's own backend.
 */
import { initBackend, type BackendName } from '../backend';
import { tf } from '../backend/tf';
import type { PruneInput, Pruner } from '../pruning/types';
import { importPrunerModule } from './pruner-module';

/** A tensor as shipped between threads. */
export interface ShippedTensor {
  data: Float32Array;
  shape: [number, number];
}

export interface ShippedInput {
  activations: ShippedTensor;
  outWeights: ShippedTensor;
  targets: ShippedTensor;
  weights: PruneInput['weights'];
  n: number;
  seed: number;
}

export interface IsolatedWorkerInit {
  /** Absolute path of the module. */
  path: string;
  /** The path as the user spelled it (for messages). */
  file: string;
  backend: BackendName;
}

export type IsolatedWorkerMessage =
  | { kind: 'ready'; name: string; prefixConsistent: boolean | undefined }
  | { kind: 'load-error'; name: string; message: string }
  | { kind: 'result'; id: number; result: unknown }
  | { kind: 'error'; id: number; name: string; message: string }
  /** An exception outside any call's Promise (e.g. thrown from a timer): the process ends after sending it. */
  | { kind: 'crash'; name: string; message: string };

export interface PruneRequest {
  id: number;
  input: ShippedInput;
}

function rebuild(input: ShippedInput): PruneInput {
  const activations = tf.tensor2d(input.activations.data, input.activations.shape);
  const [m, width] = input.activations.shape;
  return {
    features: {
      activations,
      activationsT: tf.transpose(activations),
      outWeights: tf.tensor2d(input.outWeights.data, input.outWeights.shape),
      m,
      width,
      outputs: input.outWeights.shape[1],
    },
    targets: tf.tensor2d(input.targets.data, input.targets.shape),
    weights: input.weights,
    n: input.n,
    seed: input.seed,
  };
}

function dispose(input: PruneInput): void {
  tf.dispose([input.features.activations, input.features.activationsT, input.features.outWeights, input.targets]);
}

function errorMessage(e: unknown): { name: string; message: string } {
  return e instanceof Error ? { name: e.name, message: e.message } : { name: 'Error', message: String(e) };
}

async function serve(pruner: Pruner, request: PruneRequest): Promise<IsolatedWorkerMessage> {
  const input = rebuild(request.input);
  try {
    const result = await pruner.prune(input);
    return { kind: 'result', id: request.id, result };
  } catch (e) {
    return { kind: 'error', id: request.id, ...errorMessage(e) };
  } finally {
    dispose(input);
  }
}

/** The IPC channel to the parent: every message of this process goes through it. */
function post(message: IsolatedWorkerMessage): void {
  process.send!(message);
}

async function main(init: IsolatedWorkerInit): Promise<void> {
  let pruner: Pruner;
  try {
    await initBackend(init.backend);
    pruner = await importPrunerModule(init.path, init.file);
  } catch (e) {
    post({ kind: 'load-error', ...errorMessage(e) });
    return;
  }
  process.on('message', (request: PruneRequest) => {
    void serve(pruner, request).then((msg) => {
      try {
        post(msg);
      } catch (e) {
        // e.g. a result holding functions: structured clone refuses it.
        const why = `prune returned a value that cannot be sent between processes (${errorMessage(e).message})`;
        post({ kind: 'error', id: request.id, name: 'TypeError', message: why });
      }
    });
  });
  post({ kind: 'ready', name: pruner.name, prefixConsistent: pruner.prefixConsistent });
}

/** The parent passes the init as the first message; the process exits when the parent disconnects. */
if (process.send) {
  const crash = (e: unknown) => {
    process.send!({ kind: 'crash', ...errorMessage(e) } satisfies IsolatedWorkerMessage, undefined, {}, () =>
      process.exit(1),
    );
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  process.once('message', (init: IsolatedWorkerInit) => void main(init));
  process.on('disconnect', () => process.exit(0));
}
