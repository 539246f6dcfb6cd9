/**
 * Up-front checks of verify's --store and --out, and merge and diff on stores with several sweeps, missing or
 * corrupt runs: each bad input is exit 2 naming the path (or the field that differs), before computing.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../src/cli/errors';
import { runKey } from '../../src/store/keys';
import { RunStore } from '../../src/store/run-store';
import { cli, readOnlyReport, storeFiles, TINY_SWEEP } from '../store/helpers';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pruneproof-sweep-cli-'));
  writeFileSync(join(dir, 'afile'), 'x');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TWO_RUNS = ['--quick', '--m', '10,20', '--seeds', '1', '--width', '20', '--iterations', '20', '--n', '4,8'];
const QUIET = ['--quiet', '--workers', '1'];
/** Each tiny verify takes seconds; a busy machine stretches that. */
const SLOW = 300_000;

describe('verify checks its store and output before computing', () => {
  it(
    '--store under a file (afile/store): exit 2 naming --store and the file, nothing computed',
    async () => {
      const r = await cli(['verify', ...TINY_SWEEP, '--store', join(dir, 'afile', 'store'), '--out', join(dir, 'o1')]);
      expect(r.code).toBe(EXIT.badInput);
      expect(r.err).toMatch(/--store: '.*afile' \(on the way to '.*afile\/store'\) is a file/);
      expect(r.err).not.toMatch(/run 1\//);
    },
    SLOW,
  );

  it(
    "a directory with a stored run's file name: exit 2 naming it, before computing",
    async () => {
      const store = join(dir, 'blocked');
      mkdirSync(join(store, `${'ab'.repeat(32)}.json`), { recursive: true });
      const r = await cli(['verify', ...TINY_SWEEP, '--store', store, '--out', join(dir, 'o2')]);
      expect(r.code).toBe(EXIT.badInput);
      expect(r.err).toContain(`${'ab'.repeat(32)}.json' is a directory with a stored run's file name`);
    },
    SLOW,
  );

  it(
    '--out under a file: exit 2 naming --out',
    async () => {
      const r = await cli(['verify', ...TINY_SWEEP, '--store', join(dir, 's3'), '--out', join(dir, 'afile', 'out')]);
      expect(r.code).toBe(EXIT.badInput);
      expect(r.err).toMatch(/--out: .*afile.* is a file/);
    },
    SLOW,
  );
});

describe('theory overrides', () => {
  /** verify with the given B2 override; the store and --out it was given. */
  async function verifyWithB2(name: string, B2: string) {
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify({ theory: { expressions: { B2 } } }));
    const [store, out] = [join(dir, `s-${name}`), join(dir, `o-${name}`)];
    const r = await cli(['verify', '--config', file, ...TWO_RUNS, ...QUIET, '--store', store, '--out', out]);
    const listed = (d: string) => (existsSync(d) ? readdirSync(d).filter((f) => f.endsWith('.json')) : []);
    return { ...r, storedRuns: listed(store), reports: existsSync(out) ? readdirSync(out) : [] };
  }

  it(
    'an override "B2": "0/0" (NaN whatever is measured) is exit 2 naming it before any run is computed',
    async () => {
      const r = await verifyWithB2('b2', '0/0');
      expect(r.code).toBe(EXIT.badInput);
      expect(r.err).toMatch(/theory override 'B2': "0\/0" evaluates to NaN, whatever the runs measure/);
      expect(r.storedRuns).toEqual([]);
      expect(r.reports).toEqual([]);
    },
    SLOW,
  );

  it(
    'an override NaN only on measured numbers ("R0 / (R0 - R0)") is exit 2 at the first run, with its inputs',
    async () => {
      const r = await verifyWithB2('b2-measured', 'R0 / (R0 - R0)');
      expect(r.code).toBe(EXIT.badInput);
      expect(r.err).toMatch(/theory override 'B2': "R0 \/ \(R0 - R0\)" evaluates to (NaN|Infinity) at .*R0 = /);
      expect(r.reports).toEqual([]);
    },
    SLOW,
  );
});

describe('merge and diff name what is wrong', () => {
  const store = () => join(dir, 'sweeps');

  beforeAll(async () => {
    // Two sweeps in one store, differing only in checkpoints.
    for (const checkpoints of ['3', '4']) {
      const r = await cli(
        ['verify', ...TWO_RUNS, '--checkpoints', checkpoints, ...QUIET, '--store', store()].concat([
          '--out',
          join(dir, `ref-${checkpoints}`),
        ]),
      );
      expect(r.code).toBe(EXIT.ok);
    }
  }, SLOW);

  it(
    'merge STORE with no flags and two sweeps: exit 2 listing both, naming only the field that differs',
    async () => {
      const r = await cli(['merge', store(), '--out', join(dir, 'm1')]);
      expect(r.code).toBe(EXIT.badInput);
      expect(r.err).toMatch(/holds 2 sweeps/);
      expect(r.err).toMatch(/differs from 1 in config\.checkpoints = [34]/);
      expect(r.err).not.toMatch(/config\.(width|iterations|seeds)/);
    },
    SLOW,
  );

  it(
    'merge STORE with no flags and one sweep: merges it, equal to the verify report, with environment.engine',
    async () => {
      const one = join(dir, 'one');
      expect((await cli(['verify', ...TWO_RUNS, ...QUIET, '--store', one, '--out', join(dir, 'ref-one')])).code).toBe(
        0,
      );
      const r = await cli(['merge', one, '--out', join(dir, 'm2')]);
      expect(r.code).toBe(EXIT.ok);
      const merged = readOnlyReport(join(dir, 'm2'));
      const reference = readOnlyReport(join(dir, 'ref-one'));
      expect(merged.runId).toBe(reference.runId);
      expect(merged.configRationale).toEqual(reference.configRationale);
      expect(merged.environment.engine?.name).toBe(reference.environment.engine?.name);
    },
    SLOW,
  );

  it(
    'merge with flags of a sweep the store lacks: the near-miss names only the differing field',
    async () => {
      const r = await cli(['merge', store(), ...TWO_RUNS, '--checkpoints', '5', '--out', join(dir, 'm3')]);
      expect(r.code).toBe(EXIT.badInput);
      expect(r.err).toMatch(/stored only with other key inputs: config\.checkpoints: 5 → [34]/);
      expect(r.err).toMatch(/nearest sweep recorded in the store differs only in: checkpoints: 5 → [34]/);
      expect(r.err).not.toMatch(/version|code [0-9a-f]/);
    },
    SLOW,
  );

  it(
    'merge with STORE a file, or an unwritable --out: exit 2 naming it',
    async () => {
      const asFile = await cli(['merge', join(dir, 'afile'), '--out', join(dir, 'm4')]);
      expect(asFile.code).toBe(EXIT.badInput);
      expect(asFile.err).toMatch(/afile is a file, not a run store directory/);
      const badOut = await cli(['merge', join(dir, 'one'), '--out', join(dir, 'afile', 'out')]);
      expect(badOut.code).toBe(EXIT.badInput);
      expect(badOut.err).toMatch(/--out: .*afile.* is a file/);
    },
    SLOW,
  );

  it(
    'diff of two stores, one with a corrupt run: exit 2 naming the file (not a verdict change)',
    async () => {
      const [a, b] = [join(dir, 'diff-a'), join(dir, 'diff-b')];
      for (const [s, out] of [
        [a, 'o-diff-a'],
        [b, 'o-diff-b'],
      ])
        expect((await cli(['verify', ...TWO_RUNS, ...QUIET, '--store', s, '--out', join(dir, out)])).code).toBe(0);
      const victim = join(
        b,
        storeFiles(b).find((n) => n.endsWith('.json'))!,
      );
      writeFileSync(victim, '{"truncated":');
      const r = await cli(['diff', a, b]);
      expect(r.code).toBe(EXIT.badInput);
      expect(r.err).toContain(victim);
    },
    SLOW,
  );

  it(
    'diff of two stores where B lacks a run: exit 2 naming the (m, seed)',
    async () => {
      const [a, b] = [join(dir, 'diff-a'), join(dir, 'diff-c')];
      const store = new RunStore(b);
      // B: A's runs but one (the missing run is deleted, so no corrupt file is involved).
      mkdirSync(b, { recursive: true });
      for (const entry of new RunStore(a).entries()) await store.write(entry.inputs, entry.run);
      const dropped = new RunStore(b).entries()[0];
      rmSync(store.pathOf(runKey(dropped.inputs)));
      const r = await cli(['diff', a, b]);
      expect(r.code).toBe(EXIT.badInput);
      expect(r.err).toContain(`m = ${dropped.inputs.m}, seed = ${dropped.inputs.seed}: in ${a}, missing from ${b}`);
    },
    SLOW,
  );

  it(
    'diff of a store with itself: no verdict change, every non-volatile field equal',
    async () => {
      const r = await cli(['diff', join(dir, 'diff-a'), join(dir, 'diff-a')]);
      expect(r.code).toBe(EXIT.ok);
      expect(r.out).toMatch(/every other field is equal \(volatile fields ignored: createdAt/);
    },
    SLOW,
  );
});
