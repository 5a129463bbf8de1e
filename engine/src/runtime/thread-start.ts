/**
 * Starting a helper thread of the engine from its entry file: in dev and tests the TypeScript entry
 * through worker-dev.mjs (which registers tsx in the thread); in a build the bundled file beside the
 * engine worker (scripts/build.mjs).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * `from`: the caller's `import.meta.url`; `devEntry`: the TypeScript entry relative to it; `builtFile`:
 * the bundled entry relative to it once bundled. Undefined when the bundled file is missing.
 */
export function startThread(from: string, devEntry: string, builtFile: string): Worker | undefined {
  if (from.endsWith('.ts')) return new Worker(new URL('./worker-dev.mjs', import.meta.url), { workerData: { entry: new URL(devEntry, from).href } });
  const file = fileURLToPath(new URL(builtFile, from));
  return existsSync(file) ? new Worker(file) : undefined;
}
