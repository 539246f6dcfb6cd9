/**
 * A pruner written in Python, run in one child process per run behind the same Pruner-shaped, time-limited proxy
 * as a JavaScript pruner (src/sandbox/isolated-pruner.ts): `startBudget`, `budgetGraceSeconds`, `close`. The
 * process runs python/pruneproof_bridge.py, which loads the user's module and answers `prune` requests in the
 * framed protocol of ./frames.ts. Each call ships the factors of the features (ReLU(XWᵀ) and neuronScale·v, float32,
 * as the checks hold them), the targets and the weights; the shim builds the (N, m, C) float64 features of the
 * module interface from them exactly (a float64 product of two float32 values is exact).
 *
 * A call past its time limit kills the process and throws PrunerTimeoutError; a Python exception throws a
 * PythonError with the exception's last line and the last frames of its traceback; a process that exits or
 * breaks the protocol throws PrunerCrashError with the last lines of its stderr. The next call starts a fresh
 * process. Nothing here waits on the process without a time limit.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PruneInput, PruneResult } from '../../pruning/types';
import { CallBudget, secondsText, type WhenBudgetUsedUp } from '../../sandbox/call-budget';
import { PrunerCrashError, PrunerMemoryError, PrunerTimeoutError } from '../../sandbox/errors';
import { checkMemoryCap, DEFAULT_MAX_MEMORY_MB, memoryExceeded, MemoryWatch } from '../../sandbox/memory-watch';
import { DEFAULT_CALL_TIMEOUT_SECONDS, type IsolatedPruner } from '../../sandbox/isolated-pruner';
import { PrunerModuleError } from '../../sandbox/pruner-module';
import { encodeFrame, FrameError, FrameReader, type Frame, type FrameArray } from './frames';

/** The interpreter used when neither --python nor PRUNEPROOF_PYTHON names one. */
export const DEFAULT_PYTHON = 'python3';
/** The environment variable naming the interpreter. */
export const PYTHON_ENV = 'PRUNEPROOF_PYTHON';
/** How much of the process's stderr is kept to explain a crash. */
const STDERR_TAIL_CHARS = 2000;
const HOW_TO_CHOOSE = `point at another interpreter with --python PATH or the environment variable ${PYTHON_ENV}`;

/** A Python exception raised by the pruner (its type, message and last traceback frames are in the message). */
export class PythonError extends Error {
  override name = 'PythonError';
}

export interface PythonPrunerOptions {
  /** The interpreter: --python, else PRUNEPROOF_PYTHON, else python3 (see `pythonInterpreter`). */
  python?: string;
  /** Seconds one `prune` call may take; default DEFAULT_CALL_TIMEOUT_SECONDS. */
  callTimeoutSeconds?: number;
  /** Memory cap of the Python process in MB (resident memory, polled); default DEFAULT_MAX_MEMORY_MB. */
  maxMemoryMb?: number;
}

/** What the process reported when it started. */
export interface PythonRuntime {
  /** The interpreter as given (command or path). */
  interpreter: string;
  /** sys.executable, Python's and NumPy's versions. */
  executable: string;
  python: string;
  numpy: string;
}

/** A Python pruner behind the isolated-pruner interface. */
export interface PythonPruner extends IsolatedPruner {
  readonly runtime: PythonRuntime;
}

/** The interpreter to run: the flag's value, else PRUNEPROOF_PYTHON, else python3. */
export function pythonInterpreter(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? (env[PYTHON_ENV] || DEFAULT_PYTHON);
}

/** Whether a pruner path names a Python module. */
export function isPythonModulePath(path: string): boolean {
  return path.toLowerCase().endsWith('.py');
}

/** The shim shipped in the package: <package>/python/pruneproof_bridge.py, from src/ or from dist/src/. */
export function bridgeScript(): string {
  const candidates = [3, 4].map((up) =>
    join(__dirname, ...Array<string>(up).fill('..'), 'python', 'pruneproof_bridge.py'),
  );
  const found = candidates.find((p) => existsSync(p));
  if (!found)
    throw new Error(`pruneproof: the Python bridge is missing from the package (looked for ${candidates[0]})`);
  return found;
}

/** Children still running when Node exits are killed: a pruner in an endless loop must not outlive pruneproof. */
const liveChildren = new Set<ChildProcessWithoutNullStreams>();
let exitHookInstalled = false;
function track(child: ChildProcessWithoutNullStreams): void {
  liveChildren.add(child);
  child.once('close', () => liveChildren.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of liveChildren) c.kill('SIGKILL');
    });
  }
}

/** The arrays of one request: the features' factors and targets as the checks hold them, and the weights. */
function requestArrays(input: PruneInput): FrameArray[] {
  const { features, weights } = input;
  const { m, width: N, outputs: C } = features;
  const f4 = (name: string, shape: number[], data: Float32Array): FrameArray => ({ name, dtype: '<f4', shape, data });
  return [
    f4('activations', [m, N], features.activations.dataSync() as Float32Array),
    f4('out_weights', [N, C], features.outWeights.dataSync() as Float32Array),
    f4('targets', [m, C], input.targets.dataSync() as Float32Array),
    f4('W', [N, weights.inputDim], weights.w),
    f4('v', [N, C], weights.v),
  ];
}

interface TracebackHeader {
  last_line?: unknown;
  message?: unknown;
  traceback?: unknown;
}

/** "ValueError: boom (traceback, last frames: pruner.py:12 in prune: raise ValueError('boom'))". */
export function describePythonException(header: TracebackHeader): string {
  const last = typeof header.last_line === 'string' ? header.last_line : String(header.message ?? 'error');
  const frames = Array.isArray(header.traceback) ? header.traceback.filter((f) => typeof f === 'string') : [];
  return frames.length ? `${last} (traceback, last frames: ${frames.join(' → ')})` : last;
}

interface PendingCall {
  resolve: (r: PruneResult) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

interface Running {
  child: ChildProcessWithoutNullStreams;
  reader: FrameReader;
  stderrTail: string;
  memory: MemoryWatch;
}

class PythonPrunerProxy implements PythonPruner {
  name = '';
  prefixConsistent: boolean | undefined;
  runtime: PythonRuntime;
  private running: Running | null = null;
  private starting: Promise<void> | null = null;
  private readonly pending = new Map<number, PendingCall>();
  private nextId = 0;
  private closed = false;
  private readonly budget: CallBudget;

  constructor(
    private readonly path: string,
    private readonly file: string,
    private readonly interpreter: string,
    callTimeoutSeconds: number,
    private readonly maxMemoryMb: number,
  ) {
    this.budget = new CallBudget(callTimeoutSeconds * 1000);
    this.runtime = { interpreter, executable: '', python: '', numpy: '' };
  }

  /** Starts a process and waits until it has loaded the module (bounded in time). */
  async start(): Promise<void> {
    const child = spawn(this.interpreter, [bridgeScript(), this.path], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    track(child);
    const memory = new MemoryWatch(child, this.maxMemoryMb);
    const running: Running = { child, reader: new FrameReader(), stderrTail: '', memory };
    child.stderr.on('data', (chunk: Buffer) => {
      // The pruner's prints go to our stderr (stdout may carry --json); the tail explains a crash.
      process.stderr.write(chunk);
      running.stderrTail = (running.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
    });
    child.stdin.on('error', () => undefined); // a dead process: its 'close' reports it
    const ready = await this.waitUntilLoaded(running);
    this.name = typeof ready.header.name === 'string' ? ready.header.name : this.file;
    const prefix = ready.header.prefix_consistent;
    this.prefixConsistent = typeof prefix === 'boolean' ? prefix : undefined;
    this.runtime = {
      interpreter: this.interpreter,
      executable: String(ready.header.executable ?? ''),
      python: String(ready.header.python ?? ''),
      numpy: String(ready.header.numpy ?? ''),
    };
    this.running = running;
    child.stdout.on('data', (chunk: Buffer) => this.received(running, chunk));
    child.once('close', (code, signal) => this.exited(running, code, signal));
    for (const stream of [child.stdout, child.stderr, child.stdin]) (stream as { unref?: () => void }).unref?.();
    child.unref();
  }

  private waitUntilLoaded(running: Running): Promise<Frame> {
    const { child } = running;
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (e: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(e);
      };
      const timer = this.budget.loadTimer(this.file, 'e.g. a long computation at the top level of the module', fail);
      const onData = (chunk: Buffer) => {
        let frames: Frame[];
        try {
          frames = running.reader.push(chunk);
        } catch (e) {
          return fail(
            new PrunerModuleError(
              `check-pruner: the Python bridge for '${this.file}' broke the protocol: ${(e as Error).message}`,
            ),
          );
        }
        if (frames.length === 0) return;
        child.stdout.off('data', onData);
        const first = frames[0];
        if (first.header.kind === 'ready') {
          settled = true;
          clearTimeout(timer);
          resolve(first);
        } else fail(this.loadError(first));
      };
      child.stdout.on('data', onData);
      child.once('error', (e: NodeJS.ErrnoException) => fail(this.spawnError(e)));
      child.once('close', (code, signal) => {
        const how = signal ? `signal ${signal}` : `code ${code}`;
        const tail = running.stderrTail.trim();
        fail(
          new PrunerModuleError(
            `check-pruner: '${this.interpreter}' exited (${how}) before loading '${this.file}'` +
              (tail ? `: ${lastLines(tail)}` : '') +
              `; pruneproof needs Python 3.7+ with NumPy: ${HOW_TO_CHOOSE}`,
          ),
        );
      });
    });
  }

  private spawnError(e: NodeJS.ErrnoException): Error {
    const what = e.code === 'ENOENT' ? 'not found' : `cannot be started (${e.code ?? e.message})`;
    return new PrunerModuleError(
      `check-pruner: the Python interpreter '${this.interpreter}' ${what}; a Python pruner needs Python 3.7+ with NumPy: install it, or ${HOW_TO_CHOOSE}`,
    );
  }

  private loadError(frame: Frame): Error {
    const h = frame.header;
    if (h.kind === 'missing') {
      return new PrunerModuleError(
        `check-pruner: ${String(h.what)} is missing for the Python interpreter '${this.interpreter}' (${String(h.found)}); ` +
          `install it for that interpreter, or ${HOW_TO_CHOOSE}`,
      );
    }
    if (h.kind === 'load-error' && h.last_line === undefined) {
      return new PrunerModuleError(
        `check-pruner: '${this.file}' is not a pruner module: ${String(h.message)} (expected prune(features, y, n, seed, weights) returning (selection, loss_per_step), and optionally name = "...")`,
      );
    }
    return new PrunerModuleError(
      `check-pruner: could not load pruner module '${this.file}': ${describePythonException(h)}`,
    );
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
    await this.ensureProcess();
    const running = this.running!;
    const limitMs = this.budget.callLimitMs;
    const id = this.nextId++;
    const header = {
      kind: 'prune',
      id,
      n: input.n,
      seed: input.seed,
      parameterisation: input.weights.parameterisation,
    };
    const chunks = encodeFrame(header, requestArrays(input));
    return new Promise<PruneResult>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          this.timedOut(id, `prune (${shape}) timed out after ${secondsText(limitMs)}; its Python process was stopped`),
        limitMs,
      );
      this.pending.set(id, { resolve, reject, timer });
      for (const chunk of chunks) running.child.stdin.write(chunk);
    });
  }

  private async ensureProcess(): Promise<void> {
    if (this.running) return;
    if (this.starting) await this.starting.catch(() => undefined);
    this.starting = null;
    if (!this.running) await this.start();
  }

  private received(running: Running, chunk: Buffer): void {
    if (this.running !== running) return;
    let frames: Frame[];
    try {
      frames = running.reader.push(chunk);
    } catch (e) {
      const why = e instanceof FrameError ? e.message : String(e);
      this.stopProcess(new PrunerCrashError(`the Python bridge broke the protocol (${why}); its process was stopped`));
      return;
    }
    for (const frame of frames) this.settle(frame);
  }

  private settle({ header, arrays }: Frame): void {
    const call = this.pending.get(header.id as number);
    if (!call) return;
    this.pending.delete(header.id as number);
    clearTimeout(call.timer);
    if (header.kind === 'result') {
      const selection = arrays.get('selection');
      const losses = arrays.get('loss_per_step');
      if (!selection || !losses)
        return call.reject(new PrunerCrashError('the Python bridge answered without a result'));
      call.resolve({ selection: Array.from(selection.data), lossPerStep: Array.from(losses.data) });
    } else call.reject(new PythonError(describePythonException(header)));
  }

  private timedOut(id: number, message: string): void {
    const call = this.pending.get(id);
    if (!call) return;
    this.pending.delete(id);
    this.stopProcess(new PrunerTimeoutError(message));
    call.reject(new PrunerTimeoutError(message));
  }

  /** The process ended on its own: every call in flight fails with why. */
  private exited(running: Running, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.running !== running) return;
    if (running.memory.over)
      return this.stopProcess(new PrunerMemoryError(memoryExceeded(running.memory.over, this.maxMemoryMb)));
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const tail = running.stderrTail.trim();
    const message =
      `the pruner's Python process ${how} (e.g. os._exit or a crash in native code)` +
      (tail ? `; last lines of its stderr: ${lastLines(tail)}` : '');
    this.stopProcess(new PrunerCrashError(message));
  }

  private stopProcess(reason: Error): void {
    const running = this.running;
    this.running = null;
    for (const [id, call] of this.pending) {
      clearTimeout(call.timer);
      this.pending.delete(id);
      call.reject(reason);
    }
    running?.child.kill('SIGKILL');
    if (!this.closed) this.starting = this.start();
    this.starting?.catch(() => undefined); // a failed restart is retried, and reported, by the next call
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.starting?.catch(() => undefined);
    const running = this.running;
    this.running = null;
    if (!running) return;
    const { child } = running;
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    child.stdin.end(); // the shim returns at the end of its input
    const killer = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(killer);
  }
}

/** The last three lines of a text, joined by " | " (for one-line messages). */
function lastLines(text: string): string {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .slice(-3)
    .join(' | ');
}

/**
 * Starts the Python process for the module at the absolute `path` (`file` as the user spelled it, for messages)
 * and returns its Pruner proxy. Throws PrunerModuleError when the interpreter or NumPy is missing, or the module
 * cannot be loaded or defines no `prune` (before any computing: the CLI exits 2).
 */
export async function loadPythonPruner(
  path: string,
  file: string,
  opts: PythonPrunerOptions = {},
): Promise<PythonPruner> {
  const callTimeoutSeconds = opts.callTimeoutSeconds ?? DEFAULT_CALL_TIMEOUT_SECONDS;
  if (!(callTimeoutSeconds > 0 && Number.isFinite(callTimeoutSeconds))) {
    throw new RangeError(`loadPythonPruner: callTimeoutSeconds must be a finite number > 0, got ${callTimeoutSeconds}`);
  }
  const maxMemoryMb = checkMemoryCap(opts.maxMemoryMb ?? DEFAULT_MAX_MEMORY_MB, 'loadPythonPruner');
  const proxy = new PythonPrunerProxy(path, file, pythonInterpreter(opts.python), callTimeoutSeconds, maxMemoryMb);
  await proxy.start();
  return proxy;
}
