/**
 * Run-time backend selection: tensorflow (tfjs-node, if it installed) → wasm (SIMD) → cpu.
 * `PRUNEPROOF_BACKEND=wasm|cpu|tensorflow` or the CLI's `--backend` forces one; a forced
 * backend that cannot load is an error, never a silent fallback.
 */
import { tf } from './tf';

export const BACKEND_NAMES = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface BackendInfo {
  /** The backend every op of this process runs on. */
  name: BackendName;
  /** wasm only: whether the SIMD build loaded. */
  simd: boolean | null;
  /** wasm only: worker threads in use (1 = single-threaded). */
  threads: number | null;
  tfjsVersion: string;
  /** Backends tried before this one, with why each was skipped. */
  skipped: { name: BackendName; reason: string }[];
}

let active: Promise<BackendInfo> | null = null;

export function parseBackendName(value: string, source: string): BackendName {
  if ((BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName;
  throw new Error(`${source}: unknown backend '${value}' (expected one of ${BACKEND_NAMES.join(', ')})`);
}

async function tryTensorflow(): Promise<string | null> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@tensorflow/tfjs-node');
  } catch (e) {
    return `@tensorflow/tfjs-node is not installed or failed to load (${firstLine(e)})`;
  }
  return (await tf.setBackend('tensorflow')) ? null : 'tf.setBackend("tensorflow") returned false';
}

async function tryWasm(): Promise<string | null> {
  try {
    // Loaded only when wanted: once loaded, any tf op before setBackend throws (docs/ENGINES.md).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@tensorflow/tfjs-backend-wasm');
  } catch (e) {
    return `@tensorflow/tfjs-backend-wasm failed to load (${firstLine(e)})`;
  }
  return (await tf.setBackend('wasm')) ? null : 'tf.setBackend("wasm") returned false (wasm init failed)';
}

async function tryCpu(): Promise<string | null> {
  return (await tf.setBackend('cpu')) ? null : 'tf.setBackend("cpu") returned false';
}

const LOADERS: Record<BackendName, () => Promise<string | null>> = {
  tensorflow: tryTensorflow,
  wasm: tryWasm,
  cpu: tryCpu,
};

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split('\n')[0];
}

async function wasmDetails(): Promise<{ simd: boolean; threads: number }> {
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wasm = require('@tensorflow/tfjs-backend-wasm') as { getThreadsCount?: () => number };
  const threads = typeof wasm.getThreadsCount === 'function' ? wasm.getThreadsCount() : 1;
  return { simd, threads };
}

async function select(forced: BackendName | null): Promise<BackendInfo> {
  const order: BackendName[] = forced ? [forced] : [...BACKEND_NAMES];
  const skipped: BackendInfo['skipped'] = [];
  for (const name of order) {
    const reason = await LOADERS[name]();
    if (reason !== null) {
      if (forced) throw new Error(`backend '${forced}' was requested but cannot be used: ${reason}`);
      skipped.push({ name, reason });
      continue;
    }
    await tf.ready();
    const details = name === 'wasm' ? await wasmDetails() : { simd: null, threads: null };
    return { name, ...details, tfjsVersion: tf.version.tfjs, skipped };
  }
  throw new Error(`no tfjs backend could be initialised: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}

/**
 * Initialises the tfjs backend once per process (idempotent: later calls return the first result); call it
 * before any tensor operation.
 *
 * @param requested - 'tensorflow', 'wasm', 'cpu' or 'auto' (default: PRUNEPROOF_BACKEND, else the fastest that loads).
 * @returns the backend in use.
 * @throws Error when a later call asks for a different backend than the first.
 */
export function initBackend(requested?: BackendName | 'auto'): Promise<BackendInfo> {
  const env = process.env.PRUNEPROOF_BACKEND;
  const forced: BackendName | null =
    requested && requested !== 'auto'
      ? requested
      : env && env !== 'auto'
        ? parseBackendName(env, 'PRUNEPROOF_BACKEND')
        : null;
  if (!active) {
    active = select(forced);
    return active;
  }
  return active.then((info) => {
    if (forced && info.name !== forced) {
      throw new Error(`backend '${info.name}' is already active in this process; cannot switch to '${forced}'`);
    }
    return info;
  });
}

export function describeBackend(info: BackendInfo): string {
  const extra =
    info.name === 'wasm'
      ? ` (SIMD ${info.simd ? 'on' : 'off'}, ${info.threads} thread${info.threads === 1 ? '' : 's'})`
      : '';
  return `tfjs ${info.tfjsVersion} on backend '${info.name}'${extra}`;
}
