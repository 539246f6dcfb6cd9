/**
 * A user's pruner run in a child process, behind a Pruner-shaped proxy: each `prune` call ships the input's
 * tensors (data and shape) to the process and waits at most a per-call time limit, further bounded by the budget
 * of the phase under way (`startBudget`, the --time-limit of a property or of the comparison). A call that does
 * not return in time — a never-settling Promise or a synchronous busy loop — gets its process killed and throws
 * PrunerTimeoutError; a process past its memory cap (V8 heap limit, and resident memory polled) is killed and
 * throws PrunerMemoryError; a process that ends otherwise (a crash, `process.exit`, `process.kill(process.pid)`)
 * throws PrunerCrashError. Either way the property that made the call fails with its case, and the next call
 * starts a fresh process. The harness never hangs on, or is ended by, user code. The pruner's console output goes
 * to stderr, capped (OUTPUT_CAP_BYTES) with a note.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
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
import { CallBudget, secondsText, type WhenBudgetUsedUp } from './call-budget';
import { PrunerCrashError, PrunerMemoryError, PrunerTimeoutError } from './errors';
import { checkMemoryCap, DEFAULT_MAX_MEMORY_MB, memoryExceeded, MemoryWatch } from './memory-watch';
import { PrunerModuleError } from './pruner-module';

export const DEFAULT_CALL_TIMEOUT_SECONDS = 30;

/** The pruner's console output forwarded in all, per pruner; the rest is dropped with a note. */
export const OUTPUT_CAP_BYTES = 1024 * 1024;

export interface IsolatedPrunerOptions {
  /** tfjs backend the thread runs on (the same as the checks', so numbers agree). */
  backend: BackendName;
  /** Seconds one `prune` call (and loading the module) may take; default DEFAULT_CALL_TIMEOUT_SECONDS. */
  callTimeoutSeconds?: number;
  /** Memory cap of the pruner's process in MB (V8 heap limit and resident memory); default DEFAULT_MAX_MEMORY_MB. */
  maxMemoryMb?: number;
}

export interface IsolatedPruner extends Pruner {
  /**
   * A phase of `seconds` starts: calls may start until its end, each bounded by min(--call-timeout, seconds) from
   * its own start. The phase's runner must allow `budgetGraceSeconds` more, so a call started just before the end
   * can finish or time out — and its time-out be reported — before the runner gives up on it.
   */
  startBudget(seconds: number, whenUsedUp?: WhenBudgetUsedUp): void;
  budgetGraceSeconds(seconds: number): number;
  /** Stops the pruner's process. */
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
 * How to start the child: the compiled .js next to this file, or — running from TypeScript sources under jest —
 * a bootstrap that compiles the .ts sources on require with the TypeScript compiler (a devDependency).
 */
function childArgs(): string[] {
  const compiled = compiledWorkerScript(__dirname, 'isolated-pruner-worker');
  if (compiled) return [compiled];
  const source = join(__dirname, 'isolated-pruner-worker.ts');
  const bootstrap = `
    const fs = require('node:fs');
    const ts = require(${JSON.stringify(require.resolve('typescript'))});
    require.extensions['.ts'] = (module, filename) => {
      const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
      const source = fs.readFileSync(filename, 'utf8');
      const out = ts.transpileModule(source, { compilerOptions: options, fileName: filename });
      module._compile(out.outputText, filename);
    };
    require(${JSON.stringify(source)});`;
  return ['-e', bootstrap];
}

/** Forwards a pruner's output to stderr up to OUTPUT_CAP_BYTES in all, then drops the rest with one note. */
class OutputCap {
  private written = 0;
  private noted = false;

  constructor(private readonly file: string) {}

  forward(chunk: Buffer): void {
    const room = OUTPUT_CAP_BYTES - this.written;
    if (room > 0) process.stderr.write(chunk.subarray(0, room));
    this.written += chunk.length;
    if (this.written > OUTPUT_CAP_BYTES && !this.noted) {
      this.noted = true;
      process.stderr.write(
        `\ncheck-pruner: the output of '${this.file}' passed ${OUTPUT_CAP_BYTES / 1024 / 1024} MiB; the rest is dropped\n`,
      );
    }
  }
}

/** One child process running the pruner, with why it ended once it has. */
interface Child {
  process: ChildProcess;
  /** Its memory cap; says when the harness stopped it for memory. */
  memory: MemoryWatch;
  /** The last few KB of its stderr (V8 names a heap overflow there). */
  stderrTail: string;
  /** The uncaught exception it reported before ending, if any. */
  crash: string | null;
}

const HEAP_OVERFLOW = /heap out of memory|Reached heap limit|Allocation failed/i;

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

interface PendingCall {
  resolve: (r: PruneResult) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

class IsolatedPrunerProxy implements IsolatedPruner {
  name = '';
  prefixConsistent: boolean | undefined;
  private child: Child | null = null;
  /** A process being started (after a time-out or crash, at once, so the next call does not pay for it). */
  private starting: Promise<void> | null = null;
  private readonly pending = new Map<number, PendingCall>();
  private nextId = 0;
  private closed = false;
  private readonly budget: CallBudget;
  private readonly output: OutputCap;

  constructor(
    private readonly init: IsolatedWorkerInit,
    callTimeoutSeconds: number,
    private readonly maxMemoryMb: number,
  ) {
    this.budget = new CallBudget(callTimeoutSeconds * 1000);
    this.output = new OutputCap(init.file);
  }

  /** Starts a process (heap capped), watches its memory, and waits until the module is loaded. */
  async start(): Promise<void> {
    const proc = spawn(process.execPath, [`--max-old-space-size=${this.maxMemoryMb}`, ...childArgs()], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    const child: Child = {
      process: proc,
      memory: new MemoryWatch(proc, this.maxMemoryMb),
      stderrTail: '',
      crash: null,
    };
    // The user's console output goes to stderr (stdout may carry --json), capped.
    proc.stdout!.on('data', (chunk: Buffer) => this.output.forward(chunk));
    proc.stderr!.on('data', (chunk: Buffer) => {
      child.stderrTail = (child.stderrTail + chunk.toString()).slice(-4096);
      this.output.forward(chunk);
    });
    proc.unref();
    proc.channel?.unref();
    proc.send(this.init);
    const ready = await this.waitUntilLoaded(child);
    this.name = ready.name;
    this.prefixConsistent = ready.prefixConsistent;
    this.child = child;
    proc.on('message', (msg: IsolatedWorkerMessage) => {
      if (msg.kind === 'crash') child.crash = `${msg.name}: ${msg.message}`;
      else this.settle(msg);
    });
    proc.on('exit', (code, signal) => this.crashed(child, this.endReason(child, code, signal)));
  }

  /** Why a process ended: over its memory cap, or a crash / exit of the pruner's own. */
  private endReason(child: Child, code: number | null, signal: NodeJS.Signals | null): Error {
    const heap = HEAP_OVERFLOW.test(child.stderrTail) ? 'its V8 heap' : null;
    const over = child.memory.over ?? heap;
    if (over) return new PrunerMemoryError(memoryExceeded(over, this.maxMemoryMb));
    if (child.crash) return new PrunerCrashError(`the pruner's process crashed: ${child.crash}`);
    const how = signal ? `signal ${signal}` : `code ${code}`;
    return new PrunerCrashError(
      `the pruner's process ended (${how}), e.g. process.exit or process.kill(process.pid) in the pruner, or a crash`,
    );
  }

  private waitUntilLoaded(child: Child): Promise<Extract<IsolatedWorkerMessage, { kind: 'ready' }>> {
    const proc = child.process;
    return new Promise((resolve, reject) => {
      const fail = (e: Error) => {
        clearTimeout(timer);
        child.memory.stop();
        proc.removeAllListeners('message');
        proc.removeAllListeners('exit');
        proc.kill('SIGKILL');
        reject(e);
      };
      const timer = this.budget.loadTimer(
        this.init.file,
        'e.g. a busy loop or a long computation at the top level of the module',
        fail,
      );
      proc.once('message', (msg: IsolatedWorkerMessage) => {
        if (msg.kind === 'ready') {
          clearTimeout(timer);
          proc.removeAllListeners('exit');
          resolve(msg);
        } else if (msg.kind === 'load-error') {
          const error =
            msg.name === 'PrunerModuleError'
              ? new PrunerModuleError(msg.message)
              : new Error(`pruner process: ${msg.name}: ${msg.message}`);
          fail(error);
        }
      });
      proc.once('exit', (code, signal) => {
        const reason = this.endReason(child, code, signal);
        fail(new PrunerModuleError(`check-pruner: '${this.init.file}' ended while loading: ${reason.message}`));
      });
      proc.once('error', (e) =>
        fail(new PrunerModuleError(`check-pruner: could not start the process for '${this.init.file}': ${e.message}`)),
      );
    });
  }

  startBudget(budgetSeconds: number, whenUsedUp: WhenBudgetUsedUp = 'fail'): void {
    this.budget.start(budgetSeconds, whenUsedUp);
  }

  budgetGraceSeconds(budgetSeconds: number): number {
    return this.budget.graceSeconds(budgetSeconds);
  }

  async prune(input: PruneInput): Promise<PruneResult> {
    const shape = `n = ${input.n}, N = ${input.features.width}, m = ${input.features.m}`;
    await this.budget.admit(shape);
    await this.ensureChild();
    const limitMs = this.budget.callLimitMs;
    const id = this.nextId++;
    const request: PruneRequest = { id, input: shipInput(input) };
    return new Promise<PruneResult>((resolve, reject) => {
      const timer = setTimeout(
        () => this.timedOut(id, `prune (${shape}) timed out after ${secondsText(limitMs)}; its process was stopped`),
        limitMs,
      );
      this.pending.set(id, { resolve, reject, timer });
      this.child!.process.send(request);
    });
  }

  private async ensureChild(): Promise<void> {
    if (this.child) return;
    if (this.starting) await this.starting.catch(() => undefined);
    this.starting = null;
    if (!this.child) await this.start();
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
    this.stopChild(new PrunerTimeoutError(message));
    call.reject(new PrunerTimeoutError(message));
  }

  /** The process ended on its own (or was stopped for memory): every call in flight fails with why. */
  private crashed(child: Child, reason: Error): void {
    if (this.child !== child) return;
    this.stopChild(reason);
  }

  private stopChild(reason: Error): void {
    const child = this.child;
    this.child = null;
    for (const [id, call] of this.pending) {
      clearTimeout(call.timer);
      this.pending.delete(id);
      call.reject(reason);
    }
    if (child) {
      child.memory.stop();
      child.process.channel?.unref();
      child.process.kill('SIGKILL');
    }
    if (!this.closed) this.starting = this.start();
    this.starting?.catch(() => undefined); // a failed restart is retried, and reported, by the next call
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.starting?.catch(() => undefined);
    const child = this.child;
    this.child = null;
    if (!child) return;
    child.memory.stop();
    if (child.process.exitCode !== null || child.process.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.process.once('exit', () => resolve()));
    child.process.ref(); // an unreferenced child's exit would not keep this process waiting for it
    child.process.kill('SIGKILL');
    await exited;
  }
}

/**
 * Loads the module at the absolute `path` in a child process and returns the proxy of its Pruner. Throws
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
  const maxMemoryMb = checkMemoryCap(opts.maxMemoryMb ?? DEFAULT_MAX_MEMORY_MB, 'loadIsolatedPruner');
  const proxy = new IsolatedPrunerProxy({ path, file, backend: opts.backend }, callTimeoutSeconds, maxMemoryMb);
  await proxy.start();
  return proxy;
}
