import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWeightsFile, weightsFromJson, weightsToJson, writeWeightsFile } from '../../src/model/io';
import type { TwoLayerWeights } from '../../src/model/types';

// Any finite float32, including −0, subnormals and the extremes.
const float32 = fc.float({ noNaN: true, noDefaultInfinity: true });

const weightsArb: fc.Arbitrary<TwoLayerWeights> = fc
  .record({
    parameterisation: fc.constantFrom('ntk' as const, 'meanfield' as const),
    width: fc.integer({ min: 1, max: 6 }),
    inputDim: fc.integer({ min: 1, max: 6 }),
    outputs: fc.integer({ min: 1, max: 3 }),
  })
  .chain((shape) => {
    const out = shape.parameterisation === 'ntk' ? fc.constantFrom(-1, 1) : float32;
    return fc
      .record({
        w: fc.array(float32, { minLength: shape.width * shape.inputDim, maxLength: shape.width * shape.inputDim }),
        v: fc.array(out, { minLength: shape.width * shape.outputs, maxLength: shape.width * shape.outputs }),
      })
      .map(({ w, v }) => ({ ...shape, w: Float32Array.from(w), v: Float32Array.from(v) }));
  });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pruneproof-model-io-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('weights JSON', () => {
  it('weightsFromJson ∘ weightsToJson is the identity (bit-identical float32) for any weights', () => {
    fc.assert(
      fc.property(weightsArb, (weights) => {
        expect(weightsFromJson(weightsToJson(weights), 'mem')).toEqual(weights);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('readWeightsFile ∘ writeWeightsFile is the identity (bit-identical, −0 included) for any weights', () => {
    fc.assert(
      fc.property(weightsArb, (weights) => {
        const path = join(dir, 'w.json');
        writeWeightsFile(path, weights);
        expect(readWeightsFile(path)).toEqual(weights);
      }),
      { seed: 42, numRuns: 40 },
    );
  });

  it('uses field "a" for ntk and "b" for meanfield, a flat list when C = 1 and rows when C > 1', () => {
    const ntk = weightsToJson({
      parameterisation: 'ntk',
      width: 2,
      inputDim: 1,
      outputs: 1,
      w: new Float32Array([0.5, 1]),
      v: new Float32Array([1, -1]),
    });
    expect(ntk).toEqual({ parameterisation: 'ntk', W: [[0.5], [1]], a: [1, -1] });
    const mf = weightsToJson({
      parameterisation: 'meanfield',
      width: 1,
      inputDim: 2,
      outputs: 2,
      w: new Float32Array([0.1, 2]),
      v: new Float32Array([0.25, -3]),
    });
    expect(mf).toEqual({ parameterisation: 'meanfield', W: [[0.1, 2]], b: [[0.25, -3]] });
  });
});

describe('weights JSON: malformed input gives an error naming the file and the field', () => {
  const good = {
    parameterisation: 'ntk',
    W: [
      [1, 2, 3],
      [4, 5, 6],
    ],
    a: [1, -1],
  };
  const cases: [string, unknown, string][] = [
    ['not an object', [1, 2], 'weights.json: expected a JSON object'],
    ['missing parameterisation', { W: good.W, a: good.a }, "weights.json: missing field 'parameterisation'"],
    [
      'unknown parameterisation',
      { ...good, parameterisation: 'lazy' },
      `weights.json: parameterisation must be one of 'ntk', 'meanfield', got "lazy"`,
    ],
    ['missing W', { parameterisation: 'ntk', a: [1] }, "weights.json: missing field 'W'"],
    ['W not an array', { ...good, W: 'abc' }, 'weights.json: W must be an array of rows, got string "abc"'],
    ['empty W', { ...good, W: [] }, 'weights.json: W must have at least one row'],
    [
      'ragged W',
      {
        ...good,
        W: [
          [1, 2, 3],
          [4, 5],
        ],
      },
      'weights.json: W[1] has 2 entries, expected 3',
    ],
    ['a row that is not an array', { ...good, W: [[1, 2, 3], 7] }, 'weights.json: W[1] must be an array, got number'],
    [
      'a string entry',
      {
        ...good,
        W: [
          [1, '2', 3],
          [4, 5, 6],
        ],
      },
      'weights.json: W[0][1] must be a number, got string "2"',
    ],
    [
      'a null entry',
      {
        ...good,
        W: [
          [1, 2, 3],
          [4, null, 6],
        ],
      },
      'weights.json: W[1][1] must be a number, got null',
    ],
    [
      'an infinite entry',
      {
        ...good,
        W: [
          [1, 2, 3],
          [4, 5, Infinity],
        ],
      },
      'weights.json: W[1][2] must be finite, got Infinity',
    ],
    [
      'a float32 overflow',
      {
        ...good,
        W: [
          [1, 2, 3],
          [4, 5, 1e300],
        ],
      },
      'weights.json: W[1][2] = 1e+300 overflows float32',
    ],
    ['missing a', { parameterisation: 'ntk', W: good.W }, "weights.json: missing field 'a'"],
    ['a of wrong length', { ...good, a: [1, -1, 1] }, 'weights.json: a has 3 entries, expected 2 (one per row of W)'],
    ['a not ±1 for ntk', { ...good, a: [1, 0.5] }, "weights.json: a[1] must be ±1 for parameterisation 'ntk', got 0.5"],
    [
      'a matrix not ±1 for ntk',
      {
        ...good,
        a: [
          [1, 1],
          [1, 2],
        ],
      },
      "weights.json: a[1][1] must be ±1 for parameterisation 'ntk', got 2",
    ],
    [
      'a matrix with wrong row count',
      { ...good, a: [[1, 1]] },
      'weights.json: a has 1 rows, expected 2 (one per row of W)',
    ],
    [
      'b given for ntk',
      { ...good, b: [0.1, 0.2] },
      "weights.json: parameterisation 'ntk' takes its output weights in field 'a', found 'b'",
    ],
    [
      'a given for meanfield',
      { ...good, parameterisation: 'meanfield' },
      "weights.json: parameterisation 'meanfield' takes its output weights in field 'b', found 'a'",
    ],
    [
      'NaN in b',
      { parameterisation: 'meanfield', W: good.W, b: [0.1, NaN] },
      'weights.json: b[1] must be finite, got NaN',
    ],
  ];
  it.each(cases)('%s', (_label, obj, message) => {
    expect(() => weightsFromJson(obj, 'weights.json')).toThrow(message);
  });

  it('an unreadable file and invalid JSON name the file', () => {
    const missing = join(dir, 'nope.json');
    expect(() => readWeightsFile(missing)).toThrow(new RegExp(`^${missing}: cannot read weights file \\(ENOENT`));
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"parameterisation": "ntk", "W": [[1, 2]');
    expect(() => readWeightsFile(broken)).toThrow(new RegExp(`^${broken}: invalid JSON`));
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        ...good,
        W: [
          [1, 2, 3],
          [4, 5],
        ],
      }),
    );
    expect(() => readWeightsFile(bad)).toThrow(`${bad}: W[1] has 2 entries, expected 3`);
  });

  it('writing inconsistent weights is refused before any file is written', () => {
    const bad = {
      parameterisation: 'ntk' as const,
      width: 2,
      inputDim: 2,
      outputs: 1,
      w: new Float32Array(3),
      v: new Float32Array([1, -1]),
    };
    expect(() => writeWeightsFile(join(dir, 'x.json'), bad)).toThrow(
      'weightsToJson: w must be a Float32Array of width·inputDim = 4 entries, got 3 entries',
    );
  });
});
