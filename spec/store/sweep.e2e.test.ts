/** verify through the run store, in-process on a 4-run sweep: reuse, --fresh, corrupt files, --force. */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../src/cli/errors';
import { RunStore } from '../../src/store/run-store';
import { cli, readOnlyReport, storeFiles, TINY_SWEEP, withoutVolatile } from './helpers';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pruneproof-sweep-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('verify with a run store', () => {
  const store = () => join(dir, 'store');
  const verify = (out: string, ...extra: string[]) =>
    cli(['verify', ...TINY_SWEEP, '--store', store(), '--out', join(dir, out), ...extra]);

  it('stores every run, then reuses them all and says so; the report is the same', async () => {
    const first = await verify('first');
    expect(first.code).toBe(EXIT.ok);
    expect(first.err).toMatch(/0 of 4 runs reused/);
    expect(storeFiles(store())).toHaveLength(4);
    const second = await verify('second');
    expect(second.err).toMatch(/4 of 4 runs reused/);
    expect(withoutVolatile(readOnlyReport(join(dir, 'second')))).toEqual(
      withoutVolatile(readOnlyReport(join(dir, 'first'))),
    );
  });

  it('a corrupt store file is reported, recomputed and replaced; the report is unchanged', async () => {
    const [victim] = storeFiles(store());
    writeFileSync(join(store(), victim), '{"format": "pruneproof-run", "truncat');
    const again = await verify('corrupt');
    expect(again.err).toContain(victim);
    expect(again.err).toMatch(/not JSON.*recomputing, not trusting it/);
    expect(again.err).toMatch(/3 of 4 runs reused.*1 computed/);
    const reread: string[] = [];
    expect(new RunStore(store(), (w) => reread.push(w)).entries()).toHaveLength(4);
    expect(reread).toEqual([]);
    expect(withoutVolatile(readOnlyReport(join(dir, 'corrupt')))).toEqual(
      withoutVolatile(readOnlyReport(join(dir, 'first'))),
    );
  });

  it('--fresh recomputes every run', async () => {
    expect((await verify('fresh', '--fresh')).err).toMatch(/0 of 4 runs reused.*4 computed/);
  });

  it('an existing report is not replaced without --force: exit 2 naming it, before anything is computed', async () => {
    const emptyStore = join(dir, 'untouched-store');
    const result = await cli(['verify', ...TINY_SWEEP, '--store', emptyStore, '--out', join(dir, 'first')]);
    expect(result.code).toBe(EXIT.badInput);
    expect(result.err).toMatch(new RegExp(`report already exists at ${join(dir, 'first')}.*--force`));
    expect(storeFiles(emptyStore)).toEqual([]);
    const forced = await cli(['verify', ...TINY_SWEEP, '--store', store(), '--out', join(dir, 'first'), '--force']);
    expect(forced.code).toBe(EXIT.ok);
    expect(readdirSync(join(dir, 'first'))).toHaveLength(1);
  });
});
