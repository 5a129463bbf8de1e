/**
 * Browser-mode entry (bundled to dist/web/server.cjs; started by `npm run web`):
 *   node dist/web/server.cjs [--port N] [--backend ort|reference] [--dist DIR]
 * Starts the engine worker, serves dist/renderer on 127.0.0.1 and bridges the host router over a
 * WebSocket. Ctrl+C stops both.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineHost } from '../engine/src/runtime/engine-host';
import type { BackendName } from '../engine/src/runtime/protocol';
import type { EngineService } from './engine-service';
import { startWebServer } from './web-server';

export interface WebArgs {
  port: number;
  backend?: BackendName;
  distDir: string;
}

export function parseWebArgs(argv: readonly string[], defaultDist: string): WebArgs {
  const args: WebArgs = { port: 0, distDir: defaultDist };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value.`);
      return v;
    };
    if (flag === '--port') {
      const p = Number(value());
      if (!Number.isInteger(p) || p < 0 || p > 65535) throw new Error(`--port must be an integer from 0 to 65535.`);
      args.port = p;
    } else if (flag === '--backend') {
      const b = value();
      if (b !== 'ort' && b !== 'reference') throw new Error(`--backend must be "ort" or "reference".`);
      args.backend = b;
    } else if (flag === '--dist') args.distDir = path.resolve(value());
    else throw new Error(`Unknown option ${flag}. Usage: npm run web -- [--port N] [--backend ort|reference]`);
  }
  return args;
}

async function main() {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const args = parseWebArgs(process.argv.slice(2), path.resolve(here, '..'));
  const engine: EngineService = new EngineHost({
    workerPath: path.join(args.distDir, 'engine', 'worker.cjs'),
    ...(args.backend ? { backend: args.backend } : {}),
  });
  await engine.start();
  const server = await startWebServer({ port: args.port, rendererDir: path.join(args.distDir, 'renderer'), engine });
  console.log(`CNN Studio (browser mode): ${server.url}`);
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

if (process.env.CNN_STUDIO_WEB_NO_MAIN !== '1') {
  main().catch((e: unknown) => {
    console.error(`CNN Studio (browser mode) could not start: ${(e as Error)?.message ?? e}`);
    process.exit(1);
  });
}
