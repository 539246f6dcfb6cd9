/**
 * Worker-thread entry of calibration-pool.ts: for each batch, counts the verdicts of the simulations it claims
 * and posts the counts back, then marks itself idle. Loaded by the pool's bootstrap, which reports any error.
 */
import { isMainThread, workerData } from 'node:worker_threads';
import { tallyVerdicts } from './calibrate';
import { IDLE, type SimulationBatch, type WorkerInit, type WorkerReply } from './calibration-pool';

function serve(): void {
  const { port, flag } = workerData as WorkerInit;
  port.on('message', (batch: SimulationBatch) => {
    let counts: number[][];
    try {
      counts = tallyVerdicts(batch);
    } catch (e) {
      Atomics.store(batch.next, 0, batch.laws.length * batch.simulations); // the failed batch stops everywhere
      throw e;
    }
    port.postMessage({ kind: 'tally', counts } satisfies WorkerReply);
    Atomics.store(flag, 0, IDLE);
    Atomics.notify(flag, 0);
  });
}

if (!isMainThread) serve();
