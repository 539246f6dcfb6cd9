import fc from 'fast-check';
import { initBackend } from '../../src/backend';
import { tf } from '../../src/backend/tf';
import {
  classificationAccuracy,
  lossCurve,
  selectionSummary,
  subnetworkLoss,
  subnetworkOutput,
} from '../../src/pruning/subnetwork';
import {
  FC_SEED,
  allPhi,
  featureCaseArb,
  lossScale,
  makeInput,
  residualBrute,
  subnetworkBrute,
  type FeatureCase,
} from './cases';

beforeAll(async () => {
  await initBackend();
});

/**
 * Losses are summed in float64 from float32 features, so they match the float64 brute force to
 * ~1e-15 relative; 1e-12 of the loss scale is a loose bound for that.
 */
const FLOAT64_TOLERANCE = 1e-12;
/**
 * subnetworkOutput is a float32 matmul over N ≤ 16 terms (plus a scaling and a division): each entry
 * has error ≤ (N + 3)·2⁻²⁴ ≈ 1.2e-6 of max‖Φ_r‖; 1e-5 of the scale leaves a margin of 8.
 */
const FLOAT32_TOLERANCE = 1e-5;

const caseWithSelection = featureCaseArb.chain((c) =>
  fc.record({
    c: fc.constant(c),
    selection: fc.array(fc.integer({ min: 0, max: c.N - 1 }), { minLength: 1, maxLength: 12 }),
  }),
);

function withInput<T>(c: FeatureCase, body: (input: ReturnType<typeof makeInput>) => T): T {
  const input = makeInput(c, 1);
  try {
    return body(input);
  } finally {
    input.dispose();
  }
}

describe('subnetwork measurements', () => {
  it('subnetworkOutput = (1/n) Σ_{r∈S} Φ_r with multiplicities honoured', () => {
    fc.assert(
      fc.property(caseWithSelection, ({ c, selection }) => {
        const phis = allPhi(c);
        const expected = subnetworkBrute(phis, selection, c.m * c.C);
        const tolerance = FLOAT32_TOLERANCE * Math.sqrt(lossScale(c, phis));
        withInput(c, ({ features }) => {
          const output = subnetworkOutput(features, selection);
          expect(output.shape).toEqual([c.m, c.C]);
          const values = output.dataSync();
          output.dispose();
          expected.forEach((v, i) => expect(Math.abs(values[i] - v)).toBeLessThanOrEqual(tolerance));
        });
      }),
      { seed: FC_SEED, numRuns: 80 },
    );
  });

  it('subnetworkLoss = ‖f_S − y‖²/(2m), independent of pick order, and equal to the last entry of lossCurve', () => {
    fc.assert(
      fc.property(caseWithSelection, ({ c, selection }) => {
        const phis = allPhi(c);
        const tolerance = (FLOAT64_TOLERANCE * lossScale(c, phis)) / (2 * c.m);
        const expected = residualBrute(c, phis, selection) / (2 * c.m);
        withInput(c, ({ features, targets }) => {
          expect(Math.abs(subnetworkLoss(features, targets, selection) - expected)).toBeLessThanOrEqual(tolerance);
          const reversed = [...selection].reverse();
          expect(Math.abs(subnetworkLoss(features, targets, reversed) - expected)).toBeLessThanOrEqual(tolerance);
          const curve = lossCurve(features, targets, selection);
          expect(Math.abs(curve[curve.length - 1] - expected)).toBeLessThanOrEqual(tolerance);
        });
      }),
      { seed: FC_SEED, numRuns: 80 },
    );
  });

  it('lossCurve[k−1] = ‖f_{S_k} − y‖²/(2m) for every prefix, whatever the gather block size', () => {
    fc.assert(
      fc.property(caseWithSelection, fc.constantFrom(undefined, 1, 7), ({ c, selection }, maxGatherFloats) => {
        const phis = allPhi(c);
        const tolerance = (FLOAT64_TOLERANCE * lossScale(c, phis)) / (2 * c.m);
        withInput(c, ({ features, targets }) => {
          const curve = lossCurve(features, targets, selection, { maxGatherFloats, maxHostCopyFloats: 0 });
          expect(curve).toHaveLength(selection.length);
          curve.forEach((loss, k) => {
            const expected = residualBrute(c, phis, selection.slice(0, k + 1)) / (2 * c.m);
            expect(Math.abs(loss - expected)).toBeLessThanOrEqual(tolerance);
          });
        });
      }),
      { seed: FC_SEED, numRuns: 80 },
    );
  });

  it('reading Aᵀ to the host once and gathering its rows in blocks give bit-identical losses and curves', () => {
    fc.assert(
      fc.property(caseWithSelection, fc.constantFrom(1, 7), ({ c, selection }, maxGatherFloats) => {
        withInput(c, ({ features, targets }) => {
          const gathered = { maxGatherFloats, maxHostCopyFloats: 0 };
          expect(lossCurve(features, targets, selection)).toEqual(lossCurve(features, targets, selection, gathered));
          expect(subnetworkLoss(features, targets, selection)).toBe(
            subnetworkLoss(features, targets, selection, gathered),
          );
        });
      }),
      { seed: FC_SEED, numRuns: 60 },
    );
  });

  it('the helpers leave no tensors behind and reject invalid selections naming the operation', () => {
    const c = fc.sample(featureCaseArb, { seed: FC_SEED, numRuns: 1 })[0];
    withInput(c, ({ features, targets }) => {
      const before = tf.memory().numTensors;
      subnetworkOutput(features, [0, 0]).dispose();
      subnetworkLoss(features, targets, [0]);
      lossCurve(features, targets, [0, 0, 0], { maxGatherFloats: 1, maxHostCopyFloats: 0 });
      expect(tf.memory().numTensors).toBe(before);
      expect(() => subnetworkOutput(features, [])).toThrow(/subnetworkOutput: selection must be non-empty/);
      expect(() => lossCurve(features, targets, [c.N])).toThrow(
        /lossCurve: selection\[0\] = \d+ is not an integer neuron index/,
      );
      expect(() => subnetworkLoss(features, targets, [0.5])).toThrow(/subnetworkLoss: selection\[0\] = 0.5/);
      const wrongTargets = tf.zeros([c.m + 1, c.C]) as tf.Tensor2D;
      expect(() => lossCurve(features, wrongTargets, [0])).toThrow(/lossCurve: targets must have shape/);
      wrongTargets.dispose();
    });
  });

  it('classificationAccuracy = fraction of rows whose (first) argmax is the class', () => {
    // Small integer values: exact ties are frequent, exercising the first-maximum rule.
    const rows = fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 2, max: 5 })).chain(([m, C]) =>
      fc.record({
        C: fc.constant(C),
        values: fc.array(fc.integer({ min: -4, max: 4 }), { minLength: m * C, maxLength: m * C }),
        classes: fc.array(fc.integer({ min: 0, max: C - 1 }), { minLength: m, maxLength: m }),
      }),
    );
    fc.assert(
      fc.property(rows, ({ C, values, classes }) => {
        const m = classes.length;
        const data = Float32Array.from(values);
        let correct = 0;
        for (let j = 0; j < m; j++) {
          const row = Array.from(data.subarray(j * C, (j + 1) * C));
          if (row.indexOf(Math.max(...row)) === classes[j]) correct++;
        }
        const output = tf.tensor2d(data, [m, C]);
        expect(classificationAccuracy(output, Int32Array.from(classes))).toBeCloseTo(correct / m, 12);
        output.dispose();
      }),
      { seed: FC_SEED, numRuns: 100 },
    );
    const oneColumn = tf.zeros([2, 1]) as tf.Tensor2D;
    expect(() => classificationAccuracy(oneColumn, Int32Array.from([0, 0]))).toThrow(
      /classificationAccuracy: output must have at least 2 columns/,
    );
    oneColumn.dispose();
    const twoColumns = tf.zeros([2, 2]) as tf.Tensor2D;
    expect(() => classificationAccuracy(twoColumns, Int32Array.from([0]))).toThrow(
      /classes has length 1, but output has 2 rows/,
    );
    expect(() => classificationAccuracy(twoColumns, Int32Array.from([0, 2]))).toThrow(
      /classes\[1\] = 2 is not a class index/,
    );
    twoColumns.dispose();
  });

  it('selectionSummary: size = |S|, distinct = number of different indices, multiplicities sum to |S|', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 40 }), (selection) => {
        const summary = selectionSummary(selection);
        expect(summary.size).toBe(selection.length);
        expect(summary.distinct).toBe(new Set(selection).size);
        expect(summary.multiplicities.reduce((t, [, k]) => t + k, 0)).toBe(selection.length);
        summary.multiplicities.forEach(([r, k], i) => {
          expect(selection.filter((q) => q === r)).toHaveLength(k);
          if (i > 0) expect(r).toBeGreaterThan(summary.multiplicities[i - 1][0]);
        });
      }),
      { seed: FC_SEED, numRuns: 100 },
    );
    expect(() => selectionSummary([1, -1])).toThrow(/selectionSummary: selection\[1\] = -1/);
  });
});
