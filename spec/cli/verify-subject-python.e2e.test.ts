/**
 * `verify --subject pruner.py`: the Python module is the subject of every pruner-facing check, run in one Python
 * process for the sweep; greedy_pruner.py's subnetworks are the built-in greedy's, loss for loss.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requirePythonWithNumpy } from '../interop/python/require-python';
import { runCli } from './capture';

let dir: string;
beforeAll(() => {
  requirePythonWithNumpy();
  dir = mkdtempSync(join(tmpdir(), 'pruneproof-subject-python-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Report {
  runs: Array<{
    checkpoints: Array<{ pruners: Array<{ pruner: string; subnetworks: Array<{ n: number; loss: number }> }> }>;
  }>;
}

describe('verify --subject pruner.py', () => {
  it("greedy_pruner.py as the subject: the report's subject subnetworks have the built-in greedy's losses", async () => {
    const out = join(dir, 'out');
    const args = ['verify', '--subject', 'examples/pruners/greedy_pruner.py', '--pruners', 'greedy', '--m', '20,30'];
    args.push('--seeds', '1', '--width', '8', '--n', '2,4', '--iterations', '5', '--checkpoints', '2');
    args.push('--out', out, '--store', join(dir, 'store'), '--quiet');
    const { code, err } = await runCli(args);
    expect([code, err.includes('error')]).toEqual([0, false]);
    const [runDir] = readdirSync(out);
    const report = JSON.parse(readFileSync(join(out, runDir, 'report.json'), 'utf8')) as Report;
    let compared = 0;
    for (const run of report.runs) {
      for (const checkpoint of run.checkpoints) {
        const by = (name: string) => checkpoint.pruners.find((p) => p.pruner === name)!.subnetworks;
        expect(by('numpy-greedy').map((s) => s.loss)).toEqual(by('greedy').map((s) => s.loss));
        compared += by('greedy').length;
      }
    }
    expect(compared).toBeGreaterThan(0);
  }, 180_000);
});
