/**
 * The calibration's simulations over worker threads, behind a synchronous call (analyseScaling is called
 * synchronously everywhere). Every thread, the calling one included, claims simulations one at a time from a
 * counter the batch shares, which balances them even when a confusion has a single law; each counts the
 * verdicts of the simulations it claimed, and the counts add up exactly whichever thread claimed what. The
 * caller then blocks on each worker's flag (Atomics.wait) and reads the counts it posted (receiveMessageOnPort).
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { compiledWorkerScript } from '../files/worker-script';
import type { Design, SimulatedLaw } from './types';

/** A worker's flag: between batches, computing one, or ended (then it never changes again). */
export const IDLE = 0;
export const BUSY = 1;
export const ENDED = 2;

export interface ParallelOptions {
  /** Threads simulating, the calling one included (default: see analysisThreads); 1 computes inline. */
  threads?: number;
  /** The compiled worker script (default: workerScript()); null computes inline. */
  script?: string | null;
}

/**
 * The simulations of one batch: laws.length × simulations tasks, claimed from `next`. task 'verdicts': the
 * four-law decision of each (a confusion matrix; calibrate.ts); 'statistics': the one-sided test's statistic of
 * each (log-bound.ts).
 */
export interface SimulationBatch {
  task: 'verdicts' | 'statistics';
  laws: SimulatedLaw[];
  design: Design;
  simulations: number;
  seed: number;
  /** The next unclaimed task, shared by every thread working on the batch. */
  next: Int32Array;
}

/**
 * Per law, what the simulations a thread claimed gave, in entries that add up across threads: for 'verdicts',
 * counts[i][j] of simulations labelled with verdict j; for 'statistics', the statistic of simulation s at [i][s]
 * (0 where another thread claimed it; x + 0 = x exactly) and, last, how many this thread claimed.
 */
export type Tally = number[][];

export type WorkerReply =
  { kind: 'tally'; counts: Tally } | { kind: 'error'; name: string; message: string; stack?: string };

export interface WorkerInit {
  script: string;
  /** The worker's end of its channel: batches come in, replies go out. */
  port: MessagePort;
  flag: Int32Array;
}

interface PoolWorker {
  worker: Worker;
  port: MessagePort;
  flag: Int32Array;
}

const ENV = 'PRUNEPROOF_ANALYSIS_THREADS';

/** The compiled worker script; absent when running from TypeScript sources (jest), where work stays inline. */
export function workerScript(): string | null {
  return compiledWorkerScript(__dirname, 'calibration-worker');
}

/** Threads for the analysis: `requested` if given, else PRUNEPROOF_ANALYSIS_THREADS, else every core. */
export function analysisThreads(requested?: number): number {
  if (requested !== undefined) {
    if (Number.isInteger(requested) && requested >= 1) return requested;
    throw new RangeError(`threads: must be an integer ≥ 1, got ${requested}`);
  }
  const env = process.env[ENV];
  if (env === undefined || env === '') return availableParallelism();
  if (/^[1-9][0-9]*$/.test(env)) return Number(env);
  throw new RangeError(`${ENV}: must be an integer ≥ 1, got '${env}'`);
}

/** Calls `task` on each index claimed from `next`, in increasing order, until none of the `count` is left. */
export function claimTasks(next: Int32Array, count: number, task: (index: number) => void): void {
  for (let i = Atomics.add(next, 0, 1); i < count; i = Atomics.add(next, 0, 1)) task(i);
}

/**
 * Runs in each worker before its script loads: however the thread ends (an error, even at load, or an
 * exit), its flag says ENDED and the waiting caller wakes, with the error on the port when there is one.
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
const { script, port, flag } = workerData;
process.on('uncaughtException', (e) => {
  const err = e instanceof Error ? e : new Error(String(e));
  port.postMessage({ kind: 'error', name: err.name, message: err.message, stack: err.stack });
  process.exit(1);
});
process.on('exit', () => {
  Atomics.store(flag, 0, ${ENDED});
  Atomics.notify(flag, 0);
});
require(script);
`;

/** Workers per script, created on first use; unref'ed, so they never keep the process alive. */
const pools = new Map<string, PoolWorker[]>();

function spawn(script: string): PoolWorker {
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const workerData: WorkerInit = { script, port: port2, flag };
  const worker = new Worker(BOOTSTRAP, { eval: true, workerData, transferList: [port2] });
  worker.unref();
  // Errors reach the caller through the port (BOOTSTRAP); the event would only crash the process later.
  worker.on('error', () => undefined);
  return { worker, port: port1, flag };
}

/** `count` live workers running `script`; ended ones are replaced. */
function acquire(script: string, count: number): PoolWorker[] {
  const live = (pools.get(script) ?? []).filter((w) => {
    if (Atomics.load(w.flag, 0) !== ENDED) return true;
    void w.worker.terminate();
    return false;
  });
  while (live.length < count) live.push(spawn(script));
  pools.set(script, live);
  return live.slice(0, count);
}

/** Terminates every worker (after a failure, or for tests); the next batch starts fresh ones. */
export async function closeCalibrationWorkers(): Promise<void> {
  const all = [...pools.values()].flat();
  pools.clear();
  await Promise.all(all.map((w) => w.worker.terminate()));
}

/** Classes an error keeps across the thread boundary (callers may tell a RangeError from a bug). */
const ERROR_CLASSES: Record<string, ErrorConstructor> = { RangeError, TypeError, SyntaxError, ReferenceError };

function rebuildError(reply: Extract<WorkerReply, { kind: 'error' }>): Error {
  const err = new (ERROR_CLASSES[reply.name] ?? Error)(reply.message);
  err.name = reply.name;
  if (reply.stack) err.stack = reply.stack;
  return err;
}

/** Posts the batch unless the worker has ended (collect then reports it). */
function start(w: PoolWorker, batch: SimulationBatch): void {
  if (Atomics.compareExchange(w.flag, 0, IDLE, BUSY) === IDLE) w.port.postMessage(batch);
}

/** Waits until the worker is done with its batch or has ended, then adds the counts it posted. */
function collect(w: PoolWorker, total: Tally, script: string): void {
  while (Atomics.load(w.flag, 0) === BUSY) Atomics.wait(w.flag, 0, BUSY);
  const m = receiveMessageOnPort(w.port);
  const reply = m?.message as WorkerReply | undefined;
  if (reply?.kind === 'error') throw rebuildError(reply);
  if (reply === undefined) throw new Error(`calibration worker ${script} ended without replying`);
  reply.counts.forEach((row, i) => row.forEach((c, j) => (total[i][j] += c)));
}

/** Every law's simulations counted exactly once (a worker that lost some would show here). */
function checkComplete(total: Tally, batch: Omit<SimulationBatch, 'next'>): void {
  const { simulations } = batch;
  total.forEach((row, i) => {
    const n = batch.task === 'statistics' ? row[row.length - 1] : row.reduce((a, b) => a + b, 0);
    if (n !== simulations) throw new Error(`tallyInParallel: law ${i} has ${n} of ${simulations} simulations`);
  });
}

/**
 * The batch's whole tally, from `tally` (which counts the tasks the calling thread claims, and which the
 * worker script runs too) on this thread and the pool's. Throws the first error a worker reports; the pool
 * is then replaced.
 */
export function tallyInParallel(
  batch: Omit<SimulationBatch, 'next'>,
  tally: (batch: SimulationBatch) => Tally,
  options: ParallelOptions = {},
): Tally {
  const tasks = batch.laws.length * batch.simulations;
  const script = options.script === undefined ? workerScript() : options.script;
  const helpers = script === null ? 0 : Math.min(analysisThreads(options.threads) - 1, tasks - 1);
  if (script === null || helpers <= 0) return tally({ ...batch, next: new Int32Array(1) });
  const shared = { ...batch, next: new Int32Array(new SharedArrayBuffer(4)) };
  let total: Tally;
  try {
    const workers = acquire(script, helpers);
    for (const w of workers) start(w, shared);
    total = tally(shared);
    for (const w of workers) collect(w, total, script);
  } catch (e) {
    void closeCalibrationWorkers();
    throw e;
  }
  checkComplete(total, batch);
  return total;
}
