/**
 * Nelder–Mead simplex minimisation with restarts. The likelihoods here are smooth but bounded (exponent
 * ranges) and may be flat along ridges (a + c·m^α near α → 0 mimics a + b·ln m), where a single simplex
 * can stall; restarting from the best vertex with a fresh simplex until the value stops improving fixes that.
 */
// Module-level aliases: a hot loop reads them from the module scope, not the global object (whose
// lookups are far slower inside vm contexts such as jest's).
const { abs, max } = Math;

export interface NelderMeadOptions {
  /** Initial simplex step per coordinate (default 10 % of |x| or 0.1). */
  steps?: number[];
  maxEvaluations?: number;
  /** Stop when the simplex's value spread is below this (absolute). */
  tolerance?: number;
  restarts?: number;
}

export interface Minimum {
  x: number[];
  value: number;
  evaluations: number;
}

function simplexAround(x0: number[], steps: number[]): number[][] {
  const simplex = [x0.slice()];
  for (let i = 0; i < x0.length; i++) {
    const v = x0.slice();
    v[i] += steps[i];
    simplex.push(v);
  }
  return simplex;
}

function defaultSteps(x0: number[]): number[] {
  return x0.map((v) => (abs(v) > 1e-8 ? 0.1 * abs(v) : 0.1));
}

/** One simplex run (standard coefficients: reflection 1, expansion 2, contraction ½, shrink ½). */
function simplexRun(f: (x: number[]) => number, x0: number[], steps: number[], maxEval: number, tol: number): Minimum {
  const n = x0.length;
  const points = simplexAround(x0, steps);
  const values = points.map(f);
  let evaluations = values.length;
  const order = Array.from({ length: n + 1 }, (_, i) => i);
  const combine = (centroid: number[], worst: number[], coef: number): number[] =>
    centroid.map((c, i) => c + coef * (worst[i] - c));
  while (evaluations < maxEval) {
    order.sort((a, b) => values[a] - values[b]);
    const best = order[0];
    const worst = order[n];
    const second = order[n - 1];
    if (abs(values[worst] - values[best]) <= tol && Number.isFinite(values[worst])) break;
    const centroid = new Array<number>(n).fill(0);
    for (const i of order.slice(0, n)) for (let d = 0; d < n; d++) centroid[d] += points[i][d] / n;
    const reflected = combine(centroid, points[worst], -1);
    const fr = f(reflected);
    evaluations++;
    if (fr < values[best]) {
      const expanded = combine(centroid, points[worst], -2);
      const fe = f(expanded);
      evaluations++;
      [points[worst], values[worst]] = fe < fr ? [expanded, fe] : [reflected, fr];
    } else if (fr < values[second]) {
      [points[worst], values[worst]] = [reflected, fr];
    } else {
      const outside = fr < values[worst];
      const contracted = combine(centroid, outside ? reflected : points[worst], 0.5);
      const fc = f(contracted);
      evaluations++;
      if (fc < (outside ? fr : values[worst])) {
        [points[worst], values[worst]] = [contracted, fc];
      } else {
        for (const i of order.slice(1)) {
          points[i] = points[i].map((v, d) => points[best][d] + 0.5 * (v - points[best][d]));
          values[i] = f(points[i]);
          evaluations++;
        }
      }
    }
  }
  let bestIndex = 0;
  for (let i = 1; i <= n; i++) if (values[i] < values[bestIndex]) bestIndex = i;
  return { x: points[bestIndex], value: values[bestIndex], evaluations };
}

/** Minimises f from x0, restarting from the best vertex until a restart no longer improves the value. */
export function nelderMead(f: (x: number[]) => number, x0: number[], options: NelderMeadOptions = {}): Minimum {
  const tol = options.tolerance ?? 1e-9;
  const maxEval = options.maxEvaluations ?? 200 * (x0.length + 1);
  const restarts = options.restarts ?? 3;
  let current = simplexRun(f, x0, options.steps ?? defaultSteps(x0), maxEval, tol);
  let evaluations = current.evaluations;
  for (let r = 0; r < restarts; r++) {
    const next = simplexRun(f, current.x, defaultSteps(current.x), maxEval, tol);
    evaluations += next.evaluations;
    const improved = next.value < current.value - max(tol, 1e-10 * abs(current.value));
    if (next.value < current.value) current = next;
    if (!improved) break;
  }
  return { ...current, evaluations };
}
