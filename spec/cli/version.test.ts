/** Exit 3 is for bugs: the report carries the stack, the command line and the versions, and asks for a bug report. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { internalErrorReport, PRUNEPROOF_VERSION, versionLine } from '../../src/cli/version';

describe('internalErrorReport', () => {
  it('has the stack, the command line as typed and the versions, and asks to report the bug', () => {
    const text = internalErrorReport(new TypeError('x is undefined'), ['verify', '--m', '50']);
    expect(text).toContain(
      'pruneproof: internal error (a bug in pruneproof, not in your input): TypeError: x is undefined\n    at ',
    );
    expect(text).toContain('Please report it');
    expect(text).toContain('  command: pruneproof verify --m 50');
    expect(text).toContain(`  versions: ${versionLine()}`);
    expect(PRUNEPROOF_VERSION).toBe(
      (JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version,
    );
  });
});
