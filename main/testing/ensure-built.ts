/**
 * For the packaging tests: make sure dist/ holds a current build of everything the installer
 * packs. The renderer is built through the e2e helper (it takes the shared lock, so concurrent test
 * files never build or read a half-written dist/renderer); the esbuild bundles are rebuilt when
 * missing or older than their sources.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ensureRendererBuilt } from '../../e2e/support/server';

const ROOT = path.resolve(__dirname, '../..');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (/\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name)) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

export async function ensureAppBuilt(): Promise<void> {
  await ensureRendererBuilt();
  const build = (await import('../../scripts/build.mjs' as string)) as Record<'buildMain' | 'buildPreload' | 'buildWorker', () => Promise<void>>;
  const sourcesAt = Math.max(newest(path.join(ROOT, 'main')), newest(path.join(ROOT, 'engine/src')));
  const stale = (f: string) => !existsSync(path.join(ROOT, f)) || statSync(path.join(ROOT, f)).mtimeMs < sourcesAt;
  if (stale('dist/main/main.cjs')) await build.buildMain();
  if (stale('dist/main/preload.cjs')) await build.buildPreload();
  if (stale('dist/engine/worker.cjs')) await build.buildWorker();
}
