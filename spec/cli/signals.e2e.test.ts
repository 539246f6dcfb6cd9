/**
 * SIGINT and SIGTERM at each phase of `verify` (after start-up, mid-sweep, during the final analysis), REPEATS
 * times each on the built CLI: every time the exit code is 130 / 143 (never 0, never a native crash's 134), and
 * nothing partial is left: no report (a report is only written after the analysis, and a signal stops that), no
 * temporary or lock file in the store or the output directory. Two worker threads, so a signal also lands while
 * another run is inside an engine call. A tiny sweep keeps each process to seconds.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MANIFEST_DIR } from '../../src/store/run-store';

const CLI = resolve(__dirname, '../../dist/src/cli/main.js');
const REPEATS = 20;
/** Processes at once (the machine has two cores). */
const PARALLEL = 2;
const SWEEP = ['--quick', '--m', '10,20', '--seeds', '1', '--width', '12', '--iterations', '10'];
/** Two worker threads: a signal lands while a run is inside an engine call on another thread (the native-crash case). */
const SWEEP_TAIL = ['--n', '2,4', '--checkpoints', '3', '--workers', '2'];

/** Where in the run the signal is sent: once stderr matches the marker. */
const PHASES = {
  'start-up (config built, engine loading)': /run id /,
  'mid-sweep (first run stored)': /run 1\/2 /,
  'final analysis (last run stored)': /run 2\/2 /,
} as const;
const SIGNALS = { SIGINT: 130, SIGTERM: 143 } as const;
/** A hang guard only (REPEATS processes of seconds each; a loaded machine stretches them). */
const GUARD_MS = 30 * 60 * 1000;

let dir: string;
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  dir = mkdtempSync(join(tmpdir(), 'pruneproof-signals-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  sent: boolean;
  err: string;
  leftovers: string[];
}

/** Entries no interrupted run may leave: temporaries, locks, parked directories, and a report. */
function leftovers(store: string, out: string): string[] {
  const hidden = (d: string) => (existsSync(d) ? readdirSync(d).filter((n) => /^\.(tmp|lock|old)-/.test(n)) : []);
  const reports = existsSync(out) ? readdirSync(out).filter((n) => !n.startsWith('.')) : [];
  return [...hidden(store), ...hidden(join(store, MANIFEST_DIR)), ...hidden(out), ...reports.map((r) => `report ${r}`)];
}

let spawned = 0;

function interrupted(marker: RegExp, signal: NodeJS.Signals): Promise<Outcome> {
  const k = spawned++;
  const store = join(dir, `store-${k}`);
  const out = join(dir, `out-${k}`);
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, 'verify', ...SWEEP, ...SWEEP_TAIL, '--store', store, '--out', out], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    let sent = false;
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      if (!sent && marker.test(err)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.on('error', fail);
    child.on('close', (code, killedBy) =>
      done({ code, signal: killedBy, sent, err, leftovers: leftovers(store, out) }),
    );
  });
}

/** Runs `count` interrupted processes, PARALLEL at a time. */
async function repeat(marker: RegExp, signal: NodeJS.Signals, count: number): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  const lane = async () => {
    while (next < count) {
      outcomes[next++] = await interrupted(marker, signal);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, lane));
  return outcomes;
}

describe.each(Object.entries(PHASES))('a signal at %s', (_phase, marker) => {
  it.each(Object.entries(SIGNALS))(
    `%s, ${REPEATS} times: exit %i every time, nothing partial left`,
    async (signal, code) => {
      const outcomes = await repeat(marker, signal as NodeJS.Signals, REPEATS);
      const tally = outcomes.map((o) => (o.sent ? `${o.code ?? o.signal}` : 'not sent'));
      expect(tally).toEqual(Array(REPEATS).fill(String(code)));
      expect(outcomes.flatMap((o) => o.leftovers)).toEqual([]);
      expect(outcomes.filter((o) => /terminate called|FATAL ERROR|Napi::Error/.test(o.err))).toEqual([]);
    },
    GUARD_MS,
  );
});
