/**
 * A user's pruner run in a worker thread, behind a Pruner-shaped proxy: each `prune` call ships the input's tensors
 * (data and shape) to the thread and waits at most a per-call time limit, further bounded by the budget of the
 * phase under way (`startBudget`, the --time-limit of a property or of the comparison). A call that does not
 * return in time — a never-settling Promise or a synchronous busy loop — gets its thread terminated and throws
 * PrunerTimeoutError; a thread that crashes throws PrunerCrashError. Either way the property that made the call
 * fails with its case, and the next call starts a fresh thread. The checks themselves never hang on user code.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { compiledWorkerScript } from '../files/worker-script';
import type { BackendName } from '../backend';
import type { Tensor2D } from '../backend/tf';
import type { PruneInput, PruneResult, Pruner } from '../pruning/types';
import type {
  IsolatedWorkerInit,
  IsolatedWorkerMessage,
  PruneRequest,
  ShippedInput,
  ShippedTensor,
} from './isolated-pruner-worker';
import { PrunerModuleError } from './pruner-module';

export const DEFAULT_CALL_TIMEOUT_SECONDS = 30;
/** Loading also starts the thread's tfjs backend, so it gets at least this long whatever the per-call limit. */
const MIN_LOAD_TIMEOUT_MS = 30_000;

export class PrunerTimeoutError extends Error {
  override name = 'PrunerTimeoutError';
}

export class PrunerCrashError extends Error {
  override name = 'PrunerCrashError';
}

export interface IsolatedPrunerOptions {
  /** tfjs backend the thread runs on (the same as the checks', so numbers agree). */
  backend: BackendName;
  /** Seconds one `prune` call (and loading the module) may take; default DEFAULT_CALL_TIMEOUT_SECONDS. */
  callTimeoutSeconds?: number;
}

/**
 * What a call does once the phase's budget is used up: 'fail' throws PrunerTimeoutError at once (the comparison);
 * 'stall' waits past the end of the budget plus its grace (a property: its runner interrupts then and ignores the
 * call, instead of shrinking towards cases that only "failed" because no time was left), then throws.
 */
export type WhenBudgetUsedUp = 'fail' | 'stall';

export interface IsolatedPruner extends Pruner {
  /**
   * A phase of `seconds` starts: calls may start until its end, each bounded by min(--call-timeout, seconds) from
   * its own start. The phase's runner must allow `budgetGraceSeconds` more, so a call started just before the end
   * can finish or time out — and its time-out be reported — before the runner gives up on it.
   */
  startBudget(seconds: number, whenUsedUp?: WhenBudgetUsedUp): void;
  budgetGraceSeconds(seconds: number): number;
  /** Stops the thread. */
  close(): Promise<void>;
}

/** Bounds the calls of an isolated pruner by a phase's budget; a no-op for an in-process pruner. */
export function startBudget(pruner: Pruner, seconds: number, whenUsedUp: WhenBudgetUsedUp = 'fail'): void {
  const candidate = pruner as Partial<IsolatedPruner>;
  if (typeof candidate.startBudget === 'function') candidate.startBudget(seconds, whenUsedUp);
}

/** Extra seconds a phase of `seconds` must allow an isolated pruner (see IsolatedPruner); 0 for other pruners. */
export function budgetGraceSeconds(pruner: Pruner, seconds: number): number {
  const candidate = pruner as Partial<IsolatedPruner>;
  return typeof candidate.budgetGraceSeconds === 'function' ? candidate.budgetGraceSeconds(seconds) : 0;
}

/**
 * The worker script: the compiled .js next to this file, or — running from TypeScript sources under jest — a
 * bootstrap that compiles the .ts sources on require with the TypeScript compiler (a devDependency).
 */
function workerSource(): { script: string; evaluate: boolean } {
  const compiled = compiledWorkerScript(__dirname, 'isolated-pruner-worker');
  if (compiled) return { script: compiled, evaluate: false };
  const source = join(__dirname, 'isolated-pruner-worker.ts');
  const bootstrap = `
    const fs = require('node:fs');
    const ts = require(${JSON.stringify(require.resolve('typescript'))});
    require.extensions['.ts'] = (module, filename) => {
      const options = { module: ts.ModuleKind.Node16, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
      const source = fs.readFileSync(filename, 'utf8');
      const out = ts.transpileModule(source, { compilerOptions: options, fileName: filename });
      module._compile(out.outputText, filename);
    };
    require(${JSON.stringify(source)});`;
  return { script: bootstrap, evaluate: true };
}

function ship(tensor: Tensor2D): ShippedTensor {
  return { data: tensor.dataSync() as Float32Array, shape: [tensor.shape[0], tensor.shape[1]] };
}

function shipInput(input: PruneInput): ShippedInput {
  const { features } = input;
  return {
    activations: ship(features.activations),
    outWeights: ship(features.outWeights),
    targets: ship(input.targets),
    weights: input.weights,
    n: input.n,
    seed: input.seed,
  };
}

/** Slack between a call's time-out and the runner's interrupt, so that the time-out is seen first. */
const GRACE_MARGIN_MS = 500;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

interface PendingCall {
  resolve: (r: PruneResult) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

class IsolatedPrunerProxy implements IsolatedPruner {
  name = '';
  prefixConsistent: boolean | undefined;
  private worker: Worker | null = null;
  /** A thread being started (after a time-out or crash, at once, so the next call does not pay for it). */
  private starting: Promise<void> | null = null;
  private readonly pending = new Map<number, PendingCall>();
  private nextId = 0;
  private closed = false;
  private deadline = Infinity;
  private budgetSeconds = Infinity;
  private callLimitMs: number;
  private whenUsedUp: WhenBudgetUsedUp = 'fail';
  private readonly callTimeoutMs: number;

  constructor(
    private readonly init: IsolatedWorkerInit,
    callTimeoutSeconds: number,
  ) {
    this.callTimeoutMs = callTimeoutSeconds * 1000;
    this.callLimitMs = this.callTimeoutMs;
  }

  /** Starts a thread and waits until the module is loaded (bounded by the per-call limit). */
  async start(): Promise<void> {
    const { script, evaluate } = workerSource();
    const worker = new Worker(script, { eval: evaluate, workerData: this.init, stdout: true, stderr: true });
    // The user's console output goes to stderr: stdout may carry --json.
    worker.stdout.pipe(process.stderr);
    worker.stderr.pipe(process.stderr);
    worker.unref();
    const ready = await this.waitUntilLoaded(worker);
    this.name = ready.name;
    this.prefixConsistent = ready.prefixConsistent;
    this.worker = worker;
    worker.on('message', (msg: IsolatedWorkerMessage) => this.settle(msg));
    worker.on('error', (e) => this.crashed(worker, `the pruner's thread crashed: ${e.name}: ${e.message}`));
    worker.on('exit', (code) =>
      this.crashed(worker, `the pruner's thread exited (code ${code}), e.g. process.exit in the pruner`),
    );
  }

  private waitUntilLoaded(worker: Worker): Promise<Extract<IsolatedWorkerMessage, { kind: 'ready' }>> {
    return new Promise((resolve, reject) => {
      const fail = (e: Error) => {
        clearTimeout(timer);
        void worker.terminate();
        reject(e);
      };
      const limitMs = Math.max(this.callTimeoutMs, MIN_LOAD_TIMEOUT_MS);
      const timer = setTimeout(() => {
        const why = 'e.g. a busy loop or a long computation at the top level of the module';
        fail(
          new PrunerModuleError(
            `check-pruner: loading '${this.init.file}' did not finish within ${seconds(limitMs)} (${why})`,
          ),
        );
      }, limitMs);
      worker.once('message', (msg: IsolatedWorkerMessage) => {
        if (msg.kind === 'ready') {
          clearTimeout(timer);
          resolve(msg);
        } else if (msg.kind === 'load-error') {
          const error =
            msg.name === 'PrunerModuleError'
              ? new PrunerModuleError(msg.message)
              : new Error(`pruner thread: ${msg.name}: ${msg.message}`);
          fail(error);
        }
      });
      worker.once('exit', (code) =>
        fail(new PrunerModuleError(`check-pruner: '${this.init.file}' exited (code ${code}) while loading`)),
      );
      worker.once('error', (e) =>
        fail(new PrunerModuleError(`check-pruner: could not load pruner module '${this.init.file}': ${e.message}`)),
      );
    });
  }

  startBudget(budgetSeconds: number, whenUsedUp: WhenBudgetUsedUp = 'fail'): void {
    this.deadline = Date.now() + budgetSeconds * 1000;
    this.budgetSeconds = budgetSeconds;
    this.callLimitMs = Math.min(this.callTimeoutMs, budgetSeconds * 1000);
    this.whenUsedUp = whenUsedUp;
  }

  budgetGraceSeconds(budgetSeconds: number): number {
    return (Math.min(this.callTimeoutMs, budgetSeconds * 1000) + 2 * GRACE_MARGIN_MS) / 1000;
  }

  async prune(input: PruneInput): Promise<PruneResult> {
    const shape = `n = ${input.n}, N = ${input.features.width}, m = ${input.features.m}`;
    if (Date.now() >= this.deadline) {
      if (this.whenUsedUp === 'stall') await sleep(this.deadline + this.callLimitMs + 3 * GRACE_MARGIN_MS - Date.now());
      throw new PrunerTimeoutError(
        `prune (${shape}) not started: the time limit of ${this.budgetSeconds} s is used up`,
      );
    }
    await this.ensureWorker();
    const limitMs = this.callLimitMs;
    const id = this.nextId++;
    const request: PruneRequest = { id, input: shipInput(input) };
    return new Promise<PruneResult>((resolve, reject) => {
      const timer = setTimeout(
        () => this.timedOut(id, `prune (${shape}) timed out after ${seconds(limitMs)}; its thread was stopped`),
        limitMs,
      );
      this.pending.set(id, { resolve, reject, timer });
      this.worker!.postMessage(request);
    });
  }

  private async ensureWorker(): Promise<void> {
    if (this.worker) return;
    if (this.starting) await this.starting.catch(() => undefined);
    this.starting = null;
    if (!this.worker) await this.start();
  }

  private settle(msg: IsolatedWorkerMessage): void {
    if (msg.kind !== 'result' && msg.kind !== 'error') return;
    const call = this.pending.get(msg.id);
    if (!call) return;
    this.pending.delete(msg.id);
    clearTimeout(call.timer);
    if (msg.kind === 'result') call.resolve(msg.result as PruneResult);
    else {
      const error = new Error(msg.message);
      error.name = msg.name;
      call.reject(error);
    }
  }

  private timedOut(id: number, message: string): void {
    const call = this.pending.get(id);
    if (!call) return;
    this.pending.delete(id);
    this.stopWorker(new PrunerTimeoutError(message));
    call.reject(new PrunerTimeoutError(message));
  }

  /** The thread died on its own: every call in flight fails with why. */
  private crashed(worker: Worker, message: string): void {
    if (this.worker !== worker) return;
    this.stopWorker(new PrunerCrashError(message));
  }

  private stopWorker(reason: Error): void {
    const worker = this.worker;
    this.worker = null;
    for (const [id, call] of this.pending) {
      clearTimeout(call.timer);
      this.pending.delete(id);
      call.reject(reason);
    }
    if (worker) void worker.terminate();
    if (!this.closed) this.starting = this.start();
    this.starting?.catch(() => undefined); // a failed restart is retried, and reported, by the next call
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.starting?.catch(() => undefined);
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }
}

/**
 * Loads the module at the absolute `path` in a worker thread and returns the proxy of its Pruner. Throws
 * PrunerModuleError when the module cannot be loaded, exports no Pruner, or does not load within the call limit.
 */
export async function loadIsolatedPruner(
  path: string,
  file: string,
  opts: IsolatedPrunerOptions,
): Promise<IsolatedPruner> {
  const callTimeoutSeconds = opts.callTimeoutSeconds ?? DEFAULT_CALL_TIMEOUT_SECONDS;
  if (!(callTimeoutSeconds > 0 && Number.isFinite(callTimeoutSeconds))) {
    throw new RangeError(
      `loadIsolatedPruner: callTimeoutSeconds must be a finite number > 0, got ${callTimeoutSeconds}`,
    );
  }
  const proxy = new IsolatedPrunerProxy({ path, file, backend: opts.backend }, callTimeoutSeconds);
  await proxy.start();
  return proxy;
}
