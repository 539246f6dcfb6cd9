import { parseTheoryOverrides, resolveTheory, TheoryConfigError, type TheoryOverrides } from '../../theory/config';
import { checkHypotheses, evaluateBounds, tStar } from '../../theory/evaluate';
import type { TheoryInputs } from '../../theory/inputs';

const PRACTICAL: TheoryInputs = { m: 100, N: 1000, eta: 0.001, lambda0: 0.05, R0: 100, rho: 0.1, t: 10 };

/** Runs `build` and returns the TheoryConfigError it throws. */
function configError(build: () => unknown): TheoryConfigError {
  try {
    build();
  } catch (err) {
    expect(err).toBeInstanceOf(TheoryConfigError);
    return err as TheoryConfigError;
  }
  throw new Error('expected a TheoryConfigError');
}

describe('theory overrides', () => {
  it('an overridden H4 replaces the width condition and changes the verdict and the factor', () => {
    const overrides: TheoryOverrides = { expressions: { H4: 'kappa == 1 and N >= c_N * m^2' } };
    const h4 = checkHypotheses(PRACTICAL, overrides)[3];
    expect(h4).toMatchObject({
      overridden: true,
      expr: 'kappa == 1 and N >= c_N * m^2',
      holds: false,
      rhs: 10000,
      factor: 10,
    });
    expect(h4.detail).toBe('H4 fails: N = 1000, needs N ≥ 10000 (short by a factor 10)');
    expect(checkHypotheses({ ...PRACTICAL, N: 20000 }, overrides)[3].holds).toBe(true);
  });

  it('an overridden constant takes effect (c_N scales the H4 threshold)', () => {
    const h4 = checkHypotheses(PRACTICAL, { constants: { c_N: 1e-18 } })[3];
    expect(h4.rhs as number).toBeCloseTo(160, 9);
    expect(h4.holds).toBe(true);
  });

  it('an overridden B3 upper form is used by tStar and evaluateBounds', () => {
    const half: TheoryOverrides = {
      expressions: { B3upper: '(1/(eta*lambda0)) * log(m*(C^2 + kappa^2/2)/(delta*rho^2))' },
    };
    const params = { eta: 0.1, lambda0: 0.2, rho: 0.1, m: 100 };
    const full = tStar(params, { form: 'upper' });
    expect(tStar(params, { form: 'upper', overrides: half })).toBeCloseTo(full / 2, 9);
    const bounds = evaluateBounds({ ...PRACTICAL, eta: 0.1, lambda0: 0.2 }, half);
    expect(bounds.tStar.etaConfigured.upper.value).toBeCloseTo(full / 2, 9);
    expect(bounds.tStar.etaConfigured.upper.overridden).toBe(true);
  });

  it('an overridden H5 changes the η used for T* at its H5 value', () => {
    const bounds = evaluateBounds(PRACTICAL, { expressions: { H5: 'eta <= c_eta * lambda0 / m' } });
    expect(bounds.tStar.etaH5.eta).toBeCloseTo(0.05 / 100, 15);
  });

  it('an H5 override without an `eta <= …` part leaves T* at the H5 step size unevaluated, with the reason', () => {
    const { etaH5 } = evaluateBounds(PRACTICAL, { expressions: { H5: 'eta * m^2 <= c_eta * lambda0' } }).tStar;
    expect(etaH5.eta).toBeNull();
    expect(etaH5.upper).toMatchObject({
      value: null,
      reason: `H5 "eta * m^2 <= c_eta * lambda0" has no 'eta <= …' part`,
    });
  });

  it('an unknown symbol is a named error: expression id and symbol', () => {
    const err = configError(() => resolveTheory({ expressions: { H4: 'N >= c_N * mm^6' } }));
    expect(err.expressionId).toBe('H4');
    expect(err.message).toMatch(/^theory override 'H4': unknown symbol 'mm' in "N >= c_N \* mm\^6"/);
  });

  it('a parse error is a named error with the parser message', () => {
    const err = configError(() => resolveTheory({ expressions: { B1: 'R0 * (1 - eta' } }));
    expect(err.expressionId).toBe('B1');
    expect(err.message).toMatch(/^theory override 'B1': parse error in "R0 \* \(1 - eta": .*Parenthesis \) expected/);
  });

  it('rejects the wrong shape: a value for a hypothesis, a relation for a bound', () => {
    expect(configError(() => resolveTheory({ expressions: { H5: 'eta * 2' } })).message).toMatch(
      /'H5': must be a relation/,
    );
    expect(configError(() => resolveTheory({ expressions: { B2: 'Rt <= 1' } })).message).toMatch(
      /'B2': must be a numeric expression/,
    );
  });

  it('rejects disallowed functions, assignments and non-numeric constants', () => {
    expect(configError(() => resolveTheory({ expressions: { B1: 'import(R0)' } })).message).toMatch(
      /'B1': function 'import' .* not allowed/,
    );
    expect(configError(() => resolveTheory({ expressions: { B1: 'm = 3' } })).message).toMatch(
      /'B1': .*AssignmentNode/,
    );
    expect(configError(() => resolveTheory({ expressions: { B1: '"abc"' } })).message).toMatch(
      /'B1': .*non-numeric constant "abc"/,
    );
  });

  it('accepts allowed functions and mathjs constants (harmonic, log, pi)', () => {
    const theory = resolveTheory({ expressions: { B2: 'Rt + D^2 * harmonic(n) / n + 0 * pi' } });
    expect(theory.expressions.B2.symbols.sort()).toEqual(['D', 'Rt', 'n']);
    expect(
      evaluateBounds({ ...PRACTICAL, Rt: 1, D: 2, n: 2 }, { expressions: { B2: 'Rt + D^2 * harmonic(n) / n' } }).b2
        .value,
    ).toBe(4);
  });

  it('rejects unknown ids, unknown constants and invalid constant values', () => {
    expect(
      configError(() => resolveTheory({ expressions: { H9: 'N > 1' } as TheoryOverrides['expressions'] })).message,
    ).toMatch(/unknown expression id 'H9'/);
    expect(configError(() => resolveTheory({ constants: { cN: 2 } as TheoryOverrides['constants'] })).message).toMatch(
      /unknown constant 'cN'/,
    );
    expect(configError(() => resolveTheory({ constants: { delta: 2 } })).message).toBe(
      'theory override: constant delta must be a finite number in (0, 1), got 2',
    );
  });

  it('parseTheoryOverrides validates a config-file object up front', () => {
    const raw = JSON.parse('{"constants": {"c_N": 64}, "expressions": {"H5": "eta <= c_eta * lambda0 / m"}}');
    expect(parseTheoryOverrides(raw)).toEqual(raw);
    expect(parseTheoryOverrides(undefined)).toEqual({});
    expect(configError(() => parseTheoryOverrides({ expressions: { H5: 3 } })).message).toMatch(
      /'H5': expected a mathjs expression string, got 3/,
    );
    expect(configError(() => parseTheoryOverrides({ bounds: {} })).message).toMatch(/unknown key 'bounds'/);
    expect(configError(() => parseTheoryOverrides({ expressions: { H5: 'eta <= lambda0 / mm' } })).expressionId).toBe(
      'H5',
    );
  });
});
