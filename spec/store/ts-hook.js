// Lets a child `node` run the CLI straight from the TypeScript sources (as jest does), so the signal tests
// need no build: each .ts module is transpiled on require.
const ts = require('typescript');
const { readFileSync } = require('node:fs');

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      sourceMap: false,
    },
  });
  module._compile(outputText, filename);
};
