/**
 * Layer rules (docs/ARCHITECTURE.md): a folder may import only from its own layer or the layers below it.
 *
 *   0  theory, rng, backend, files, linalg    (theory/ imports nothing from src/)
 *   1  data
 *   2  model
 *   3  kernel, pruning, engine                  (the engine runs the model's GD rules on other runtimes)
 *   4  pipeline
 *   5  checks
 *   6  experiment, properties, testing, sandbox, scaling, interop
 *                  (properties: the `claims` command's runner; sandbox: user pruners in a child process;
 *                   interop: Python bridge, ONNX and .npz files)
 *   7  report
 *   8  store                                    (stored runs are assembled into reports)
 *   9  cli
 *
 * Type-only imports count (tsPreCompilationDeps), since a type import is a dependency on the folder's meaning.
 * src/index.ts (the public API) and bench/ sit above everything and may import any layer.
 * Run: npx depcruise src theory bench --config .dependency-cruiser.cjs
 */
const LAYERS = [
  ['theory', 'rng', 'backend', 'files', 'linalg'],
  ['data'],
  ['model'],
  ['kernel', 'pruning', 'engine'],
  ['pipeline'],
  ['checks'],
  ['experiment', 'properties', 'testing', 'sandbox', 'scaling', 'interop'],
  ['report'],
  ['store'],
  ['cli'],
];

/** theory/ lives at the repository root; every other layer is a folder of src/. */
const folderPath = (name) => (name === 'theory' ? '^theory/' : `^src/${name}/`);
const anyOf = (names) => `(${names.map(folderPath).join('|')})`;

/** One rule per layer: nothing in it may import from any layer above it. */
const layerRules = LAYERS.slice(0, -1).map((names, rank) => {
  const higher = LAYERS.slice(rank + 1).flat();
  return {
    name: `layer-${rank}-${names.join('-')}`,
    severity: 'error',
    comment: `${names.join(', ')} must not import from a higher layer (${higher.join(', ')})`,
    from: { path: anyOf(names) },
    to: { path: anyOf(higher) },
  };
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Module cycles make the data flow unreadable and the load order fragile.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'theory-is-self-contained',
      severity: 'error',
      comment: 'theory/ states the mathematics; it imports nothing from src/ (src/ imports it).',
      from: { path: '^theory/' },
      to: { path: '^src/' },
    },
    ...layerRules,
    {
      name: 'testing-not-to-properties',
      severity: 'error',
      comment: 'testing/ (arbitraries, contracts) serves properties/, never the other way round.',
      from: { path: '^src/testing/' },
      to: { path: '^src/properties/' },
    },
    {
      name: 'src-not-to-tooling',
      severity: 'error',
      comment: 'Library code never imports specs, benchmarks or examples.',
      from: { path: '^(src|theory)/' },
      to: { path: '^(spec|bench|examples)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment:
        'An import that does not resolve is a typo or a missing dependency (optional dependencies may be absent).',
      from: {},
      to: { couldNotResolve: true, pathNot: '^@tensorflow/tfjs-node$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|reports|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
