'use strict';
/**
 * A deliberately broken pruner, to show what `pruneproof check-pruner` catches: it ignores the requested
 * size `input.n` and always keeps the (up to) 8 neurons of largest magnitude |v_r|·‖w_r‖. Everything else
 * about it is correct — valid indices, one honest loss per pick, deterministic, inputs untouched — so the
 * only contract it breaks is "exactly n picks", and the report shows the smallest case that exposes it:
 *
 *   node dist/src/cli/main.js check-pruner examples/pruners/broken-pruner.js --quick   # exits 1
 */

const KEPT = 8;

function magnitude(weights, r) {
  let w = 0;
  for (let k = 0; k < weights.inputDim; k++) w += weights.w[r * weights.inputDim + k] ** 2;
  let v = 0;
  for (let c = 0; c < weights.outputs; c++) v += weights.v[r * weights.outputs + c] ** 2;
  return Math.sqrt(w * v);
}

module.exports = {
  name: 'broken-fixed-size',
  prefixConsistent: true,
  prune(input) {
    const { features, targets, weights } = input;
    const { m, width: N, outputs: C } = features;
    const size = Math.min(KEPT, N); // BUG: should be input.n
    const order = Array.from({ length: N }, (_, r) => r).sort(
      (p, q) => magnitude(weights, q) - magnitude(weights, p) || p - q,
    );
    const selection = order.slice(0, size);
    const A = features.activations.dataSync();
    const V = features.outWeights.dataSync();
    const y = targets.dataSync();
    const sum = new Float64Array(m * C);
    const lossPerStep = selection.map((r, k) => {
      let residual = 0;
      for (let j = 0; j < m; j++) {
        for (let c = 0; c < C; c++) {
          sum[j * C + c] += A[j * N + r] * V[r * C + c];
          const e = sum[j * C + c] / (k + 1) - y[j * C + c];
          residual += e * e;
        }
      }
      return residual / (2 * m);
    });
    return { selection, lossPerStep };
  },
};
