/**
 * Worker-thread entry of calibration-pool.ts: for each batch, tallies the simulations it claims (verdicts or
 * statistics) and posts the tally back, then marks itself idle. Loaded by the pool's bootstrap, which reports any error.
 */
import { isMainThread, workerData } from 'node:worker_threads';
import { tallyVerdicts } from './calibrate';
import { IDLE, type SimulationBatch, type WorkerInit, type WorkerReply } from './calibration-pool';
import { tallyStatistics } from './log-bound';

function serve(): void {
  const { port, flag } = workerData as WorkerInit;
  port.on('message', (batch: SimulationBatch) => {
    let counts: number[][];
    try {
      counts = batch.task === 'statistics' ? tallyStatistics(batch) : tallyVerdicts(batch);
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
