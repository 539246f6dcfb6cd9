/** Finding a compiled worker script: the .js beside the module, or null from TypeScript sources. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compiledWorkerScript } from '../../src/files/worker-script';

describe('compiledWorkerScript', () => {
  it('returns <dir>/<name>.js when it exists and null when only the .ts source does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pruneproof-worker-script-'));
    try {
      writeFileSync(join(dir, 'built.js'), '');
      writeFileSync(join(dir, 'source.ts'), '');
      expect(compiledWorkerScript(dir, 'built')).toBe(join(dir, 'built.js'));
      expect(compiledWorkerScript(dir, 'source')).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
