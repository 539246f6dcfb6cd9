/**
 * The public API (src/index.ts), read with the TypeScript compiler as a user's editor reads it: every name the
 * package exports, namespaces included, has a doc comment, every exported function documents each parameter
 * (@param) and what it returns (@returns), and the main entry points carry an @example. The list of names with
 * their signatures is etc/pruneproof.api.md: a change to the public API shows there, in review.
 * `npm run api:report` rewrites it after an intended change.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(__dirname, '..');
const INDEX = join(ROOT, 'src', 'index.ts');
const REPORT = join(ROOT, 'etc', 'pruneproof.api.md');
/** The entry points a first-time user reaches for: each shows its use in an @example. */
const MAIN_ENTRY_POINTS = ['checkPruner', 'assertPrunerConforms', 'verify', 'fit'];

interface PublicName {
  name: string;
  kind: string;
  signature: string;
  problems: string[];
}

function program(entry: string): ts.Program {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  )!;
  return ts.createProgram([entry], { ...config.options, noEmit: true });
}

const printer = ts.createPrinter({ removeComments: true });

function functionLike(decl: ts.Declaration): ts.SignatureDeclaration | null {
  if (ts.isFunctionDeclaration(decl)) return decl;
  if (ts.isVariableDeclaration(decl) && decl.initializer) {
    const init = decl.initializer;
    if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
  }
  return null;
}

/** What the doc comment of a function lacks: a @param per parameter, a @returns unless it returns nothing. */
function functionDocProblems(decl: ts.Declaration, fn: ts.SignatureDeclaration, checker: ts.TypeChecker): string[] {
  const tags = ts.getJSDocTags(decl);
  const documented = new Set(
    tags.filter(ts.isJSDocParameterTag).map((t) => (ts.isIdentifier(t.name) ? t.name.text : t.name.right.text)),
  );
  const problems = fn.parameters
    .filter((p) => ts.isIdentifier(p.name) && !documented.has(p.name.text))
    .map((p) => `no @param ${(p.name as ts.Identifier).text}`);
  const signature = checker.getSignatureFromDeclaration(fn);
  const returns = signature ? checker.typeToString(checker.getReturnTypeOfSignature(signature)) : 'void';
  const returnsNothing = returns === 'void' || returns === 'Promise<void>';
  if (!returnsNothing && !tags.some((t) => t.tagName.text === 'returns')) problems.push('no @returns');
  return problems;
}

function describeSymbol(name: string, symbol: ts.Symbol, checker: ts.TypeChecker): PublicName {
  const decl = symbol.declarations?.[0];
  if (!decl) return { name, kind: 'unknown', signature: '', problems: ['no declaration'] };
  const problems: string[] = [];
  if (ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() === '') problems.push('no doc comment');
  const fn = functionLike(decl);
  if (fn) problems.push(...functionDocProblems(decl, fn, checker));
  if (MAIN_ENTRY_POINTS.includes(name) && !ts.getJSDocTags(decl).some((t) => t.tagName.text === 'example'))
    problems.push('no @example');
  const source = decl.getSourceFile();
  let kind = ts.SyntaxKind[decl.kind].replace(/Declaration$/, '').toLowerCase();
  let signature: string;
  if (ts.isInterfaceDeclaration(decl) || ts.isTypeAliasDeclaration(decl) || ts.isClassDeclaration(decl)) {
    signature = printer.printNode(ts.EmitHint.Unspecified, decl, source);
  } else {
    if (fn) kind = 'function';
    signature = checker.typeToString(
      checker.getTypeOfSymbolAtLocation(symbol, decl),
      undefined,
      ts.TypeFormatFlags.NoTruncation,
    );
  }
  return { name, kind, signature, problems };
}

/** Every public name, namespaces flattened to `namespace.name`, in order. */
function publicNames(entry: string): PublicName[] {
  const p = program(entry);
  const checker = p.getTypeChecker();
  const names: PublicName[] = [];
  const walk = (moduleSymbol: ts.Symbol, prefix: string) => {
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const name = `${prefix}${exported.name}`;
      const decl = target.declarations?.[0];
      if (decl?.getSourceFile().fileName.includes('/node_modules/'))
        names.push({
          name,
          kind: 'third-party',
          signature: decl.getSourceFile().fileName.replace(/.*\/node_modules\//, ''),
          problems: [],
        });
      else if (decl && ts.isSourceFile(decl)) walk(target, `${name}.`);
      else names.push(describeSymbol(name, target, checker));
    }
  };
  walk(checker.getSymbolAtLocation(p.getSourceFile(entry)!)!, '');
  return names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function apiReport(names: PublicName[]): string {
  const lines = [
    '# pruneproof public API',
    '',
    'Generated by spec/index.test.ts from src/index.ts (`npm run api:report`); reviewed on change. Do not edit.',
    '',
  ];
  for (const n of names) lines.push(`## ${n.name} (${n.kind})`, '', '```ts', n.signature, '```', '');
  return `${lines.join('\n').trimEnd()}\n`;
}

const names = publicNames(INDEX);

describe('the public API (src/index.ts)', () => {
  it('is thin: the main entry points at the top level, the rest under namespaces', () => {
    const top = names.filter((n) => !n.name.includes('.')).map((n) => n.name);
    for (const entry of MAIN_ENTRY_POINTS) expect(top).toContain(entry);
    expect(top.length).toBeLessThanOrEqual(25);
    const namespaces = new Set(names.filter((n) => n.name.includes('.')).map((n) => n.name.split('.')[0]));
    expect([...namespaces].sort()).toEqual(['arbitraries', 'data', 'kernel', 'model', 'pruners', 'scaling', 'theory']);
  });

  it('documents every exported name: a doc comment, @param per parameter, @returns, @example on entry points', () => {
    const undocumented = names.filter((n) => n.problems.length > 0).map((n) => `${n.name}: ${n.problems.join(', ')}`);
    expect(undocumented).toEqual([]);
  });

  it('catches each fault in a package that has them (spec/fixtures/api): no doc, a missing @param or @returns', () => {
    const found = publicNames(join(ROOT, 'spec', 'fixtures', 'api', 'index.ts')).map((n) => [n.name, n.problems]);
    expect(found).toEqual([
      ['documented', []],
      ['inner.undocumentedConstant', ['no doc comment']],
      ['noDoc', ['no doc comment', 'no @param x', 'no @returns']],
      ['noParam', ['no @param b']],
      ['noReturns', ['no @returns']],
    ]);
  });

  it('matches the committed API report etc/pruneproof.api.md (npm run api:report after an intended change)', () => {
    const report = apiReport(names);
    if (process.env.UPDATE_API_REPORT === '1') writeFileSync(REPORT, report);
    expect(report).toBe(readFileSync(REPORT, 'utf8'));
  });
});
