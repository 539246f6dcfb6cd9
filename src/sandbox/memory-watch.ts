/**
 * The memory cap of a pruner's process (--max-memory), shared by the JavaScript child process and the Python
 * bridge: its resident memory is polled, and past the cap the process is killed and the kill remembered, so that
 * its end is reported as "exceeded memory", not as a crash or a time-out.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Memory cap of a pruner's process, in MB, unless --max-memory says otherwise. */
export const DEFAULT_MAX_MEMORY_MB = 2048;
/** The smallest memory cap a pruner's process starts under (node and tfjs need about that much). */
export const MIN_MAX_MEMORY_MB = 64;
/** How often the process's resident memory is read. */
const MEMORY_POLL_MS = 100;

/** Resident memory of a process in MB (Linux /proc), or null where it cannot be read. */
function residentMb(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Watches one process until it exits or `stop` is called. */
export class MemoryWatch {
  /** Set when the watch killed the process: what went over the cap, e.g. "resident memory 2101 MB". */
  over: string | null = null;
  private readonly poll: NodeJS.Timeout;

  /**
   * @param child - the pruner's process.
   * @param capMb - its cap in MB.
   */
  constructor(
    private readonly child: ChildProcess,
    readonly capMb: number,
  ) {
    this.poll = setInterval(() => this.check(), MEMORY_POLL_MS);
    this.poll.unref();
    child.once('exit', () => this.stop());
  }

  stop(): void {
    clearInterval(this.poll);
  }

  private check(): void {
    const pid = this.child.pid;
    const rss = pid === undefined ? null : residentMb(pid);
    if (rss === null || rss <= this.capMb || this.over) return;
    this.over = `resident memory ${Math.round(rss)} MB`;
    this.child.kill('SIGKILL');
  }
}

/** Throws RangeError unless `capMb` is a finite number ≥ MIN_MAX_MEMORY_MB; returns it rounded to whole MB. */
export function checkMemoryCap(capMb: number, operation: string): number {
  if (!(capMb >= MIN_MAX_MEMORY_MB && Number.isFinite(capMb))) {
    throw new RangeError(`${operation}: maxMemoryMb must be a finite number ≥ ${MIN_MAX_MEMORY_MB}, got ${capMb}`);
  }
  return Math.round(capMb);
}

/** The error a process stopped over its cap ends calls with. */
export function memoryExceeded(over: string, capMb: number): string {
  return `the pruner exceeded memory (${over} over the cap of ${capMb} MB, --max-memory); its process was stopped`;
}
