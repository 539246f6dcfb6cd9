/**
 * The time bounds of an out-of-process pruner's calls, shared by the JavaScript child process
 * (isolated-pruner.ts) and the Python bridge: a per-call limit (--call-timeout), further bounded by the budget
 * of the phase under way (the --time-limit of a property or of the comparison).
 */
import { PrunerTimeoutError } from './errors';
import { PrunerModuleError } from './pruner-module';

/**
 * What a call does once the phase's budget is used up: 'fail' throws PrunerTimeoutError at once (the comparison);
 * 'stall' waits past the end of the budget plus its grace (a property: its runner interrupts then and ignores the
 * call, instead of shrinking towards cases that only "failed" because no time was left), then throws.
 */
export type WhenBudgetUsedUp = 'fail' | 'stall';

/** Loading starts the process, its runtime (tfjs, or NumPy) and the module: at least this long, whatever the call limit. */
const MIN_LOAD_TIMEOUT_MS = 30_000;

/** Slack between a call's time-out and the runner's interrupt, so that the time-out is seen first. */
const GRACE_MARGIN_MS = 500;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** A duration for messages, in seconds to one decimal, e.g. "1.5 s". */
export function secondsText(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** One pruner's call limit and the phase budget it is held to. */
export class CallBudget {
  private deadline = Infinity;
  private budgetSeconds = Infinity;
  private whenUsedUp: WhenBudgetUsedUp = 'fail';
  private limitMs: number;

  /** @param callTimeoutMs - the per-call limit (--call-timeout), in ms. */
  constructor(readonly callTimeoutMs: number) {
    this.limitMs = callTimeoutMs;
  }

  /** The limit of a call started now: min(--call-timeout, the phase's budget), in ms. */
  get callLimitMs(): number {
    return this.limitMs;
  }

  /** A phase of `seconds` starts: calls may start until its end, each bounded by the call limit from its start. */
  start(seconds: number, whenUsedUp: WhenBudgetUsedUp = 'fail'): void {
    this.deadline = Date.now() + seconds * 1000;
    this.budgetSeconds = seconds;
    this.limitMs = Math.min(this.callTimeoutMs, seconds * 1000);
    this.whenUsedUp = whenUsedUp;
  }

  /** What a phase of `seconds` must allow beyond its end, so a call started just before it can time out visibly. */
  graceSeconds(seconds: number): number {
    return (Math.min(this.callTimeoutMs, seconds * 1000) + 2 * GRACE_MARGIN_MS) / 1000;
  }

  /**
   * Starts the time limit of loading the module `file`: past max(--call-timeout, 30 s), `fail` receives a
   * PrunerModuleError naming the file and the likely cause.
   */
  loadTimer(file: string, likelyCause: string, fail: (e: Error) => void): NodeJS.Timeout {
    const limitMs = Math.max(this.callTimeoutMs, MIN_LOAD_TIMEOUT_MS);
    const message = `check-pruner: loading '${file}' did not finish within ${secondsText(limitMs)} (${likelyCause})`;
    return setTimeout(() => fail(new PrunerModuleError(message)), limitMs);
  }

  /**
   * Before a call: nothing while the phase has time left; once it is used up, a PrunerTimeoutError naming the call
   * (`shape`), thrown at once ('fail') or after the phase's end plus its grace ('stall').
   */
  async admit(shape: string): Promise<void> {
    if (Date.now() < this.deadline) return;
    if (this.whenUsedUp === 'stall') await sleep(this.deadline + this.limitMs + 3 * GRACE_MARGIN_MS - Date.now());
    throw new PrunerTimeoutError(`prune (${shape}) not started: the time limit of ${this.budgetSeconds} s is used up`);
  }
}
