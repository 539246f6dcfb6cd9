/**
 * Spreads the (m, seed) runs of an experiment over worker threads, one tfjs backend per worker, so
 * both cores of the machine work (the wasm backend is single-threaded in Node). Jobs are handed out
 * largest m first so the slowest runs do not end up last.
 */
import { Worker } from 'node:worker_threads';
import { compiledWorkerScript } from '../files/worker-script';
import type { BackendName } from '../backend';
import type { ExperimentConfig } from './config';
import type { EngineName } from '../engine/types';
import type { RunProgress } from './run';
import type { RunResult } from './types';
import type { WorkerInit, WorkerJob, WorkerMessage } from './worker';

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

export function runInWorkers(
  config: ExperimentConfig,
  backend: BackendName,
  engine: EngineName | 'auto',
  jobs: WorkerJob[],
  workers: number,
  callbacks: PoolCallbacks,
): Promise<RunResult[]> {
  const script = workerScript();
  if (!script) return Promise.reject(new Error('runInWorkers: compiled worker.js not found (run from dist/)'));
  const queue = [...jobs].sort((a, b) => b.m - a.m);
  const results: RunResult[] = new Array(jobs.length);
  return new Promise((resolve, reject) => {
    const pool: Worker[] = [];
    let finished = 0;
    let failed = false;
    const stopAll = () => pool.forEach((w) => void w.terminate());
    const feed = (w: Worker) => {
      const job = queue.shift();
      w.postMessage(job ?? null);
    };
    for (let i = 0; i < Math.min(workers, jobs.length); i++) {
      const w = new Worker(script, { workerData: { config, backend, engine } satisfies WorkerInit });
      pool.push(w);
      w.on('message', (msg: WorkerMessage | { kind: 'ready' }) => {
        if (failed) return;
        if (msg.kind === 'ready') feed(w);
        else if (msg.kind === 'progress') callbacks.onProgress?.(msg.index, msg);
        else if (msg.kind === 'error') {
          failed = true;
          stopAll();
          reject(rebuildError(msg));
        } else {
          results[msg.index] = msg.result as RunResult;
          callbacks.onDone?.(msg.index, results[msg.index]);
          finished++;
          if (finished === jobs.length) {
            pool.forEach((x) => x.postMessage(null));
            resolve(results);
          } else feed(w);
        }
      });
      w.on('error', (e) => {
        if (failed) return;
        failed = true;
        stopAll();
        reject(e);
      });
    }
  });
}
