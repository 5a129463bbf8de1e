#!/usr/bin/env node
/**
 * npm's `prepare` (run by `npm ci` and `npm install`): build the `cnn-studio` CLI into dist/cli, so
 * the bin runs compiled JavaScript. A production install (`npm ci --omit=dev`) has no esbuild: it
 * keeps the CLI an earlier full install built, or says how to get one — it never fails the install.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/cli/cnn-studio.mjs');

let haveEsbuild = true;
try {
  await import('esbuild');
} catch {
  haveEsbuild = false;
}

if (haveEsbuild) {
  const { buildAll } = await import('./build.mjs');
  await buildAll(['cli']);
} else if (existsSync(bin)) {
  console.log('cnn-studio: esbuild is not installed (a production install); keeping the CLI built before in dist/cli.');
} else {
  console.warn('cnn-studio: the CLI is not built and esbuild is not installed (a production install). Run a full `npm ci` once (it builds dist/cli), then `npm ci --omit=dev` keeps it.');
}
