/**
 * The Python the interop tests run: python3 with NumPy (on the project's machine image), and Debian's
 * /usr/bin/python3 with the `onnx` package (`apt-get install python3-onnx`) to write ONNX files the way other
 * tools do. A missing one FAILS the tests that need it, with what to install; they never skip silently.
 */
import { spawnSync } from 'node:child_process';
import { pythonInterpreter } from '../../../src/interop/python/python-pruner';

/** The interpreter with the onnx package (Debian's). */
export const ONNX_PYTHON = '/usr/bin/python3';

function probe(python: string, code: string, what: string, install: string): void {
  const r = spawnSync(python, ['-c', code], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : r.stderr.trim().split('\n').pop();
    throw new Error(`these tests need ${what} (${python}: ${why}); ${install}`);
  }
}

/** Throws, naming what is missing, unless the default interpreter has NumPy. */
export function requirePythonWithNumpy(): string {
  const python = pythonInterpreter();
  probe(
    python,
    'import numpy',
    'Python 3 with NumPy',
    'install them, or set PRUNEPROOF_PYTHON to an interpreter that has NumPy',
  );
  return python;
}

/** Throws, naming what is missing, unless /usr/bin/python3 has the onnx package. */
export function requireOnnxPython(): string {
  probe(ONNX_PYTHON, 'import onnx, numpy', "the Python package 'onnx'", 'run: apt-get install -y python3-onnx');
  return ONNX_PYTHON;
}

/** Runs a Python script (stdin) with `python`; throws with its stderr when it fails. */
export function runPython(python: string, script: string, args: string[] = []): string {
  const r = spawnSync(python, ['-', ...args], { input: script, encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`${python} failed: ${r.error?.message ?? r.stderr}`);
  return r.stdout;
}
