/**
 * Spreads the (m, seed) runs of an experiment over worker threads, one tfjs backend per worker, so
 * both cores of the machine work (the wasm backend is single-threaded in Node). Jobs are handed out
 * largest m first so the slowest runs do not end up last.
 *
 * Workers are never terminated: on an error or an abort each is asked to stop, ends its run between two
 * engine calls, frees its engine and exits; the pool settles only once every worker has exited.
 */
import { Worker } from 'node:worker_threads';
import { compiledWorkerScript } from '../files/worker-script';
import type { BackendName } from '../backend';
import type { ExperimentConfig } from './config';
import type { EngineName } from '../engine/types';
import type { RunProgress } from './run';
import type { RunResult } from './types';
import type { WorkerInit, WorkerJob, WorkerMessage, WorkerRequest } from './worker';

/** The compiled worker script; absent when running from TypeScript sources (jest), where runs stay inline. */
export function workerScript(): string | null {
  return compiledWorkerScript(__dirname, 'worker');
}

export interface PoolCallbacks {
  onProgress?: (index: number, p: RunProgress) => void;
  onDone?: (index: number, run: RunResult) => void;
}

function rebuildError(msg: Extract<WorkerMessage, { kind: 'error' }>): Error {
  const err = new Error(msg.message);
  err.name = msg.name;
  if (msg.stack) err.stack = msg.stack;
  return err;
}

/**
 * Runs `jobs` on up to `workers` threads. Resolves with the results by job index once all are done, or, after
 * `signal` aborts, with the runs finished by then (the others absent); rejects with a run's error.
 */
export function runInWorkers(
  config: ExperimentConfig,
  backend: BackendName,
  engine: EngineName | 'auto',
  jobs: WorkerJob[],
  workers: number,
  callbacks: PoolCallbacks,
  signal?: AbortSignal,
): Promise<RunResult[]> {
  const script = workerScript();
  if (!script) return Promise.reject(new Error('runInWorkers: compiled worker.js not found (run from dist/)'));
  const queue = [...jobs].sort((a, b) => b.m - a.m);
  const results: RunResult[] = new Array(jobs.length);
  return new Promise((resolve, reject) => {
    const pool: Worker[] = [];
    let running = 0;
    let failure: { error: unknown } | null = null;
    let stopping = false;
    const send = (w: Worker, request: WorkerRequest) => w.postMessage(request);
    const stopAll = () => {
      if (stopping) return;
      stopping = true;
      queue.length = 0;
      for (const w of pool) send(w, 'stop');
    };
    const onAbort = () => stopAll();
    signal?.addEventListener('abort', onAbort, { once: true });
    const exited = () => {
      if (--running > 0) return;
      signal?.removeEventListener('abort', onAbort);
      if (failure) reject(failure.error);
      else resolve(results);
    };
    const fail = (error: unknown) => {
      failure ??= { error };
      stopAll();
    };
    const feed = (w: Worker) => send(w, stopping ? null : (queue.shift() ?? null));
    for (let i = 0; i < Math.min(workers, jobs.length); i++) {
      const w = new Worker(script, { workerData: { config, backend, engine } satisfies WorkerInit });
      pool.push(w);
      running++;
      w.on('message', (msg: WorkerMessage | { kind: 'ready' }) => {
        if (msg.kind === 'ready') feed(w);
        else if (msg.kind === 'progress') {
          if (!stopping) callbacks.onProgress?.(msg.index, msg);
        } else if (msg.kind === 'error') fail(rebuildError(msg));
        else if (msg.kind === 'done') {
          results[msg.index] = msg.result as RunResult;
          if (!failure) callbacks.onDone?.(msg.index, results[msg.index]);
          feed(w);
        }
      });
      w.on('error', fail);
      w.on('exit', exited);
    }
    if (signal?.aborted) stopAll();
  });
}
