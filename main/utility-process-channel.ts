/**
 * The engine in an Electron utility process: an EngineChannel over `utilityProcess.fork`. It is how
 * the desktop app isolates onnxruntime — a native abort or out-of-memory ends the utility process,
 * not the main process (the packaged app disables the RunAsNode fuse, so child_process.fork of
 * process.execPath cannot run Node there). The engine entry (worker.ts) talks back over
 * `process.parentPort`. Takes the `utilityProcess` object as a parameter so it is tested with a fake;
 * only main.ts imports electron.
 */
import { EventEmitter } from 'node:events';
import type { ForkOptions, UtilityProcess } from 'electron';
import { heapLimitArgs, initArg, OUT_OF_MEMORY, type EngineChannel, type EngineSpawn } from '../engine/src/runtime/channel';
import type { HostToWorker } from '../engine/src/runtime/protocol';

/** The part of Electron's `utilityProcess` module this needs. */
export interface UtilityProcessApi {
  fork(modulePath: string, args?: string[], options?: ForkOptions): UtilityProcess;
}

/** The engine process's name in the OS task manager and in app.getAppMetrics() (`name` of its 'Utility' entry). */
export const ENGINE_SERVICE_NAME = 'CNN Studio engine';

export interface UtilityProcessChannelOptions {
  /** Shown in the OS task manager and app.getAppMetrics() (default ENGINE_SERVICE_NAME). */
  serviceName?: string;
  /** Ends a process at once; default `process.kill(pid, 'SIGKILL')` (UtilityProcess.kill() sends SIGTERM, which a busy engine may not act on). */
  killPid?: (pid: number) => void;
}

const isHeapError = (text: string) => /heap|out of memory|OOM/i.test(text);

class UtilityProcessChannel extends EventEmitter implements EngineChannel {
  readonly isolation = 'process' as const;
  private readonly child: UtilityProcess;
  private exited = false;

  constructor(
    utilityProcess: UtilityProcessApi,
    spawn: EngineSpawn,
    private readonly options: UtilityProcessChannelOptions,
  ) {
    super();
    this.child = utilityProcess.fork(spawn.entry, [initArg(spawn.init)], {
      serviceName: options.serviceName ?? ENGINE_SERVICE_NAME,
      execArgv: heapLimitArgs(spawn.resourceLimits),
      stdio: 'inherit',
    });
    this.child.on('message', (m: unknown) => this.emit('message', m));
    // A V8 fatal error (out of memory among them); 'exit' follows either way.
    this.child.on('error', (type, location) => {
      const error = new Error(`${type} in the engine process${location ? ` at ${location}` : ''}`);
      this.emit('error', isHeapError(location) ? Object.assign(error, { code: OUT_OF_MEMORY }) : error);
    });
    this.child.on('exit', (code) => {
      this.exited = true;
      this.emit('exit', code, null);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  postMessage(message: HostToWorker): void {
    // Only MessagePortMain objects can be transferred to a utility process: buffers are copied.
    if (!this.exited) this.child.postMessage(message);
  }

  kill(): void {
    if (this.exited) return;
    const pid = this.child.pid;
    if (pid === undefined) {
      this.child.kill(); // not spawned yet: Electron ends it as soon as it is
      return;
    }
    try {
      (this.options.killPid ?? ((p: number) => process.kill(p, 'SIGKILL')))(pid);
    } catch {
      // Already gone: its 'exit' is on the way.
    }
  }
}

/** An EngineHost `spawnChannel` for Electron: `new EngineHost({ spawnChannel: (s) => utilityProcessChannel(utilityProcess, s) })`. */
export function utilityProcessChannel(utilityProcess: UtilityProcessApi, spawn: EngineSpawn, options: UtilityProcessChannelOptions = {}): EngineChannel {
  return new UtilityProcessChannel(utilityProcess, spawn, options);
}
