/**
 * The text after `pruneproof --help`: what each preset sets (derived from the presets and the field table, never
 * copied), what --quick changes, the other commands' defaults, and the exit codes.
 */
import type { ExperimentConfig } from '../experiment/config';
import { DEFAULT_PRESET, PRESETS, type PresetName } from '../experiment/defaults';
import { canonicalJson } from '../experiment/config';
import { FIELD_KEYS, fieldSpec, showField } from '../experiment/fields';
import { DEFAULT_CALL_TIMEOUT_SECONDS } from '../sandbox/isolated-pruner';
import { DEFAULT_COUNTEREXAMPLE_DIR } from '../properties/store';
import { DEFAULT_SEED } from '../properties/session';

/** "label value" for every field but the name in which `config` differs from `reference`. */
function differences(config: ExperimentConfig, reference: ExperimentConfig): string {
  const changed = FIELD_KEYS.filter(
    (key) => key !== 'name' && canonicalJson(config[key]) !== canonicalJson(reference[key]),
  );
  return changed.map((key) => `${fieldSpec(key).label} ${showField(key, config)}`).join('; ');
}

function presetLines(name: PresetName): string[] {
  const { config, quick } = PRESETS[name];
  const base = PRESETS[DEFAULT_PRESET].config;
  const what =
    name === DEFAULT_PRESET ? 'the default; every value in `pruneproof verify --help`' : differences(config, base);
  return [`  ${name}: ${what}`, `    --quick: ${differences(quick(config), config)}`];
}

/** The footer of the top-level help. */
export function helpFooter(): string {
  return [
    '',
    'Presets of `verify` (--preset NAME; how each differs from the default; see the README for why):',
    ...(Object.keys(PRESETS) as PresetName[]).flatMap(presetLines),
    '  --quick changes only what no flag or config file sets (docs/CONFIG.md).',
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
