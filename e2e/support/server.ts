/** Browser mode for the tests: the built renderer served by main/web-server.ts, the real host router over a WebSocket. */
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EngineClient } from '../../engine/src/core/api';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RENDERER_DIR = path.join(ROOT, 'dist/renderer');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Builds dist/renderer when it is missing or older than its sources. Several test files may ask at
 * once: a lock directory makes one of them build while the others wait.
 */
export async function ensureRendererBuilt(): Promise<void> {
  const build = (await import('../../scripts/build.mjs' as string)) as { buildRenderer(): Promise<void>; rendererIsStale(): boolean };
  const lock = path.join(ROOT, 'dist/.renderer-build.lock');
  mkdirSync(path.dirname(lock), { recursive: true });
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than two minutes was left by a crashed run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      if (waited > 180_000) throw new Error('Timed out waiting for another renderer build');
      await sleep(200);
    }
  }
  try {
    if (build.rendererIsStale()) await build.buildRenderer();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface RunningServer {
  /** The page to open, with the server's launch token (`/?token=…`): the page's socket is refused without it. */
  url: string;
  close(): Promise<void>;
}

/** Starts browser mode in-process. The editor tests need no inference: the engine is the host tests' recording fake unless one is given. */
export async function startServer(engine?: EngineClient): Promise<RunningServer> {
  await ensureRendererBuilt();
  const { startWebServer } = await import('../../main/web-server');
  const { FakeEngine } = await import('../../main/testing/fakes');
  const server = await startWebServer({ port: 0, rendererDir: RENDERER_DIR, engine: engine ?? new FakeEngine() });
  return { url: server.url, close: () => server.close() };
}
