/**
 * docs/ARCHITECTURE.md is true to the tree: every path it names exists, every folder of src/ is named in its layer
 * diagram, and its import graph is the one dependency-cruiser draws from the code (`npm run docs:graph`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const DOC = readFileSync(join(ROOT, 'docs', 'ARCHITECTURE.md'), 'utf8');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const graph = require('../scripts/architecture-graph.js') as {
  dependencyGraph: () => string;
  committedGraph: (text?: string) => string;
};

/** Paths the document names: `src/…`, `theory/…`, `spec/…`, `docs/…`, `etc/…` (backticked or bare). */
function namedPaths(text: string): string[] {
  const found = text.match(/\b(?:src|theory|spec|docs|etc|scripts)\/[\w./-]*[\w/]/g) ?? [];
  return [...new Set(found.map((p) => p.replace(/[.,;:]+$/, '')))];
}

/** Where the descriptions start in the layer diagram's lines; the folder names are left of it. */
const DESCRIPTION_COLUMN = 44;

/** The folder names of the layer diagram (the first fenced block after "## Layers"). */
function diagramFolders(text: string): string[] {
  const start = text.indexOf('```', text.indexOf('## Layers'));
  const block = text.slice(start + 3, text.indexOf('```', start + 3));
  return block
    .split('\n')
    .flatMap((line) =>
      line
        .slice(0, DESCRIPTION_COLUMN)
        .replace(/^\s*[\d·]?\s+/, '')
        .split(/\s+/),
    )
    .filter((name) => /^[a-z][\w.]*$/.test(name));
}

describe('docs/ARCHITECTURE.md', () => {
  it('names only paths that exist', () => {
    const missing = namedPaths(DOC).filter((p) => !existsSync(join(ROOT, p)));
    expect(missing).toEqual([]);
  });

  it('names every folder of src/ in its layer diagram, and no folder that does not exist', () => {
    const folders = readdirSync(join(ROOT, 'src'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    const named = diagramFolders(DOC);
    expect(folders.filter((f) => !named.includes(f))).toEqual([]);
    const unknown = named.filter((n) => n !== 'theory' && n !== 'index.ts' && !folders.includes(n));
    expect(unknown).toEqual([]);
  });

  it('catches a missing path and an unnamed folder (the checks can fail)', () => {
    expect(
      namedPaths('see `src/nowhere/file.ts` and theory/format.ts').filter((p) => !existsSync(join(ROOT, p))),
    ).toEqual(['src/nowhere/file.ts']);
    const line = ` 1  data  ${' '.repeat(DESCRIPTION_COLUMN - 10)}  the data`;
    expect(diagramFolders(`## Layers\n\n\`\`\`\n${line}\n\`\`\`\n`)).toEqual(['data']);
  });

  it('shows the import graph dependency-cruiser draws from the code (npm run docs:graph rewrites it)', () => {
    expect(graph.committedGraph(DOC)).toBe(graph.dependencyGraph());
  }, 120_000);
});
