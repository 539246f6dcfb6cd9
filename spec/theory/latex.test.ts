import { allExpressionsLatex, expressionLatex } from '../../theory/latex';
import { EXPRESSIONS, EXPRESSION_IDS } from '../../theory/expressions';
import { THEORY_SYMBOLS } from '../../theory/symbols';

function balancedBraces(tex: string): boolean {
  let depth = 0;
  for (const ch of tex) {
    if (ch === '{') depth++;
    if (ch === '}') depth--;
    if (depth < 0) return false;
  }
  return depth === 0;
}

describe('theory LaTeX', () => {
  const all = allExpressionsLatex();

  it.each(EXPRESSION_IDS)('%s renders to balanced LaTeX with pruneproof symbol names', (id) => {
    const tex = all[id];
    const expr = EXPRESSIONS[id].expr;
    expect(tex.length).toBeGreaterThan(0);
    expect(balancedBraces(tex)).toBe(true);
    // Every symbol mapped: mathjs' fallback would be \mathrm{name}.
    for (const symbol of THEORY_SYMBOLS) expect(tex).not.toContain(`\\mathrm{${symbol}}`);
    expect(tex).not.toMatch(/lambda0|c_eta|(?<!var)epsilon/);
    if (expr.includes('lambda0')) expect(tex).toContain('\\lambda_0');
    if (expr.includes('/')) expect(tex).toContain('\\frac');
    if (expr.includes('log(')) expect(tex).toContain('\\ln');
  });

  it('renders H4 as a conjunction with \\wedge and B3 with ρ_t and η', () => {
    expect(all.H4).toContain('\\;\\wedge\\;');
    expect(all.H4).toContain('{N}\\geq\\frac{{c_N}\\cdot{{m}}^{6}}');
    expect(all.B3upper).toContain('{\\rho_t}');
    expect(all.B3upper).toContain('{\\eta}');
  });

  it('renders the override when there is one', () => {
    expect(expressionLatex('H5', { expressions: { H5: 'eta <= c_eta * lambda0 / m' } })).toBe(
      '{\\eta}\\leq\\frac{{c_\\eta}\\cdot{\\lambda_0}}{{m}}',
    );
  });
});
