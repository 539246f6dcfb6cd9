/**
 * The configuration options of `verify` and `merge`, derived from the field table (src/experiment/fields.ts):
 * one option per field that has a flag, its text parsed against the field's stated range, its help with that
 * range and its default (the default preset's value), and the reverse mapping from parsed options to a layer.
 */
import { Option } from 'commander';
import type { ExperimentConfig } from '../experiment/config';
import { DEFAULT_PRESET, PRESETS, type PresetName } from '../experiment/defaults';
import {
  DATASET_FLAGS,
  FIELD_KEYS,
  describeDataset,
  fieldSpec,
  showField,
  type ConfigLayer,
  type DatasetFlagValues,
  type FieldKey,
} from '../experiment/fields';
import type { ValueKind } from '../experiment/field-kinds';
import { parseFlagText, parseFlagValue } from '../experiment/validate-config';

/** What the command line asks of the configuration: which preset, which file, and the flags' layer. */
export interface ConfigRequest {
  /** --preset NAME (default: by the dataset's kind, synthetic unless it is MNIST). */
  preset?: PresetName;
  /** --config FILE. */
  configFile?: string;
  /** --quick: the preset's quick variant. */
  quick?: boolean;
  /** The fields the flags set. */
  layer: ConfigLayer;
  /** The dataset field's flags. */
  dataset: DatasetFlagValues;
}

/** The defaults --help prints: the default preset's. */
const HELP_DEFAULTS: ExperimentConfig = PRESETS[DEFAULT_PRESET].config;

function longName(flag: string): string {
  return flag.split(' ')[0];
}

/** [field, the option's attribute name in commander's parsed options] for every field with a flag. */
const FLAG_ATTRIBUTES: [FieldKey, string][] = FIELD_KEYS.flatMap((key) => {
  const flag = fieldSpec(key).flag;
  return flag ? [[key, new Option(flag).attributeName()] as [FieldKey, string]] : [];
});

function fieldOption(key: FieldKey, flag: string): Option {
  const spec = fieldSpec(key);
  const name = longName(flag);
  return new Option(
    flag,
    `${spec.help}; ${spec.kind.range} (default: ${showField(key, HELP_DEFAULTS)}) [${key}]`,
  ).argParser((text: string) => parseFlagValue(key, text, name));
}

function datasetOptions(): Option[] {
  const { dataset, labels, d, rawPixels } = DATASET_FLAGS;
  const withKind = <T>(spec: { flag: string; help: string; kind: ValueKind<T> }, shown: string) =>
    new Option(spec.flag, `${spec.help}; ${spec.kind.range} (default: ${shown})`).argParser((text: string) =>
      parseFlagText(spec.kind, text, longName(spec.flag)),
    );
  const synthetic = HELP_DEFAULTS.dataset.kind === 'synthetic' ? HELP_DEFAULTS.dataset : null;
  return [
    new Option(dataset.flag, `${dataset.help} (default: ${describeDataset(HELP_DEFAULTS.dataset)})`),
    withKind(labels, synthetic?.labels ?? '—'),
    withKind(d, String(synthetic?.d ?? '—')),
    new Option(rawPixels.flag, rawPixels.help),
  ];
}

/** The options that choose and build the configuration, in table order after --config, --preset and --quick. */
export function configOptions(): Option[] {
  const presets = Object.keys(PRESETS) as PresetName[];
  const fields = FIELD_KEYS.flatMap((key) => {
    const flag = fieldSpec(key).flag;
    return flag ? [fieldOption(key, flag)] : [];
  });
  return [
    new Option('--config <file>', 'JSON config file with any of the fields in [brackets] (docs/CONFIG.md)'),
    new Option('--preset <name>', `a named configuration (default: ${DEFAULT_PRESET}; MNIST data: mnist)`).choices(
      presets,
    ),
    new Option('--quick', "a minute-long smoke run: the preset's quick variant (never overrides a flag or file)"),
    ...datasetOptions(),
    ...fields,
  ];
}

/** The configuration request in commander's parsed options. */
export function configRequestOf(opts: Record<string, unknown>): ConfigRequest {
  const layer: Record<string, unknown> = {};
  for (const [key, attribute] of FLAG_ATTRIBUTES) if (opts[attribute] !== undefined) layer[key] = opts[attribute];
  return {
    preset: opts.preset as PresetName | undefined,
    configFile: opts.config as string | undefined,
    quick: opts.quick === true,
    layer: layer as ConfigLayer,
    dataset: {
      dataset: opts.dataset as string | undefined,
      labels: opts.labels as DatasetFlagValues['labels'],
      d: opts.d as number | undefined,
      rawPixels: opts.rawPixels as boolean | undefined,
    },
  };
}

/** The fields a config file alone sets (no flag), with their defaults: printed after verify's options. */
export function fileOnlyFieldsHelp(): string {
  const lines = FIELD_KEYS.filter((key) => fieldSpec(key).flag === undefined).map(
    (key) => `  ${key}: ${fieldSpec(key).help} (default: ${showField(key, HELP_DEFAULTS)})`,
  );
  return [
    '',
    `Defaults are the ${DEFAULT_PRESET} preset's; each preset has its own (pruneproof --help).`,
    'Composition: preset (its quick variant under --quick) ← config file ← flags; an absolute setting',
    'given explicitly clears its relative twin below it (--eta clears etaRelative); null in a file unsets.',
    'Config-file-only fields:',
    ...lines,
  ].join('\n');
}
