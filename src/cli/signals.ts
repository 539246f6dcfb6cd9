/**
 * SIGINT and SIGTERM for a whole command: from its first line until its report is written, a signal is only
 * recorded and turned into an abort; the command stops at its next safe point (between engine calls, before
 * writing), writes nothing partial, and exits 130 (SIGINT) or 143 (SIGTERM), the codes schedulers requeue on.
 * A second signal exits at once.
 */
/** Exit codes of a process ended by a signal, by the shell's 128 + signal number convention. */
export const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;
export type HandledSignal = keyof typeof SIGNAL_EXIT;

/** Thrown at a safe point once a signal arrived; the command's exit code is the signal's. */
export class Interrupted extends Error {
  override name = 'Interrupted';
  constructor(readonly received: HandledSignal) {
    super(`interrupted by ${received}`);
  }
}

/** How many commands handle signals now; with none, a signal exits at once (installSignalExit). */
let handling = 0;

/**
 * For the CLI process: a SIGINT/SIGTERM that arrives while no command handles signals (start-up, commands that
 * write nothing partial anyway) exits at once with 130/143 instead of being killed by the signal.
 */
export function installSignalExit(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => {
      if (handling === 0) process.exit(SIGNAL_EXIT[signal]);
    });
}

/** The signals received during one command, as an AbortSignal and a check for safe points. */
export class Interruption {
  private readonly controller = new AbortController();
  /** The first signal received, or null. */
  received: HandledSignal | null = null;
  private readonly handlers: [HandledSignal, () => void][];

  constructor(private readonly command: string) {
    this.handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => [signal, () => this.onSignal(signal)]);
    for (const [signal, handler] of this.handlers) process.on(signal, handler);
    handling++;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  private onSignal(signal: HandledSignal): void {
    if (this.received) process.exit(SIGNAL_EXIT[this.received]);
    this.received = signal;
    process.stderr.write(
      `\n${this.command}: ${signal} received; stopping at the next safe point (again to stop now)\n`,
    );
    this.controller.abort();
  }

  /** Throws Interrupted when a signal has arrived: call it between phases and before writing anything. */
  throwIfInterrupted(): void {
    if (this.received) throw new Interrupted(this.received);
  }

  dispose(): void {
    for (const [signal, handler] of this.handlers) process.off(signal, handler);
    handling--;
  }
}

/**
 * Runs a command under an Interruption. Once a signal has arrived the command's outcome, result or error
 * alike (an abort surfaces as an error of the phase it stopped), becomes the signal's exit code.
 */
export async function interruptible(command: string, body: (i: Interruption) => Promise<number>): Promise<number> {
  const interruption = new Interruption(command);
  try {
    const code = await body(interruption);
    return interruption.received ? SIGNAL_EXIT[interruption.received] : code;
  } catch (e) {
    if (!interruption.received) throw e;
    if (!(e instanceof Interrupted)) {
      const detail = e instanceof Error ? e.message : String(e);
      if (e instanceof Error && e.name !== 'SweepInterrupted' && e.name !== 'AbortError')
        process.stderr.write(`${command}: while stopping: ${detail}\n`);
    }
    process.stderr.write(`${command}: stopped by ${interruption.received}; nothing partial was written\n`);
    return SIGNAL_EXIT[interruption.received];
  } finally {
    interruption.dispose();
  }
}
