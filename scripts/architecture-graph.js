/**
 * The import graph of docs/ARCHITECTURE.md, generated from the code: dependency-cruiser's mermaid output over src/
 * and theory/, folders collapsed, written between the file's dependency-graph markers.
 *   node scripts/architecture-graph.js          rewrite the graph in docs/ARCHITECTURE.md
 * spec/architecture.test.ts compares the committed graph with a fresh one.
 */
const { execFileSync } = require('node:child_process');
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const DOC = join(ROOT, 'docs', 'ARCHITECTURE.md');
const START = '<!-- dependency-graph:start -->';
const END = '<!-- dependency-graph:end -->';

/** The mermaid flowchart of the folders of src/ and theory/ and the imports between them. */
function dependencyGraph() {
  const cli = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
  const args = [
    cli,
    'src',
    'theory',
    '--config',
    '.dependency-cruiser.cjs',
    '--include-only',
    '^(src|theory)/',
    '--collapse',
    '^(src/[^/]+|theory)/',
    '--output-type',
    'mermaid',
  ];
  const mermaid = execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  return ['```mermaid', mermaid.trim(), '```'].join('\n');
}

/** The graph block of the architecture document as committed. */
function committedGraph(text = readFileSync(DOC, 'utf8')) {
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${DOC}: no ${START} … ${END} block`);
  return text.slice(start + START.length, end).trim();
}

function writeGraph() {
  const text = readFileSync(DOC, 'utf8');
  const before = text.slice(0, text.indexOf(START) + START.length);
  const after = text.slice(text.indexOf(END));
  writeFileSync(DOC, `${before}\n${dependencyGraph()}\n${after}`);
}

module.exports = { dependencyGraph, committedGraph };
if (require.main === module) writeGraph();
