/**
 * Browser mode with the real engine for the live-inference tests and benchmark: the built renderer
 * served by main/web-server.ts in this process, bridged to an EngineHost (worker thread, real
 * backend). The EngineHost instance is returned so a test can kill its worker mid-run; `wrap`
 * lets a benchmark observe the calls.
 */
import type { EngineClient } from '../../engine/src/core/api';
import { EngineHost, type EngineHostOptions } from '../../engine/src/runtime/engine-host';
import { ensureRendererBuilt, RENDERER_DIR } from './server';

export interface LiveServer {
  /** The page to open, with the server's launch token (`/?token=…`): the page's socket is refused without it. */
  url: string;
  engine: EngineHost;
  close(): Promise<void>;
}

export async function startLiveServer(options: EngineHostOptions = {}, wrap?: (engine: EngineHost) => EngineClient): Promise<LiveServer> {
  await ensureRendererBuilt();
  const { startWebServer } = await import('../../main/web-server');
  const engine = new EngineHost(options);
  await engine.start();
  const server = await startWebServer({ port: 0, rendererDir: RENDERER_DIR, engine: wrap ? wrap(engine) : engine });
  return {
    url: server.url,
    engine,
    async close() {
      await server.close();
      await engine.stop();
    },
  };
}
