/**
 * Progress of long runs on stderr: the current run, its phase, elapsed time and an ETA from the
 * fraction done. On a TTY the line is rewritten in place; elsewhere (CI, logs) one line per event
 * is printed at most every few seconds, so logs stay readable.
 */
export interface ProgressState {
  /** Fraction of the whole job done, in [0, 1]. */
  fraction: number;
  label: string;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export class ProgressReporter {
  private readonly started = Date.now();
  private lastPrinted = 0;
  private lastLength = 0;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly quiet = false,
    private readonly minIntervalMs = stream.isTTY ? 100 : 5000,
  ) {}

  update(state: ProgressState, force = false): void {
    if (this.quiet) return;
    const now = Date.now();
    if (!force && now - this.lastPrinted < this.minIntervalMs) return;
    this.lastPrinted = now;
    const elapsed = (now - this.started) / 1000;
    const eta = state.fraction > 0.01 ? (elapsed * (1 - state.fraction)) / state.fraction : NaN;
    const width = 24;
    const filled = Math.round(Math.min(1, Math.max(0, state.fraction)) * width);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(state.fraction * 100).toFixed(0).padStart(3)}%`;
    const line = `${bar} ${state.label} | elapsed ${formatDuration(elapsed)} | ETA ${formatDuration(eta)}`;
    if (this.stream.isTTY) {
      this.stream.write(`\r${line.padEnd(this.lastLength)}`);
      this.lastLength = line.length;
    } else {
      this.stream.write(`${line}\n`);
    }
  }

  /** Print a message on its own line (ends an in-place progress line first). */
  log(message: string): void {
    if (this.quiet) return;
    if (this.stream.isTTY && this.lastLength > 0) {
      this.stream.write('\n');
      this.lastLength = 0;
    }
    this.stream.write(`${message}\n`);
  }

  elapsedSeconds(): number {
    return (Date.now() - this.started) / 1000;
  }
}
