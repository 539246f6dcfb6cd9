/**
 * Worker-thread entry of calibration-pool.ts: computes the confusion rows it claims from each batch and posts
 * them back, then marks itself idle. Loaded by the pool's bootstrap, which reports any error it throws.
 */
import { isMainThread, workerData } from 'node:worker_threads';
import { confusionRow } from './calibrate';
import { IDLE, claimRows, type RowBatch, type WorkerInit, type WorkerReply } from './calibration-pool';

function serve(): void {
  const { port, flag } = workerData as WorkerInit;
  port.on('message', (batch: RowBatch) => {
    const count = batch.laws.length;
    try {
      claimRows(batch.next, count, (index) => {
        const rates = confusionRow(batch.laws[index], batch.design, batch.simulations, batch.seed);
        port.postMessage({ kind: 'row', index, rates } satisfies WorkerReply);
      });
    } catch (e) {
      Atomics.store(batch.next, 0, count); // nobody starts another row of a batch that has failed
      throw e;
    }
    Atomics.store(flag, 0, IDLE);
    Atomics.notify(flag, 0);
  });
}

if (!isMainThread) serve();
