/** `pruneproof fit`: good input → the analysis (markdown, JSON, SVG); bad input → exit 2 naming the field. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { validateScalingAnalysis } from '../../src/scaling';
import type { ScalingAnalysis } from '../../src/scaling';
import { captureCliPerTest } from './capture';

const io = captureCliPerTest('pruneproof-cli-fit-');

function writeData(value: unknown): string {
  const path = join(io.dir, 'measurements.json');
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

/** Few simulations and resamples: these tests check the command, spec/scaling checks the statistics. */
const FAST = ['--simulations', '20', '--resamples', '20'];

const GOOD = {
  quantity: 't_crit(n=50)',
  points: [
    { m: 100, seed: 1, t: 20 },
    { m: 100, seed: 2, t: null, lo: 18, hi: 24 },
    { m: 300, seed: 1, t: 41 },
    { m: 300, seed: 2, t: 45 },
    { m: 1000, seed: 1, t: 62 },
    { m: 1000, seed: 2, t: 66 },
    { m: 3000, seed: 1, t: 86 },
    { m: 3000, seed: 2, t: null, censoredAt: 90 },
  ],
};

describe('pruneproof fit', () => {
  it('prints the analysis as JSON (valid against the schema) and writes the SVG plot; exit 0', async () => {
    const plot = join(io.dir, 'fit.svg');
    expect(await main(['fit', '--data', writeData(GOOD), ...FAST, '--json', '--plot', plot, '--seed', '3'])).toBe(0);
    const analysis = JSON.parse(io.stdout.join('')) as ScalingAnalysis;
    expect(validateScalingAnalysis(analysis).errors).toEqual([]);
    expect(analysis.quantity).toBe('t_crit(n=50)');
    expect(analysis.counts).toEqual({ observations: 8, distinctM: 4, exact: 6, interval: 1, censored: 1 });
    expect(analysis.seed).toBe(3);
    expect(readFileSync(plot, 'utf8')).toMatch(/^<svg/);
  });

  it('prints markdown by default', async () => {
    expect(await main(['fit', '--data', writeData(GOOD), ...FAST])).toBe(0);
    const md = io.stdout.join('');
    expect(md).toMatch(/^#### t\\_crit\(n=50\): /);
    expect(md).toContain('t = a + b·ln m');
  });

  const BAD: [string, unknown, RegExp][] = [
    [
      'm ≤ 0',
      { ...GOOD, points: [...GOOD.points.slice(0, 3), { m: 0, seed: 1, t: 3 }] },
      /points\[3\]\.m: expected a number > 0/,
    ],
    [
      'lo > hi',
      { ...GOOD, points: [{ m: 5, seed: 1, t: null, lo: 9, hi: 4 }, ...GOOD.points] },
      /points\[0\]\.lo: lo = 9 is greater than hi = 4/,
    ],
    [
      'NaN as a string',
      { ...GOOD, points: [...GOOD.points, { m: 5, seed: 9, t: 'NaN' }] },
      /points\[8\]\.t: expected a finite number/,
    ],
    ['fewer than 2 points', { ...GOOD, points: [GOOD.points[0]] }, /points: need at least 2 points, got 1/],
    ['missing t', { ...GOOD, points: [{ m: 5, seed: 1 }, ...GOOD.points] }, /points\[0\]\.t: missing/],
    [
      'missing censoredAt',
      { ...GOOD, points: [{ m: 5, seed: 1, t: null }, ...GOOD.points] },
      /points\[0\]\.censoredAt: missing/,
    ],
    [
      'unknown field',
      { ...GOOD, points: [{ m: 5, seed: 1, t: 2, sd: 1 }, ...GOOD.points] },
      /points\[0\]\.sd: unknown field/,
    ],
    ['unknown top-level field', { ...GOOD, units: 'iterations' }, /units: unknown field/],
    ['missing quantity', { points: GOOD.points }, /quantity: expected a non-empty string/],
    [
      'duplicate (m, seed)',
      { ...GOOD, points: [...GOOD.points, { m: 100, seed: 1, t: 3 }] },
      /points\[8\]: same \(m = 100, seed = 1\) as points\[0\]/,
    ],
    ['not JSON', '{"quantity": "t", "points": [NaN]}', /not valid JSON/],
  ];

  it.each(BAD)(
    'bad input (%s): exit 2, the field named, no stack trace, nothing written',
    async (_, value, message) => {
      const plot = join(io.dir, 'never.svg');
      expect(await main(['fit', '--data', writeData(value), '--plot', plot])).toBe(2);
      const err = io.stderr.join('');
      expect(err).toMatch(message);
      expect(err).not.toMatch(/\n\s+at /);
      expect(io.stdout.join('')).toBe('');
      expect(existsSync(plot)).toBe(false);
    },
  );

  it('a missing file: exit 2 naming --data', async () => {
    expect(await main(['fit', '--data', join(io.dir, 'nope.json')])).toBe(2);
    expect(io.stderr.join('')).toMatch(/--data .*nope\.json: cannot read \(ENOENT\)/);
  });
});
