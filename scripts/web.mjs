#!/usr/bin/env node
/**
 * `npm run web [-- --port N] [--backend ort|reference]`: browser mode. Builds the renderer when
 * dist/renderer is missing or older than its sources, bundles the engine worker and the server, then
 * runs the server (which prints "CNN Studio (browser mode): http://127.0.0.1:PORT/?token=…": the
 * token, new at each launch, is what lets the page reach the engine).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT, buildRenderer, buildWebServer, buildWorker, rendererIsStale } from './build.mjs';

try {
  if (rendererIsStale()) {
    console.log('Building the renderer…');
    await buildRenderer();
  }
  await buildWorker();
  await buildWebServer();
} catch (e) {
  console.error(`Build failed: ${e?.message ?? e}`);
  process.exit(1);
}

const child = spawn(process.execPath, [path.join(ROOT, 'dist/web/server.cjs'), ...process.argv.slice(2)], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
