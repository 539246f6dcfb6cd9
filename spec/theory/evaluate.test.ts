import fc from 'fast-check';
// Through the public entry point, so the narrow exports are exercised.
import {
  checkHypotheses,
  checkOverridesOnConfiguration,
  evaluateBounds,
  tStar,
  TheoryConfigError,
  type HypothesisCheck,
  type HypothesisId,
  type TheoryInputs,
} from '../../theory';

/** A practical configuration: m = 100 samples, width 1000, λ0 = 0.05. */
const PRACTICAL: TheoryInputs = { m: 100, N: 1000, eta: 0.001, lambda0: 0.05, normMax: 1e-7, yMax: 0.9 };

function check(inputs: TheoryInputs, id: HypothesisId): HypothesisCheck {
  const found = checkHypotheses(inputs).find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id}`);
  return found;
}

/** Relative closeness for doubles computed along different paths (a few roundings of 2^-52 each). */
function expectRelClose(actual: number | null, expected: number, rel = 1e-12): void {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));
}

describe('checkHypotheses', () => {
  it('returns H1–H5 in order with their labels and statements', () => {
    const checks = checkHypotheses(PRACTICAL);
    expect(checks.map((c) => c.id)).toEqual(['H1', 'H2', 'H3', 'H4', 'H5']);
    for (const c of checks) {
      expect(c.label).toBe('[Du19]');
      expect(c.statement.length).toBeGreaterThan(5);
    }
  });

  it('H1 holds for unit-norm inputs and fails for unnormalised ones, by the norm deviation', () => {
    expect(check(PRACTICAL, 'H1').detail).toBe('H1 holds: normMax = 1e-7 ≤ 1e-5');
    const bad = check({ ...PRACTICAL, normMax: 0.3 }, 'H1');
    expect(bad.holds).toBe(false);
    expect(bad.detail).toBe('H1 fails: normMax = 0.3, needs normMax ≤ 1e-5 (over by a factor 3e4)');
    expectRelClose(bad.factor, 3e4);
  });

  it('H2 compares the measured max |y| with the label bound C', () => {
    expect(check(PRACTICAL, 'H2')).toMatchObject({ holds: true, lhs: 0.9, rhs: 1, detail: 'H2 holds: yMax = 0.9 ≤ 1' });
    expect(check({ ...PRACTICAL, yMax: 1.5 }, 'H2')).toMatchObject({
      holds: false,
      factor: 1.5,
      detail: 'H2 fails: yMax = 1.5, needs yMax ≤ 1 (over by a factor 1.5)',
    });
  });

  it('H3 holds iff λ0 > 0', () => {
    expect(check(PRACTICAL, 'H3').detail).toBe('H3 holds: lambda0 = 0.05 > 0');
    expect(check({ ...PRACTICAL, lambda0: 0 }, 'H3')).toMatchObject({
      holds: false,
      factor: null,
      detail: 'H3 fails: lambda0 = 0, needs lambda0 > 0',
    });
  });

  it('H4 fails at practical width (m = 100, λ0 = 0.05, N = 1000) by the factor m⁶/(λ0⁴δ³N) = 1.6e17', () => {
    const h4 = check(PRACTICAL, 'H4');
    expect(h4.holds).toBe(false);
    // 100⁶ / (0.05⁴ · 0.1³) = 1e12 / 6.25e-9 = 1.6e20, and 1.6e20 / 1000 = 1.6e17.
    expectRelClose(h4.rhs, 1.6e20);
    expectRelClose(h4.factor, 1.6e17);
    expect(h4.lhs).toBe(1000);
    expect(h4.detail).toBe('H4 fails: N = 1000, needs N ≥ 1.6e20 (short by a factor 1.6e17)');
  });

  it('H4 holds exactly at the threshold width and names κ when κ ≠ 1', () => {
    // m = 2, λ0 = 0.5, δ = 0.5: 2⁶ / (0.5⁴ · 0.5³) = 64 / (1/128) = 8192.
    const base: TheoryInputs = { m: 2, N: 8192, eta: 0.01, lambda0: 0.5 };
    const overrides = { constants: { delta: 0.5 } };
    const holds = checkHypotheses(base, overrides)[3];
    expect(holds).toMatchObject({ holds: true, detail: 'H4 holds: kappa = 1; N = 8192 ≥ 8192' });
    const short = checkHypotheses({ ...base, N: 8191 }, overrides)[3];
    expect(short.holds).toBe(false);
    expectRelClose(short.factor, 8192 / 8191);
    const kappa = checkHypotheses(base, { constants: { delta: 0.5, kappa: 2 } })[3];
    expect(kappa.holds).toBe(false);
    expect(kappa.detail).toContain('kappa = 2, needs kappa = 1');
  });

  it('H5 holds when η ≤ c_η λ0/m² and fails by the ratio otherwise', () => {
    const small: TheoryInputs = { m: 10, N: 100, eta: 0.001, lambda0: 0.25 };
    expect(check(small, 'H5')).toMatchObject({ holds: true, detail: 'H5 holds: eta = 0.001 ≤ 0.0025' });
    const big = check({ ...small, eta: 0.1 }, 'H5');
    expect(big.detail).toBe('H5 fails: eta = 0.1, needs eta ≤ 0.0025 (over by a factor 40)');
    expectRelClose(big.factor, 40);
  });

  it('reports a hypothesis as not evaluable (null) when its measurement is missing', () => {
    const h1 = check({ m: 10, N: 100, eta: 0.1, lambda0: 0.1 }, 'H1');
    expect(h1.holds).toBeNull();
    expect(h1.lhs).toBeNull();
    expect(h1.detail).toMatch(/^H1 not evaluated: needs normMax \(max_j \|‖x_j‖₂ − 1\|\), not provided$/);
  });

  it('without λ0 (not computed) H3–H5 and T* are not evaluable, and say so', () => {
    const checks = checkHypotheses({ m: 10, N: 100, eta: 0.1, normMax: 0, yMax: 1 });
    expect(checks.map((c) => c.holds)).toEqual([true, true, null, null, null]);
    expect(checks[2].detail).toBe('H3 not evaluated: needs lambda0 (λ0 = λ_min(H∞)), not provided');
    const { etaH5, etaConfigured } = evaluateBounds({ m: 10, N: 100, eta: 0.1, R0: 1, rho: 0.1 }).tStar;
    expect(etaH5).toMatchObject({
      eta: null,
      upper: { value: null, reason: 'η at its H5 value needs lambda0, not provided' },
    });
    expect(etaConfigured.exact.value).toBeNull();
  });

  it('rejects bad inputs with an error naming the operation and the field', () => {
    expect(() => checkHypotheses({ ...PRACTICAL, m: 0 })).toThrow(
      'checkHypotheses: inputs.m must be a positive integer, got 0',
    );
    expect(() => checkHypotheses({ ...PRACTICAL, eta: NaN })).toThrow(
      'checkHypotheses: inputs.eta must be a finite number > 0, got NaN',
    );
    expect(() => checkHypotheses({ ...PRACTICAL, lambda_0: 1 } as TheoryInputs)).toThrow(/unknown input 'lambda_0'/);
    expect(() => checkHypotheses({ m: 5, N: 5 } as TheoryInputs)).toThrow('checkHypotheses: inputs.eta is required');
  });
});

describe('evaluateBounds', () => {
  /** η = 0.1, λ0 = 0.2 (rate 0.01), R(0) = 100, ρ = 0.1; N > m so B4 is not void. */
  const CONFIG: TheoryInputs = { m: 100, N: 1000, eta: 0.1, lambda0: 0.2, R0: 100, Rt: 30, rho: 0.1, t: 100 };

  it('B1 line is R(0)(1 − ηλ0/2)^t at each grid point', () => {
    const { b1 } = evaluateBounds(CONFIG, undefined, { tGrid: [0, 10, 250] });
    expect(b1.line.map((p) => p.t)).toEqual([0, 10, 250]);
    for (const p of b1.line) expectRelClose(p.bound, 100 * 0.99 ** p.t);
    expectRelClose(b1.rate.value, 0.01);
    // −ln(30/100)/100 measured against 0.01.
    expectRelClose(b1.empiricalRate.value, -Math.log(0.3) / 100);
    expect(b1.rtCheck.holds).toBe(true); // 30 ≤ 100·0.99¹⁰⁰ = 36.6
    expect(b1.rtCheck.detail).toBe('B1 holds: R(t) = 30 ≤ 36.6');
  });

  it('R(0) Markov bound m(C² + κ²/2)/δ = 1500 against the measured R(0)', () => {
    const { b1 } = evaluateBounds(CONFIG);
    expect(b1.r0Bound.value).toBe(1500);
    expect(b1.r0Check).toMatchObject({ holds: true, lhs: 100, rhs: 1500 });
    const over = evaluateBounds({ ...CONFIG, R0: 3000 }).b1.r0Check;
    expect(over.detail).toBe('R0bound fails: R(0) = 3000, bound 1500 (over by a factor 2)');
  });

  it('T* matches a hand computation in both forms', () => {
    const { etaConfigured } = evaluateBounds(CONFIG).tStar;
    // ln(100/0.1²)/(−ln 0.99) = 9.2103404/0.0100503359 = 916.42115…
    expectRelClose(etaConfigured.exact.value, 916.4211531067771, 1e-12);
    // (2/0.02)·ln(100·1.5/(0.1·0.01)) = 100·ln(150000) = 1191.83905…
    expectRelClose(etaConfigured.upper.value, 1191.839057307839, 1e-12);
    expect(tStar({ eta: 0.1, lambda0: 0.2, rho: 0.1, R0: 100 })).toBe(etaConfigured.exact.value);
    expect(tStar({ eta: 0.1, lambda0: 0.2, rho: 0.1, m: 100 }, { form: 'upper' })).toBe(etaConfigured.upper.value);
  });

  it('T* at the H5 step size uses η = c_η λ0/m² and is far larger', () => {
    const { etaH5, etaConfigured } = evaluateBounds(CONFIG).tStar;
    expectRelClose(etaH5.eta, 0.2 / 100 ** 2);
    expectRelClose(etaH5.upper.value, (2 / (2e-5 * 0.2)) * Math.log(150000), 1e-12);
    expect(etaH5.exact.value as number).toBeGreaterThan(1000 * (etaConfigured.exact.value as number));
  });

  it('ρ = 0 (N ≤ m·outputs) makes B4 void and T* = ∞, and says why', () => {
    const flat = evaluateBounds({ ...CONFIG, N: 50, rho: undefined, lambdaSigma: 1e-9, devMax: 2 });
    expect(flat.b4.fullDim.holds).toBe(false);
    expect(flat.b4.rho.value).toBe(0);
    expect(flat.b4.rho.reason).toContain('B4 void: N = 50 ≤ m·outputs = 100');
    for (const value of [flat.tStar.etaConfigured.exact, flat.tStar.etaConfigured.upper]) {
      expect(value.value).toBe(Infinity);
      expect(value.reason).toContain('B4 void: N = 50 ≤ m·outputs = 100');
    }
    expect(tStar({ eta: 0.1, lambda0: 0.2, rho: 0, R0: 100 })).toBe(Infinity);
  });

  it('computes ρ_t = λ_min(Σ_t)/(2 max‖Φ_r − u‖) when ρ is not given, and tests R(t) < ρ²', () => {
    const { b4 } = evaluateBounds({ ...CONFIG, rho: undefined, lambdaSigma: 0.8, devMax: 2, Rt: 0.01 });
    expect(b4.rho).toMatchObject({ value: 0.2, source: 'B4rho' });
    expect(b4.inside).toMatchObject({ holds: true, detail: 'B4inside holds: Rt = 0.01 < 0.04' });
  });

  it('T* is 0 (with a note) when R(0) is already below ρ²', () => {
    const inside = evaluateBounds({ ...CONFIG, R0: 0.005 }).tStar.etaConfigured.exact;
    expect(inside.value).toBe(0);
    expect(inside.reason).toMatch(/already met at t = 0/);
  });

  it('T* is ∞ when λ0 ≤ 0 (H3 fails)', () => {
    const none = evaluateBounds({ ...CONFIG, lambda0: 0 }).tStar.etaConfigured.exact;
    expect(none.value).toBe(Infinity);
    expect(none.reason).toContain('H3 fails');
  });

  it('B2 = R(t) + D²H_n/n and B2′ = D_y²/n', () => {
    const out = evaluateBounds({ ...CONFIG, D: 3, Dy: 2, n: 4 });
    expectRelClose(out.b2.value, 30 + (9 * 25) / 12 / 4);
    expect(out.b2prime.value).toBe(1);
    expect(evaluateBounds(CONFIG).b2).toMatchObject({ value: null, reason: expect.stringContaining('needs D') });
  });

  it('T*(m) upper form is linear in ln m at fixed η, λ0, ρ: T*(mk) − T*(m) = (2/(ηλ0)) ln k', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 2, max: 1000 }),
        fc.double({ min: 1e-4, max: 1, noNaN: true }),
        fc.double({ min: 1e-3, max: 1, noNaN: true }),
        fc.double({ min: 1e-3, max: 1, noNaN: true }),
        (m, k, eta, lambda0, rho) => {
          const at = (size: number) => tStar({ eta, lambda0, rho, m: size }, { form: 'upper' });
          const slope = 2 / (eta * lambda0);
          // ρ ≤ 1 and δ = 0.1 keep the log argument ≥ 15, so no clamping at 0. Doubles: each T* carries
          // ~1e-15 relative error, so compare with 1e-12 of the larger value.
          const tolerance = 1e-12 * at(m * k);
          expect(Math.abs(at(m * k) - at(m) - slope * Math.log(k))).toBeLessThanOrEqual(tolerance);
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });

  it('with η at its H5 value T*(m) grows faster than ln m: T*(4m) − T*(2m) ≥ 4 (T*(2m) − T*(m))', () => {
    // T*_H5(m) = (2m²/(c_η λ0²)) ln(Km); its increments grow by more than m² does, whereas at fixed η
    // they are constant (previous test).
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.double({ min: 1e-3, max: 1, noNaN: true }),
        fc.double({ min: 1e-3, max: 1, noNaN: true }),
        (m, lambda0, rho) => {
          const at = (size: number) => {
            const { etaH5 } = evaluateBounds({ m: size, N: 10 * size, eta: 0.01, lambda0, rho }).tStar;
            return etaH5.upper.value as number;
          };
          const first = at(2 * m) - at(m);
          const second = at(4 * m) - at(2 * m);
          expect(first).toBeGreaterThan(0);
          expect(second).toBeGreaterThanOrEqual(4 * first);
        },
      ),
      { seed: 42, numRuns: 100 },
    );
  });

  it('tStar rejects invalid parameters with a named error', () => {
    expect(() => tStar({ eta: 0, lambda0: 0.1, rho: 0.1, R0: 1 })).toThrow(
      'tStar: eta must be a finite number > 0, got 0',
    );
    expect(() => tStar({ eta: 0.1, lambda0: 0.1, rho: 0.1 })).toThrow(/tStar: R0 must be .* for the exact form/);
    expect(() => tStar({ eta: 0.1, lambda0: 0.1, rho: 0.1 }, { form: 'upper' })).toThrow(
      /tStar: m must be a positive integer/,
    );
    expect(() => tStar({ eta: 30, lambda0: 0.1, rho: 0.1, R0: 1 })).toThrow(/eta\*lambda0\/2 must be < 1/);
  });
});

describe('ε split: (1 − ηλ0/2)^t R(0) + D²H_n/n ≤ 2mε', () => {
  const arbitraryCase = fc.record({
    m: fc.integer({ min: 1, max: 1000 }),
    eta: fc.double({ min: 1e-3, max: 1, noNaN: true }),
    lambda0: fc.double({ min: 1e-3, max: 1, noNaN: true }),
    R0: fc.double({ min: 1e-3, max: 1e4, noNaN: true }),
    D: fc.double({ min: 0, max: 10, noNaN: true }),
    epsilon: fc.double({ min: 1e-3, max: 1, noNaN: true }),
  });

  it('a t and n meeting both halves (t ≥ epsTMin, n ≥ min n) satisfy the full condition', () => {
    fc.assert(
      fc.property(arbitraryCase, (c) => {
        const base = { ...c, N: 2 * c.m };
        const split = evaluateBounds(base).epsilon;
        const t = Math.ceil(split.tMinHalf.value as number);
        const nExact = split.nMinHalf.exact as number;
        const nClosed = split.nMinHalf.closedForm.value as number;
        expect(nClosed).toBeGreaterThanOrEqual(nExact); // the closed form is sufficient, so never below the minimum
        for (const n of [nExact, nClosed]) {
          const at = evaluateBounds({ ...base, t, n }).epsilon;
          expect(at.tHalf.holds).toBe(true);
          expect(at.nHalf.holds).toBe(true);
          expect(at.full.holds).toBe(true);
        }
      }),
      { seed: 42, numRuns: 100 },
    );
  });

  it('min n as t → ∞ is the smallest n with D²H_n/n ≤ 2mε, and the minimum t at that n is finite and sufficient', () => {
    fc.assert(
      fc.property(arbitraryCase, (c) => {
        const base = { ...c, N: 2 * c.m };
        const { nMinLimit } = evaluateBounds(base).epsilon;
        const n = nMinLimit.exact as number;
        expect(nMinLimit.closedForm.value as number).toBeGreaterThanOrEqual(n);
        expect(evaluateBounds({ ...base, n }).epsilon.nLimit.holds).toBe(true);
        if (n > 1) expect(evaluateBounds({ ...base, n: n - 1 }).epsilon.nLimit.holds).toBe(false);
        const atN = evaluateBounds({ ...base, n: n + 1 }).epsilon;
        const tMin = atN.tMinAtN.value as number;
        expect(Number.isFinite(tMin)).toBe(true);
        expect(evaluateBounds({ ...base, n: n + 1, t: Math.ceil(tMin) }).epsilon.full.holds).toBe(true);
      }),
      { seed: 42, numRuns: 100 },
    );
  });

  it('the minimum t at n is ∞, with the reason, when D²H_n/n alone exceeds 2mε', () => {
    const { tMinAtN, full } = evaluateBounds({
      m: 10,
      N: 20,
      eta: 0.1,
      lambda0: 0.1,
      R0: 10,
      D: 10,
      n: 2,
      t: 1e6,
      epsilon: 0.1,
    }).epsilon;
    expect(tMinAtN.value).toBe(Infinity);
    // D²H_2/2 = 100·1.5/2 = 75 ≥ 2mε = 2.
    expect(tMinAtN.reason).toContain('size condition fails at n = 2: D_t²H_n/n = 75 ≥ 2mε = 2');
    expect(full.holds).toBe(false);
    // Even with R(0) = 0 (where the formula reads ln(0/−73) = −∞) no t helps.
    const zero = evaluateBounds({ m: 10, N: 20, eta: 0.1, lambda0: 0.1, R0: 0, D: 10, n: 2, epsilon: 0.1 }).epsilon
      .tMinAtN;
    expect(zero.value).toBe(Infinity);
  });
});

describe('theory overrides must evaluate to finite numbers on the run’s inputs', () => {
  /** Every input B2 = R(t) + D² H_n / n needs. */
  const RUN: TheoryInputs = { m: 100, N: 1000, eta: 0.1, lambda0: 0.2, R0: 100, Rt: 30, rho: 0.1, t: 100, D: 2, n: 4 };

  it('"B2": "0/0" is a TheoryConfigError naming the override and the inputs, not a bound "not measured"', () => {
    expect(() => evaluateBounds(RUN, { expressions: { B2: '0/0' } })).toThrow(TheoryConfigError);
    expect(() => evaluateBounds(RUN, { expressions: { B2: '0/0' } })).toThrow(/override 'B2': "0\/0" evaluates to NaN/);
  });

  it('an override dividing by zero (±∞ where the paper is finite) is rejected too', () => {
    expect(() => evaluateBounds(RUN, { expressions: { B2: 'Rt / (n - n)' } })).toThrow(
      /override 'B2': "Rt \/ \(n - n\)" evaluates to Infinity at .*Rt = 30/,
    );
  });

  it('a finite override is used as given (the check is not a blanket refusal)', () => {
    expect(evaluateBounds(RUN, { expressions: { B2: 'Rt + 1' } }).b2.value).toBe(31);
  });
});

describe('checkOverridesOnConfiguration (before any run)', () => {
  const design = [20, 40].flatMap((m) => [10, 50].map((n) => ({ m, N: 200, n })));

  it('refuses an override that is NaN on what the configuration fixes, naming it and the inputs', () => {
    expect(() => checkOverridesOnConfiguration(design, { expressions: { B2: '0/0' } })).toThrow(
      /theory override 'B2': "0\/0" evaluates to NaN, whatever the runs measure/,
    );
    expect(() => checkOverridesOnConfiguration(design, { expressions: { B3: 'n / (m - 40) * 0' } })).toThrow(
      /evaluates to NaN at n = 10, m = 40/,
    );
  });

  it('leaves to the runs an override that reads a measured number, and accepts finite ones and ±∞', () => {
    expect(() => checkOverridesOnConfiguration(design, { expressions: { B2: 'R0 / (R0 - R0)' } })).not.toThrow();
    expect(() => checkOverridesOnConfiguration(design, { expressions: { B3: 'n / m' } })).not.toThrow();
    expect(() => checkOverridesOnConfiguration(design, { expressions: { B3: '1 / 0' } })).not.toThrow();
    expect(() => checkOverridesOnConfiguration(design, {})).not.toThrow();
  });
});
