'use strict';
/**
 * An example user pruner for `pruneproof check-pruner`: stochastic greedy forward selection.
 * At step k it scores a seeded random half of the neurons (all of them when N ≤ 8) and adds the one that
 * brings the subnetwork f_S = (1/|S|) Σ_{r∈S} Φ_r closest to the labels, with replacement and ties to the
 * lowest index. It meets the pruner contract: exactly n picks, indices in [0, N), one loss per step,
 * randomness only from `input.seed`, inputs left untouched, and the picks for n are a prefix of the picks
 * for any larger n (`prefixConsistent: true`).
 *
 *   npm run build
 *   node dist/src/cli/main.js check-pruner examples/pruners/good-pruner.js --quick
 *
 * No imports: a pruner only reads the input tensors through `dataSync()`, so this file works as it is from a
 * clone of pruneproof and from a project that depends on the package (where it could also
 * `require('pruneproof')` for helpers such as `lossCurve`).
 */

/** mulberry32: a small seeded PRNG, so the picks depend on input.seed only. */
function seededRandom(seed) {
  let a = (seed ^ 0x9e3779b9) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random subset of ⌈N/2⌉ candidate indices (all of them for N ≤ 8), sorted so ties go to the lowest index. */
function candidates(N, random) {
  const all = Array.from({ length: N }, (_, r) => r);
  if (N <= 8) return all;
  for (let i = N - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, Math.ceil(N / 2)).sort((p, q) => p - q);
}

module.exports = {
  name: 'stochastic-greedy',
  prefixConsistent: true,
  prune(input) {
    const { features, targets, n, seed } = input;
    const { m, width: N, outputs: C } = features;
    const A = features.activations.dataSync(); // m×N, read only
    const V = features.outWeights.dataSync(); // N×C, read only
    const y = targets.dataSync(); // m×C, read only
    const random = seededRandom(seed);
    const sum = new Float64Array(m * C); // Σ_{r∈S} Φ_r
    const selection = [];
    const lossPerStep = [];
    for (let k = 0; k < n; k++) {
      let best = -1;
      let bestResidual = Infinity;
      for (const r of candidates(N, random)) {
        let residual = 0;
        for (let j = 0; j < m; j++) {
          for (let c = 0; c < C; c++) {
            const e = (sum[j * C + c] + A[j * N + r] * V[r * C + c]) / (k + 1) - y[j * C + c];
            residual += e * e;
          }
        }
        if (residual < bestResidual) {
          bestResidual = residual;
          best = r;
        }
      }
      for (let j = 0; j < m; j++) for (let c = 0; c < C; c++) sum[j * C + c] += A[j * N + best] * V[best * C + c];
      selection.push(best);
      lossPerStep.push(bestResidual / (2 * m));
    }
    return { selection, lossPerStep };
  },
};
