/** Shared by the CLI tests: a fresh temp directory per test and everything the CLI prints, captured. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
