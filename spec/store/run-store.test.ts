import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SYNTHETIC } from '../../src/experiment/defaults';
import type { RunResult } from '../../src/experiment/types';
import { runConfigOf, runKey, type RunKeyInputs } from '../../src/store/keys';
import { RunStore, runHash, STORE_FORMAT_VERSION } from '../../src/store/run-store';
import { buildReportFixture } from '../report/fixture';

const inputs = (seed: number): RunKeyInputs => ({
  config: runConfigOf(DEFAULT_SYNTHETIC),
  m: 16,
  seed,
  engine: 'tfjs',
  backend: 'cpu',
  version: '0.1.0',
  code: 'c',
  packages: {},
  data: `data-${seed}`,
});

/** A schema-valid run of the report fixture, as the store holds it. */
const fixtureRuns = buildReportFixture().runs;
const run = (seed: number): RunResult =>
  JSON.parse(JSON.stringify(fixtureRuns.find((r) => r.m === 16 && r.seed === seed)!)) as RunResult;

let dir: string;
let warnings: string[];
let store: RunStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pruneproof-store-'));
  warnings = [];
  store = new RunStore(dir, (s) => warnings.push(s));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Edits the stored file of `seed`'s run in place, as a user (or a bad disk) might. */
async function tamper(seed: number, edit: (doc: { run: RunResult; runHash: string }) => void): Promise<string> {
  const path = await store.write(inputs(seed), run(seed));
  const doc = JSON.parse(readFileSync(path, 'utf8'));
  edit(doc);
  writeFileSync(path, JSON.stringify(doc));
  return path;
}

describe('RunStore', () => {
  it('reads back exactly what it wrote, under the key of its inputs, leaving no temporary file', async () => {
    const path = await store.write(inputs(1), run(1));
    expect(path).toBe(join(dir, `${runKey(inputs(1))}.json`));
    expect(readdirSync(dir)).toEqual([`${runKey(inputs(1))}.json`]);
    expect(store.read(inputs(1))).toEqual(run(1));
    expect(store.read(inputs(2))).toBeNull();
    expect(warnings).toEqual([]);
  });

  it('records the content hash of its run and the current format version', async () => {
    const doc = JSON.parse(readFileSync(await store.write(inputs(1), run(1)), 'utf8'));
    expect(doc.formatVersion).toBe(STORE_FORMAT_VERSION);
    expect(doc.runHash).toBe(runHash(run(1)));
  });

  it('a corrupt file is reported and not trusted', async () => {
    const path = await store.write(inputs(1), run(1));
    writeFileSync(path, readFileSync(path, 'utf8').slice(0, 40));
    expect(store.read(inputs(1))).toBeNull();
    expect(warnings.join('\n')).toMatch(/not JSON.*recomputing/);
  });

  it("a foreign file under a run's key (another run's content) is reported and not trusted", async () => {
    const other = await store.write(inputs(2), run(2));
    copyFileSync(other, store.pathOf(runKey(inputs(1))));
    expect(store.read(inputs(1))).toBeNull();
    expect(warnings.join('\n')).toMatch(/do not hash to its file name/);
  });

  it('a tampered t_crit (content hash kept) is named and not trusted', async () => {
    const path = await tamper(1, (doc) => {
      const t = doc.run.critical.tCrit[0];
      t.t = (t.t ?? 0) + 7;
    });
    expect(store.read(inputs(1))).toBeNull();
    expect(warnings.join('\n')).toContain(path);
    expect(warnings.join('\n')).toMatch(/does not hash to the content hash/);
  });

  it('an emptied checks array is named and not trusted', async () => {
    await tamper(1, (doc) => (doc.run.checks = []));
    expect(store.read(inputs(1))).toBeNull();
    expect(warnings.join('\n')).toMatch(/content hash/);
  });

  it('a consistently re-hashed but inconsistent edit (lo > t) fails the schema check, named', async () => {
    const path = await tamper(1, (doc) => {
      const t = doc.run.critical.tCrit.find((c) => c.t !== null)!;
      t.lo = (t.t ?? 0) + 5;
      doc.runHash = runHash(doc.run);
    });
    expect(store.read(inputs(1))).toBeNull();
    expect(warnings.join('\n')).toContain(path);
    expect(warnings.join('\n')).toMatch(/report schema: .*lo = \d+ exceeds t/);
  });

  it('a re-hashed run that breaks the schema (a field removed) is not trusted', async () => {
    await tamper(1, (doc) => {
      delete (doc.run as Partial<RunResult>).checkpoints;
      doc.runHash = runHash(doc.run);
    });
    expect(store.read(inputs(1))).toBeNull();
    expect(warnings.join('\n')).toMatch(/report schema: .*checkpoints/);
  });

  it('a run edited in place to another seed (re-hashed) is reported and not trusted', async () => {
    await tamper(1, (doc) => {
      doc.run.seed = 2;
      doc.runHash = runHash(doc.run);
    });
    expect(store.read(inputs(1))).toBeNull();
    expect(warnings.join('\n')).toMatch(/not the \(m, seed\) of its key/);
  });

  it('a file of the previous format (no content hash) is not trusted', async () => {
    await tamper(1, (doc) => {
      (doc as { formatVersion?: number }).formatVersion = 1;
    });
    expect(store.read(inputs(1))).toBeNull();
    expect(warnings.join('\n')).toMatch(/not a pruneproof-run v2 file/);
  });

  it("a directory with a run's file name is named by blockedNames and skipped by readers", () => {
    const path = store.pathOf(runKey(inputs(1)));
    mkdirSync(path, { recursive: true });
    expect(store.blockedNames()).toEqual([path]);
    expect(store.read(inputs(1))).toBeNull();
    expect(warnings.join('\n')).toMatch(/is a directory/);
  });

  it('entries() lists every trustworthy run and skips the rest', async () => {
    await store.write(inputs(1), run(1));
    const bad = await store.write(inputs(2), run(2));
    writeFileSync(bad, '{}');
    writeFileSync(join(dir, 'notes.txt'), 'not a run');
    expect(store.entries().map((e) => e.inputs.seed)).toEqual([1]);
    expect(warnings).toHaveLength(1);
  });

  it('records each sweep once as a manifest, read back by manifests()', async () => {
    const sweep = { config: DEFAULT_SYNTHETIC, engine: 'onnx/float32', backend: 'wasm', rationale: ['r'] };
    await store.writeManifest(sweep);
    await store.writeManifest(sweep);
    await store.writeManifest({ ...sweep, config: { ...DEFAULT_SYNTHETIC, checkpoints: 3 } });
    const manifests = store.manifests();
    expect(manifests).toHaveLength(2);
    expect(manifests.map((m) => m.config.checkpoints).sort()).toEqual([3, DEFAULT_SYNTHETIC.checkpoints].sort());
  });
});
