/**
 * The engine worker's side of its EngineChannel: which transport started it, and how to talk back.
 * - worker thread: `parentPort`, configuration in `workerData`, buffers transferred;
 * - Electron utility process: `process.parentPort` (messages arrive as `{ data }`);
 * - Node child process (fork with an IPC channel): `process.send` / `process.on('message')`.
 * Process transports get their configuration as a `--engine-init=<json>` argument.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { INIT_ARG_PREFIX } from './channel';
import type { HostToWorker, WorkerInit, WorkerToHost } from './protocol';

export type Transport = 'thread' | 'utility-process' | 'child-process';

export interface HostLink {
  transport: Transport;
  init: WorkerInit;
  post(message: WorkerToHost, transfer?: ArrayBuffer[]): void;
  onMessage(listener: (message: HostToWorker) => void): void;
}

/** Electron's `process.parentPort` in a utility process (typed here so the engine does not depend on Electron). */
interface ElectronParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  postMessage(message: unknown): void;
}

function initFromArgv(argv: readonly string[]): WorkerInit {
  const arg = argv.find((a) => a.startsWith(INIT_ARG_PREFIX));
  if (!arg) throw new Error(`engine worker: started as a process without its ${INIT_ARG_PREFIX}<json> argument`);
  return JSON.parse(arg.slice(INIT_ARG_PREFIX.length)) as WorkerInit;
}

export function connectToHost(): HostLink {
  const threadPort = parentPort;
  if (threadPort) {
    return {
      transport: 'thread',
      init: workerData as WorkerInit,
      post: (message, transfer = []) => threadPort.postMessage(message, transfer),
      onMessage: (listener) => threadPort.on('message', listener),
    };
  }
  const electronPort = (process as { parentPort?: ElectronParentPort }).parentPort;
  if (electronPort) {
    return {
      transport: 'utility-process',
      init: initFromArgv(process.argv),
      post: (message) => electronPort.postMessage(message),
      onMessage: (listener) => electronPort.on('message', (event) => listener(event.data as HostToWorker)),
    };
  }
  if (process.send) {
    // The host is gone (it exited or crashed): nobody is left to serve.
    process.on('disconnect', () => process.exit(0));
    return {
      transport: 'child-process',
      init: initFromArgv(process.argv),
      post: (message) => void process.send?.(message),
      onMessage: (listener) => process.on('message', (m) => listener(m as HostToWorker)),
    };
  }
  throw new Error('engine worker: start it as a worker thread, a Node child process with an IPC channel, or an Electron utility process');
}
