import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SYNTHETIC } from '../../src/experiment/defaults';
import type { RunResult } from '../../src/experiment/types';
import { runConfigOf, runKey, type RunKeyInputs } from '../../src/store/keys';
import { RunStore } from '../../src/store/run-store';

const inputs = (seed: number): RunKeyInputs => ({
  config: runConfigOf(DEFAULT_SYNTHETIC),
  m: 10,
  seed,
  engine: 'tfjs',
  backend: 'cpu',
  version: '0.1.0',
  code: 'c',
  packages: {},
  data: `data-${seed}`,
});

/** The fields the store checks, plus a marker; the store treats the rest of a RunResult as opaque. */
const run = (seed: number): RunResult =>
  ({
    m: 10,
    seed,
    dataset: 'x',
    critical: { tIn: 3, tCrit: [], tCritAccuracy: [] },
    checks: [],
    checkpoints: [],
    hypotheses: [],
    tStar: {},
  }) as unknown as RunResult;

let dir: string;
let warnings: string[];
let store: RunStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pruneproof-store-'));
  warnings = [];
  store = new RunStore(dir, (s) => warnings.push(s));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('RunStore', () => {
  it('reads back exactly what it wrote, under the key of its inputs, leaving no temporary file', async () => {
    const path = await store.write(inputs(1), run(1));
    expect(path).toBe(join(dir, `${runKey(inputs(1))}.json`));
    expect(readdirSync(dir)).toEqual([`${runKey(inputs(1))}.json`]);
    expect(store.read(inputs(1))).toEqual(run(1));
    expect(store.read(inputs(2))).toBeNull();
    expect(warnings).toEqual([]);
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

  it('a run edited in place (key inputs intact, run of another seed) is reported and not trusted', async () => {
    const path = await store.write(inputs(1), run(1));
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    doc.run.seed = 2;
    writeFileSync(path, JSON.stringify(doc));
    expect(store.read(inputs(1))).toBeNull();
    expect(warnings.join('\n')).toMatch(/not the \(m, seed\) of its key/);
  });

  it('entries() lists every trustworthy run and skips the rest', async () => {
    await store.write(inputs(1), run(1));
    const bad = await store.write(inputs(2), run(2));
    writeFileSync(bad, '{}');
    writeFileSync(join(dir, 'notes.txt'), 'not a run');
    expect(store.entries().map((e) => e.inputs.seed)).toEqual([1]);
    expect(warnings).toHaveLength(1);
  });
});
