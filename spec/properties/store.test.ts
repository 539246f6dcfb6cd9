/** The counterexample store: file naming, atomic save, load checks, removal. */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CounterexampleStore,
  DEFAULT_COUNTEREXAMPLE_DIR,
  storeFileName,
  type StoredCounterexample,
} from '../../src/properties/store';

const entry = (over: Partial<StoredCounterexample> = {}): StoredCounterexample => ({
  schemaVersion: 1,
  propertyId: 'CLAIM-B1',
  pruner: 'greedy',
  seed: 42,
  path: '3:1:0',
  case: { m: 2 },
  detail: 'R(t) > bound',
  violatedHypotheses: [{ id: 'H4', detail: 'H4 fails' }],
  regimes: ['N<m'],
  numShrinks: 4,
  recordedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pruneproof-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('CounterexampleStore', () => {
  it('defaults to .pruneproof/counterexamples and names files <property>.json, or <property>@<pruner>.json for other pruners', () => {
    expect(DEFAULT_COUNTEREXAMPLE_DIR).toBe('.pruneproof/counterexamples');
    expect(storeFileName('CLAIM-B1', 'greedy')).toBe('CLAIM-B1.json');
    expect(storeFileName('CONTRACT-size', '../evil name')).toBe('CONTRACT-size@__evil_name.json');
  });

  it('saves atomically (no temporary file left) and loads the same entry back', async () => {
    const store = new CounterexampleStore(join(dir, 'nested', 'db'));
    const file = await store.save(entry());
    expect(readdirSync(join(dir, 'nested', 'db'))).toEqual(['CLAIM-B1.json']);
    expect(file).toBe(store.fileFor('CLAIM-B1', 'greedy'));
    expect(store.load('CLAIM-B1', 'greedy')).toEqual({ entry: entry() });
    await store.remove('CLAIM-B1', 'greedy');
    expect(store.load('CLAIM-B1', 'greedy')).toBeNull();
    await expect(store.remove('CLAIM-B1', 'greedy')).resolves.toBeUndefined();
  });

  it('reports, without throwing, files it cannot use: bad JSON, another schema version, another property or pruner, missing fields', async () => {
    const store = new CounterexampleStore(dir);
    const file = store.fileFor('CLAIM-B1', 'greedy');
    const problem = (content: string) => {
      writeFileSync(file, content);
      const loaded = store.load('CLAIM-B1', 'greedy');
      return loaded && 'problem' in loaded ? loaded.problem : null;
    };
    expect(problem('nope')).toMatch(/not valid JSON/);
    expect(problem(JSON.stringify(entry({ schemaVersion: 2 as 1 })))).toMatch(/schemaVersion 2 is not 1/);
    expect(problem(JSON.stringify(entry({ propertyId: 'CLAIM-B3' })))).toMatch(
      /propertyId "CLAIM-B3" does not match 'CLAIM-B1'/,
    );
    expect(problem(JSON.stringify(entry({ pruner: 'random' })))).toMatch(/pruner "random" does not match 'greedy'/);
    expect(problem(JSON.stringify({ ...entry(), seed: 'x' }))).toMatch(/seed must be an integer/);
    expect(problem(JSON.stringify({ ...entry(), regimes: undefined }))).toMatch(/regimes/);
  });

  it('rejects an empty directory name', () => {
    expect(() => new CounterexampleStore('')).toThrow('CounterexampleStore: dir must be a non-empty path');
  });
});

describe('CounterexampleStore: a corrupt file', () => {
  it('is reported on the console with its path (not silently overwritten)', () => {
    const store = new CounterexampleStore(dir);
    writeFileSync(store.fileFor('CLAIM-B1', 'greedy'), '{ not json');
    const writes: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((s) => (writes.push(String(s)), true));
    try {
      expect(store.load('CLAIM-B1', 'greedy')).toEqual({ problem: expect.stringContaining('not valid JSON') });
    } finally {
      spy.mockRestore();
    }
    expect(writes.join('')).toContain(
      `pruneproof: warning: counterexample store file unusable, ignored and to be replaced: ${store.fileFor('CLAIM-B1', 'greedy')}`,
    );
  });
});
