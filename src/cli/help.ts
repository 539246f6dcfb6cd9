/** The text after `pruneproof --help`: every default (from src/experiment/defaults.ts, never copied); exit codes. */
import type { ExperimentConfig } from '../experiment/config';
import { DEFAULT_MNIST, DEFAULT_SYNTHETIC } from '../experiment/defaults';
import { DEFAULT_CALL_TIMEOUT_SECONDS } from '../testing/isolated-pruner';
import { DEFAULT_COUNTEREXAMPLE_DIR } from '../claims/store';
import { DEFAULT_SEED } from '../claims/session';

function defaultsOf(label: string, c: ExperimentConfig): string {
  const training = c.batchSize === null ? 'full-batch GD' : `SGD (batch ${c.batchSize})`;
  return [
    `  ${label}:`,
    `    m grid ${c.mGrid.join(', ')}; seeds ${c.seeds.join(', ')}; width N = ${c.width}; ` +
      `n ∈ {${c.subnetworkSizes.join(', ')}}`,
    `    T = ${c.iterations} ${training} steps, η = ${c.eta}, ε = ${c.epsilon}, ` +
      `${c.checkpoints} checkpoints, ${c.parameterisation} parameterisation, pruners ${c.pruners.join(', ')}` +
      (c.targetAccuracy !== null ? `, target accuracy ${c.targetAccuracy}` : ''),
  ].join('\n');
}

export function helpFooter(): string {
  return [
    '',
    'Defaults of `verify` (see the README for why; --quick keeps the first 3 m values, 2 seeds, ≤ 8 checkpoints):',
    defaultsOf('--dataset synthetic (the default)', DEFAULT_SYNTHETIC),
    defaultsOf('--dataset mnist', DEFAULT_MNIST),
    `Defaults of \`claims\` and \`check-pruner\`: fast-check seed ${DEFAULT_SEED}, ` +
      `counterexample store ${DEFAULT_COUNTEREXAMPLE_DIR}, ` +
      `--call-timeout ${DEFAULT_CALL_TIMEOUT_SECONDS} s (check-pruner).`,
    '',
    'Exit codes:',
    '  0  the run completed; no invariant broke (claims may have FAILed: they are findings, unless --strict)',
    '  1  an invariant broke, a claim FAILed under --strict, or a checked pruner broke its contract (incl. time-outs)',
    '  2  bad input: flags, files, environment (PRUNEPROOF_BACKEND), or a run that does not fit in memory',
    '  3  an internal error: a bug in pruneproof (please report it with the printed command line and versions)',
  ].join('\n');
}
