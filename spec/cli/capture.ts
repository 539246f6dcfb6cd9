/** Shared by the CLI tests: a fresh temp directory per test and everything the CLI prints, captured. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';

export interface CliCapture {
  dir: string;
  stdout: string[];
  stderr: string[];
}

/** Installs beforeEach/afterEach hooks; read the fields of the returned object inside tests. */
export function captureCliPerTest(prefix: string): CliCapture {
  const capture: CliCapture = { dir: '', stdout: [], stderr: [] };
  beforeEach(() => {
    capture.dir = mkdtempSync(join(tmpdir(), prefix));
    capture.stdout = [];
    capture.stderr = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (capture.stdout.push(String(chunk)), true));
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (capture.stderr.push(String(chunk)), true));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(capture.dir, { recursive: true, force: true });
  });
  return capture;
}

/** Runs the CLI in-process once and returns its exit code and everything it printed. */
export async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const so = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const se = jest
    .spyOn(process.stderr, 'write')
    .mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    return { code: await main(args), out, err };
  } finally {
    so.mockRestore();
    se.mockRestore();
  }
}
