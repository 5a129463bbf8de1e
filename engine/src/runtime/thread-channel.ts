/** EngineChannel over a worker_threads Worker in the host process (results' buffers are transferred, not copied). */
import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EngineChannel, EngineSpawn } from './channel';
import type { HostToWorker } from './protocol';

class ThreadChannel extends EventEmitter implements EngineChannel {
  readonly isolation = 'thread' as const;
  private readonly worker: Worker;

  constructor(spawn: EngineSpawn) {
    super();
    const { entry, init, resourceLimits } = spawn;
    this.worker = entry.endsWith('.ts')
      ? // Dev/tests: a bootstrap registers tsx in the thread, then imports the TypeScript entry.
        new Worker(new URL('./worker-dev.mjs', import.meta.url), { workerData: { ...init, entry: pathToFileURL(entry).href }, resourceLimits })
      : new Worker(entry, { workerData: init, resourceLimits });
    this.worker.on('message', (m) => this.emit('message', m));
    this.worker.on('error', (e) => this.emit('error', e));
    this.worker.on('exit', (code) => this.emit('exit', code, null));
  }

  postMessage(message: HostToWorker, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  kill(): void {
    void this.worker.terminate();
  }
}

export function threadChannel(spawn: EngineSpawn): EngineChannel {
  return new ThreadChannel(spawn);
}
