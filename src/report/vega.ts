/**
 * Headless Vega-Lite → SVG rendering.
 *
 * vega 6 and vega-lite 6 are published as ES modules only, and vega's module graph contains a top-level
 * await, so Node's require(esm) refuses it; pruneproof compiles to CommonJS and jest runs CommonJS.
 * Both packages also ship self-contained UMD bundles (vega/build/vega.min.js, vega-lite/build/
 * vega-lite.min.js). We evaluate those once with a CommonJS-style wrapper, which behaves the same
 * under node and under jest and needs no change to the build or test configuration.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as VegaLiteModule from 'vega-lite' with { 'resolution-mode': 'import' };
import type * as VegaModule from 'vega' with { 'resolution-mode': 'import' };
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };

export type { TopLevelSpec };

type Vega = typeof VegaModule;
type VegaLite = typeof VegaLiteModule;

let loaded: { vega: Vega; vegaLite: VegaLite } | null = null;

/** Directory of a package's resolved entry point (its package.json is not exported). */
function buildDirOf(pkg: string): string {
  return dirname(require.resolve(pkg));
}

function evaluateUmd<T>(file: string, requireDep: (name: string) => unknown): T {
  const source = readFileSync(file, 'utf8');
  const module = { exports: {} as T };
  // The UMD prologue picks the CommonJS branch because `exports` and `module` are defined.
  const factory = new Function('exports', 'module', 'require', `${source}\n//# sourceURL=${file}`);
  factory.call(globalThis, module.exports, module, requireDep);
  return module.exports;
}

function load(): { vega: Vega; vegaLite: VegaLite } {
  if (!loaded) {
    const vega = evaluateUmd<Vega>(join(buildDirOf('vega'), 'vega.min.js'), (name) => {
      throw new Error(`vega UMD bundle: unexpected require('${name}')`);
    });
    const vegaLite = evaluateUmd<VegaLite>(join(buildDirOf('vega-lite'), 'vega-lite.min.js'), (name) => {
      if (name === 'vega') return vega;
      throw new Error(`vega-lite UMD bundle: unexpected require('${name}')`);
    });
    loaded = { vega, vegaLite };
  }
  return loaded;
}

/** Versions of the bundles actually evaluated. */
export function vegaVersions(): { vega: string; vegaLite: string } {
  const { vega, vegaLite } = load();
  return { vega: vega.version, vegaLite: vegaLite.version };
}

/** A logger for vega and vega-lite that keeps warnings instead of printing them. */
function collectingLogger(sink: string[]) {
  let current = 2;
  const logger = {
    level(value?: number) {
      if (value === undefined) return current;
      current = value;
      return logger;
    },
    error(...args: readonly unknown[]) {
      sink.push(`error: ${args.map(String).join(' ')}`);
      return logger;
    },
    warn(...args: readonly unknown[]) {
      sink.push(`warning: ${args.map(String).join(' ')}`);
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger;
}

/** vega-lite's compile-time warnings for a spec (empty for a clean spec). */
export function specWarnings(spec: TopLevelSpec): string[] {
  const warnings: string[] = [];
  load().vegaLite.compile(spec, { logger: collectingLogger(warnings) });
  return warnings;
}

// SVG clip-path and gradient ids come from process-wide counters; renders are serialised and the
// counters reset before each one so the same spec always gives the same bytes.
let queue: Promise<unknown> = Promise.resolve();

async function renderNow(spec: TopLevelSpec): Promise<string> {
  const { vega, vegaLite } = load();
  const warnings: string[] = [];
  const compiled = vegaLite.compile(spec, { logger: collectingLogger(warnings) }).spec;
  vega.resetSVGDefIds();
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger: collectingLogger(warnings) });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Renders a Vega-Lite spec to an SVG string (deterministic: same spec, same bytes). */
export function renderSvg(spec: TopLevelSpec): Promise<string> {
  const result = queue.then(() => renderNow(spec));
  queue = result.catch(() => undefined);
  return result;
}
