/**
 * Worker-thread entry: runs one (m, seed) job of an experiment on its own tfjs backend and posts the
 * RunResult back. Runs are independent (each derives everything from its seed), so results do not
 * depend on how they are spread over workers. A 'stop' message makes the run under way end at its next
 * point between engine calls (see stop.ts); the worker then frees its engine and exits on its own, so the
 * parent never terminates it in the middle of a native call.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend, type BackendName } from '../backend';
import type { ExperimentConfig } from './config';
import { datasetsForSeed } from './datasets';
import { runOne } from './run';
import { builtinRunPruners } from './subject';
import { selectEngine } from '../engine';
import type { EngineName } from '../engine/types';
import { RunStopped, stoppableEngine } from './stop';

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

/** From the parent: a job, null (no more jobs: exit), or 'stop' (end the run under way between engine calls, exit). */
export type WorkerRequest = WorkerJob | null | 'stop';

export type WorkerMessage =
  | { kind: 'progress'; index: number; phase: 'kernel' | 'train' | 'measure'; done: number; total: number }
  | { kind: 'done'; index: number; result: unknown }
  | { kind: 'stopped'; index: number }
  | { kind: 'error'; index: number; name: string; message: string; stack?: string };

async function serve(): Promise<void> {
  const port = parentPort!;
  const init = workerData as WorkerInit;
  let stopping = false;
  let busy: Promise<void> = Promise.resolve();
  await initBackend(init.backend);
  const selected = await selectEngine(init.engine, { precision: init.config.precision ?? 'float32', threads: 1 });
  const engine = stoppableEngine(selected, () => stopping);
  const pruners = builtinRunPruners(init.config);
  let exiting = false;
  const exit = async () => {
    if (exiting) return;
    exiting = true;
    await busy;
    await selected.dispose();
    port.close();
  };
  const run = async (job: WorkerJob): Promise<void> => {
    try {
      const data = datasetsForSeed(init.config.dataset, [job.m], job.seed);
      const result = await runOne({
        config: init.config,
        data: data.byM.get(job.m)!,
        heldOut: data.heldOut,
        seed: job.seed,
        pruners,
        engine,
        onProgress: (p) => {
          if (stopping) throw new RunStopped();
          port.postMessage({ kind: 'progress', index: job.index, ...p } satisfies WorkerMessage);
        },
      });
      port.postMessage({ kind: 'done', index: job.index, result } satisfies WorkerMessage);
    } catch (e) {
      if (e instanceof RunStopped) {
        port.postMessage({ kind: 'stopped', index: job.index } satisfies WorkerMessage);
        return;
      }
      const err = e as Error;
      port.postMessage({
        kind: 'error',
        index: job.index,
        name: err.name,
        message: err.message,
        stack: err.stack,
      } satisfies WorkerMessage);
    }
  };
  port.on('message', (request: WorkerRequest) => {
    if (request === 'stop') stopping = true;
    if (request === null || request === 'stop') void exit();
    else if (!stopping) busy = run(request);
  });
  port.postMessage({ kind: 'ready' });
}

if (parentPort) void serve();
