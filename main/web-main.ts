/**
 * Browser-mode entry (bundled to dist/web/server.cjs; started by `npm run web`):
 *   node dist/web/server.cjs [--port N] [--backend ort|reference] [--dist DIR]
 * Starts the engine (in a child process), serves dist/renderer on 127.0.0.1 and bridges the host router over a
 * WebSocket. Ctrl+C stops both.
 *
 * Each launch makes a secret token (256 random bits) and prints the address with it, as Jupyter
 * does: only a page opened from that address can reach the engine, not another local process.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineHost } from '../engine/src/runtime/engine-host';
import type { EngineService } from './engine-service';
import { newLaunchToken, startWebServer } from './web-server';
import { parseWebArgs } from './web-args';

async function main() {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const args = parseWebArgs(process.argv.slice(2), path.resolve(here, '..'));
  const engine: EngineService = new EngineHost({
    workerPath: path.join(args.distDir, 'engine', 'worker.cjs'),
    mnistDir: path.join(args.distDir, 'engine', 'mnist'),
    // A child process: an engine crash (even a native abort in onnxruntime) cannot take the server down.
    isolation: 'process',
    ...(args.backend ? { backend: args.backend } : {}),
  });
  // The editor works without live inference: report an engine that cannot start, but keep serving.
  await engine.start().catch((e: unknown) => {
    console.warn(`CNN Studio: the inference engine did not start (${(e as Error)?.message ?? e}); editing still works.`);
  });
  const server = await startWebServer({ port: args.port, rendererDir: path.join(args.distDir, 'renderer'), engine, token: newLaunchToken() });
  console.log(`CNN Studio (browser mode): ${server.url}`);
  console.log('Open this address (its token lets the page reach the engine; other programs cannot without it).');
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    await engine.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(`CNN Studio (browser mode) could not start: ${(e as Error)?.message ?? e}`);
  process.exit(1);
});
