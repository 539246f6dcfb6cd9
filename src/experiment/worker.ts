/**
 * Worker-thread entry: runs one (m, seed) job of an experiment on its own tfjs backend and posts the
 * RunResult back. Runs are independent (each derives everything from its seed), so results do not
 * depend on how they are spread over workers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend, type BackendName } from '../backend';
import type { ExperimentConfig } from './config';
import { datasetsForSeed } from './datasets';
import { runOne } from './run';
import { builtinRunPruners } from './subject';
import { selectEngine } from '../engine';
import type { EngineName } from '../engine/types';

export interface WorkerJob {
  index: number;
  m: number;
  seed: number;
}

export interface WorkerInit {
  config: ExperimentConfig;
  backend: BackendName;
  /** The engine the parent resolved; each worker runs its own with one intra-op thread (runs fill the cores). */
  engine: EngineName | 'auto';
}

export type WorkerMessage =
  | { kind: 'progress'; index: number; phase: 'kernel' | 'train' | 'measure'; done: number; total: number }
  | { kind: 'done'; index: number; result: unknown }
  | { kind: 'error'; index: number; name: string; message: string; stack?: string };

async function serve(): Promise<void> {
  const port = parentPort!;
  const init = workerData as WorkerInit;
  await initBackend(init.backend);
  const engine = await selectEngine(init.engine, { precision: init.config.precision ?? 'float32', threads: 1 });
  const pruners = builtinRunPruners(init.config);
  port.on('message', async (job: WorkerJob | null) => {
    if (job === null) {
      await engine.dispose();
      port.close();
      return;
    }
    try {
      const data = datasetsForSeed(init.config.dataset, [job.m], job.seed);
      const result = await runOne({
        config: init.config,
        data: data.byM.get(job.m)!,
        heldOut: data.heldOut,
        seed: job.seed,
        pruners,
        engine,
        onProgress: (p) => port.postMessage({ kind: 'progress', index: job.index, ...p } satisfies WorkerMessage),
      });
      port.postMessage({ kind: 'done', index: job.index, result } satisfies WorkerMessage);
    } catch (e) {
      const err = e as Error;
      port.postMessage({
        kind: 'error',
        index: job.index,
        name: err.name,
        message: err.message,
        stack: err.stack,
      } satisfies WorkerMessage);
    }
  });
  port.postMessage({ kind: 'ready' });
}

if (parentPort) void serve();
