/**
 * The link between EngineHost and one engine worker (entry: worker.ts): a worker thread
 * (thread-channel.ts), a Node child process (process-channel.ts) or an Electron utility process
 * (main/utility-process-channel.ts). EngineHost only talks to this interface.
 */
import type { ResourceLimits } from 'node:worker_threads';
import type { HostToWorker, WorkerInit, WorkerToHost } from './protocol';

/** Where the engine runs: a thread of the host process, or a process of its own (a crash there cannot take the host down). */
export type Isolation = 'thread' | 'process';

/** What a channel factory needs to start one engine worker. */
export interface EngineSpawn {
  /** The engine entry script: dist/engine/worker.cjs when bundled, worker.ts in dev/tests. */
  entry: string;
  /** The worker's configuration (backend, size limits). */
  init: WorkerInit;
  /** Heap limits; a process channel maps maxOldGenerationSizeMb to --max-old-space-size. */
  resourceLimits: ResourceLimits;
}

/** The error code a channel reports when the worker died of its heap limit (Node's own code for worker threads). */
export const OUT_OF_MEMORY = 'ERR_WORKER_OUT_OF_MEMORY';

export type ChannelError = Error & { code?: string };

export interface EngineChannel {
  readonly isolation: Isolation;
  /** The OS process id of a process channel (undefined for a thread, or before the process has spawned). */
  readonly pid?: number;
  /** Sends a message; `transfer` moves those buffers to a thread (processes copy them and ignore the list). Dropped once the worker has exited. */
  postMessage(message: HostToWorker, transfer?: ArrayBuffer[]): void;
  on(event: 'message', listener: (message: WorkerToHost) => void): this;
  /** What is known of why the worker is dying (an uncaught exception, its heap limit, a start failure); 'exit' follows. */
  on(event: 'error', listener: (error: ChannelError) => void): this;
  /** Emitted once, when the worker has ended. */
  on(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  /** Ends the worker at once (Worker.terminate for a thread, SIGKILL for a process); 'exit' follows. */
  kill(): void;
}

/** The engine's configuration as one argument of a process entry: `--engine-init=<json>`. */
export const INIT_ARG_PREFIX = '--engine-init=';

export function initArg(init: WorkerInit): string {
  return INIT_ARG_PREFIX + JSON.stringify(init);
}

/** Node flags for a process worker equivalent to a thread's resourceLimits. */
export function heapLimitArgs(limits: ResourceLimits): string[] {
  return limits.maxOldGenerationSizeMb ? [`--max-old-space-size=${Math.round(limits.maxOldGenerationSizeMb)}`] : [];
}
