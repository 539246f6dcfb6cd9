/**
 * `pruneproof check-pruner pruner.py` with the real python3 and NumPy: the shipped Python examples, a pruner that
 * never returns, one that raises, and the exit 2 of a missing interpreter, all through the CLI.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main';
import type { PrunerReportDocument } from '../../src/report/claims';
import { validatePropertyReport } from '../../src/report/claims-schema';
import { requirePythonWithNumpy } from '../interop/python/require-python';
import { captureCliPerTest } from './capture';

const io = captureCliPerTest('pruneproof-cli-check-python-');
const fixture = (name: string) => resolve(__dirname, '../fixtures/pruners', name);
const common = () => ['--quick', '--db', join(io.dir, 'db'), '--out', join(io.dir, 'reports'), '--quiet'];

beforeAll(() => {
  requirePythonWithNumpy();
});

function readReport(): { doc: PrunerReportDocument; md: string } {
  const [runId] = readdirSync(join(io.dir, 'reports'));
  const doc = JSON.parse(readFileSync(join(io.dir, 'reports', runId, 'report.json'), 'utf8')) as PrunerReportDocument;
  expect(validatePropertyReport(doc).valid).toBe(true);
  return { doc, md: readFileSync(join(io.dir, 'reports', runId, 'report.md'), 'utf8') };
}

describe('pruneproof check-pruner with a Python pruner', () => {
  it('examples/pruners/greedy_pruner.py --quick: exit 0, every contract met, compared with the built-ins', async () => {
    expect(await main(['check-pruner', 'examples/pruners/greedy_pruner.py', ...common()])).toBe(0);
    const { doc, md } = readReport();
    expect(doc.passed).toBe(true);
    expect(doc.pruner).toEqual({ name: 'numpy-greedy', prefixConsistent: true });
    // On a loaded machine a property may run out of its 8 s before 20 cases (UNDECIDED); none may FAIL.
    expect(doc.contracts.map((c) => c.id)).toHaveLength(6);
    for (const c of [...doc.contracts, ...doc.claims]) expect(c.verdict).not.toBe('FAIL');
    expect(doc.contracts.filter((c) => c.verdict === 'PASS').length).toBeGreaterThan(0);
    expect(doc.comparison?.pruners).toEqual(['numpy-greedy', 'greedy', 'random', 'magnitude']);
    // The same picks as the built-in greedy on every comparison case: the same losses.
    for (const c of doc.comparison!.cases) expect(c.losses['numpy-greedy']).toBe(c.losses.greedy);
    expect(md).toContain('**CONFORMS**');
  }, 300_000);

  it('examples/pruners/broken_pruner.py: exit 1 naming CONTRACT-reported-losses with its shrunk case', async () => {
    expect(await main(['check-pruner', 'examples/pruners/broken_pruner.py', ...common()])).toBe(1);
    const { doc, md } = readReport();
    expect(doc.brokenContracts).toEqual(['CONTRACT-reported-losses']);
    expect(md).toContain('**BREAKS ITS CONTRACT**: CONTRACT-reported-losses.');
    expect(io.stdout.join('')).toMatch(
      /CONTRACT-reported-losses .*: lossPerStep\[0\] = \S+ but the first 1 picks have measured loss/,
    );
  });

  it('a pruner that sleeps forever: exit 1 with "timed out", the report written, every property within its budget', async () => {
    const args = [
      'check-pruner',
      fixture('sleeps_forever.py'),
      ...common(),
      '--time-limit',
      '1',
      '--call-timeout',
      '0.5',
    ];
    expect(await main(args)).toBe(1);
    const { doc, md } = readReport();
    expect(doc.brokenContracts).toContain('CONTRACT-valid-multiset');
    const failed = doc.contracts.find((c) => c.id === 'CONTRACT-valid-multiset')!;
    expect(failed.counterexample?.detail).toMatch(
      /prune \(n = \d+, N = \d+, m = \d+\) timed out after 0.5 s; its Python process was stopped/,
    );
    expect(md).toContain('timed out after');
    for (const c of doc.contracts) expect(c.seconds).toBeLessThan(60);
  });

  it("a pruner that raises: exit 1 with its traceback's last line", async () => {
    expect(await main(['check-pruner', fixture('raises.py'), ...common(), '--time-limit', '1'])).toBe(1);
    const { doc } = readReport();
    const failed = doc.contracts.find((c) => c.id === 'CONTRACT-valid-multiset')!;
    expect(failed.counterexample?.detail).toMatch(
      /prune threw on a valid input .*: PythonError: ValueError: features of shape \(\d+, \d+, \d+\) are not what this pruner expects \(traceback, last frames: raises.py:9 in prune/,
    );
    expect(io.stdout.join('')).toContain('ValueError: features of shape');
  });

  it('exit 2 before computing when the interpreter is missing or the module defines no prune; nothing written', async () => {
    const python = ['--python', join(io.dir, 'no-such-python3')];
    expect(await main(['check-pruner', 'examples/pruners/greedy_pruner.py', ...common(), ...python])).toBe(2);
    expect(io.stderr.join('')).toMatch(
      /pruneproof: error: check-pruner: the Python interpreter '.*no-such-python3' not found; .*--python PATH or the environment variable PRUNEPROOF_PYTHON/,
    );
    expect(await main(['check-pruner', fixture('no_prune.py'), ...common()])).toBe(2);
    expect(io.stderr.join('')).toContain(
      'is not a pruner module: it defines no function prune(features, y, n, seed, weights)',
    );
    expect(() => readdirSync(join(io.dir, 'reports'))).toThrow();
  });
});
