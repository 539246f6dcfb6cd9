/**
 * `pruneproof check-pruner <module>`: the shipped JavaScript and Python examples, module loading errors, time-outs,
 * exit codes 0 / 1 / 2.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main';
import { captureCliPerTest } from './capture';
import { loadPrunerModule } from '../../src/cli/check-pruner';
import type { PrunerReportDocument } from '../../src/report/properties/report';
import { validatePropertyReport } from '../../src/report/properties/schema';
import { requirePythonWithNumpy } from '../interop/python/require-python';

const io = captureCliPerTest('pruneproof-cli-check-');

const common = () => ['--quick', '--db', join(io.dir, 'db'), '--out', join(io.dir, 'reports'), '--quiet'];

function readReport(): { doc: PrunerReportDocument; md: string } {
  const [runId] = readdirSync(join(io.dir, 'reports'));
  const doc = JSON.parse(readFileSync(join(io.dir, 'reports', runId, 'report.json'), 'utf8')) as PrunerReportDocument;
  expect(validatePropertyReport(doc).valid).toBe(true);
  return { doc, md: readFileSync(join(io.dir, 'reports', runId, 'report.md'), 'utf8') };
}

describe('pruneproof check-pruner', () => {
  it('catches examples/pruners/broken-pruner.js (exit 1): the report says which contract broke, why, and the shrunk counterexample', async () => {
    expect(await main(['check-pruner', 'examples/pruners/broken-pruner.js', ...common()])).toBe(1);
    const { doc, md } = readReport();
    expect(doc.passed).toBe(false);
    expect(doc.brokenContracts).toEqual(['CONTRACT-size']);
    expect(doc.module).toBe('examples/pruners/broken-pruner.js');
    expect(md).toContain('**BREAKS ITS CONTRACT**: [CONTRACT-size](report.html#CONTRACT-size).');
    expect(md).toContain(
      '- **What failed:** returned 2 picks for n = 1 (N = 2): a pruner must return a multiset of exactly n neurons',
    );
    expect(md).toContain('"width": 2,\n  "n": 1,');
    expect(io.stdout.join('')).toContain("Pruner 'broken-fixed-size' BREAKS ITS CONTRACT");
  });

  it('passes examples/pruners/good-pruner.js (exit 0) with claims and the comparison with greedy, random and magnitude', async () => {
    expect(await main(['check-pruner', 'examples/pruners/good-pruner.js', ...common(), '--time-limit', '1.5'])).toBe(0);
    const { doc, md } = readReport();
    expect(doc.passed).toBe(true);
    expect(doc.claims.map((c) => c.id)).toEqual([
      'INV-B2',
      'INV-B2-prime',
      'INV-FW-rate',
      'CLAIM-B3-loss',
      'CLAIM-FW-exponent',
    ]);
    expect(doc.comparison?.pruners).toEqual(['stochastic-greedy', 'greedy', 'random', 'magnitude']);
    expect(md).toContain('**CONFORMS**');
    expect(md).toContain('## Comparison with greedy, random and magnitude');
  });

  it('exit 2 with a message naming the file and what was expected: missing file, no Pruner exported, load error', async () => {
    expect(await main(['check-pruner', 'no/such/pruner.js', ...common()])).toBe(2);
    expect(io.stderr.join('')).toContain(
      `pruneproof: error: check-pruner: pruner module 'no/such/pruner.js' not found (looked for ${resolve('no/such/pruner.js')})`,
    );

    const notAPruner = join(io.dir, 'not-a-pruner.js');
    writeFileSync(notAPruner, 'module.exports = { helper() {}, version: 2 };\n');
    expect(await main(['check-pruner', notAPruner, ...common()])).toBe(2);
    expect(io.stderr.join('')).toContain(
      `check-pruner: '${notAPruner}' does not export a Pruner: expected module.exports (or its 'default' or 'pruner' export) to be a Pruner`,
    );
    expect(io.stderr.join('')).toContain('got an object with keys [helper, version]');

    const throwing = join(io.dir, 'throws.js');
    writeFileSync(throwing, "throw new Error('cannot start');\n");
    expect(await main(['check-pruner', throwing, ...common()])).toBe(2);
    expect(io.stderr.join('')).toContain(`check-pruner: could not load pruner module '${throwing}': cannot start`);
  });

  it('finds the pruner under a default or pruner export', async () => {
    const wrapped = join(io.dir, 'wrapped.js');
    writeFileSync(
      wrapped,
      `exports.pruner = require(${JSON.stringify(resolve('examples/pruners/broken-pruner.js'))});\n`,
    );
    expect((await loadPrunerModule(wrapped)).pruner.name).toBe('broken-fixed-size');
    const viaDefault = join(io.dir, 'default.js');
    writeFileSync(
      viaDefault,
      `exports.default = { name: 'd', prune() { return { selection: [0], lossPerStep: [0] }; } };\n`,
    );
    const loaded = await loadPrunerModule(viaDefault);
    expect(loaded.pruner.name).toBe('d');
    expect(loaded.hash).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('pruneproof check-pruner runs the pruner isolated, every call bounded in time', () => {
  const fixture = (name: string) => resolve(__dirname, '../fixtures/pruners', name);

  it.each([
    ['never-settles.js', 'a Promise that never settles', ['--call-timeout', '0.5'], 'timed out after 0.5 s'],
    ['busy-loop.js', 'a synchronous infinite loop', [], 'timed out after 1 s'],
    ['slow.js', 'an answer after 10 minutes, --time-limit 1', [], 'timed out after 1 s'],
  ])(
    '%s (%s): a contract failure "timed out after X s" with its case, exit 1, report written',
    async (file, _what, flags, message) => {
      expect(await main(['check-pruner', fixture(file), ...common(), '--time-limit', '1', ...flags])).toBe(1);
      const { doc, md } = readReport();
      expect(doc.passed).toBe(false);
      // The contract that calls prune on a valid input FAILs with the time-out and the case that caused it.
      expect(doc.brokenContracts).toContain('CONTRACT-valid-multiset');
      const failed = doc.contracts.find((c) => c.id === 'CONTRACT-valid-multiset')!;
      expect(failed.counterexample?.detail).toMatch(
        /prune \(n = \d+, N = \d+, m = \d+\) timed out after [\d.]+ s; its process was stopped/,
      );
      expect(failed.counterexample?.detail).toContain(message);
      expect(failed.counterexample?.case).toMatchObject({ n: expect.any(Number), width: expect.any(Number) });
      expect(md).toContain('timed out after');
      // Each property within its budget plus the grace for one call (the 10 minutes of slow.js are never waited for).
      for (const c of doc.contracts) expect(c.seconds).toBeLessThan(60);
    },
  );

  it('a pruner that crashes its thread: a contract failure with the error, exit 1', async () => {
    expect(await main(['check-pruner', fixture('crashes.js'), ...common(), '--time-limit', '1'])).toBe(1);
    const { doc } = readReport();
    const failed = doc.contracts.find((c) => c.id === 'CONTRACT-valid-multiset')!;
    expect(failed.counterexample?.detail).toContain("the pruner's process crashed: Error: out of cheese");
  });
});

describe('pruneproof check-pruner with a Python pruner (real python3 and NumPy)', () => {
  const fixture = (name: string) => resolve(__dirname, '../fixtures/pruners', name);
  beforeAll(() => {
    requirePythonWithNumpy();
  });

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
    expect(md).toContain('**BREAKS ITS CONTRACT**: [CONTRACT-reported-losses](report.html#CONTRACT-reported-losses).');
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
