/**
 * EngineChannel over a Node child process: `child_process.fork(entry, { serialization: 'advanced' })`.
 * A native abort or an out-of-memory in the engine (onnxruntime) ends that process only; the host
 * sees an 'exit' and can always SIGKILL it safely. 'advanced' serialization (the structured clone
 * algorithm) keeps typed arrays typed; transfer lists do not apply between processes, so buffers are
 * copied once each way.
 *
 * Not for Electron: the packaged app disables the RunAsNode fuse, so its executable cannot run as
 * Node — use main/utility-process-channel.ts there.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { heapLimitArgs, initArg, OUT_OF_MEMORY, type ChannelError, type EngineChannel, type EngineSpawn } from './channel';
import type { HostToWorker } from './protocol';

/** How much of the child's stderr is kept to explain a crash. */
const STDERR_TAIL_BYTES = 8192;

/** `--import <tsx loader>` so a TypeScript entry runs in dev/tests. */
function tsxImportArgs(): string[] {
  return ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href];
}

/** The first `…Error: …` line of a crashed process's stderr, else its last line. */
export function crashLine(stderr: string): string | undefined {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /^(\w*Error|FATAL ERROR)\b/.test(l)) ?? lines.at(-1);
}

export const isHeapExhausted = (stderr: string): boolean => /JavaScript heap out of memory|Reached heap limit/.test(stderr);

class ProcessChannel extends EventEmitter implements EngineChannel {
  readonly isolation = 'process' as const;
  private readonly child: ChildProcess;
  private stderrTail = '';
  private exited = false;
  private errored = false;

  constructor(spawn: EngineSpawn) {
    super();
    if (process.versions.electron) throw new Error('A Node child process cannot be forked from Electron (the RunAsNode fuse is off): give EngineHost a utility-process spawnChannel.');
    const execArgv = [...heapLimitArgs(spawn.resourceLimits), ...(spawn.entry.endsWith('.ts') ? tsxImportArgs() : [])];
    this.child = fork(spawn.entry, [initArg(spawn.init)], { serialization: 'advanced', execArgv, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk); // the engine's warnings stay visible where the host's are
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    this.child.on('message', (m) => this.emit('message', m));
    this.child.on('error', (e) => {
      // A spawn failure has no pid and no 'exit' to follow; other errors (IPC) precede one.
      this.fail(e);
      if (this.child.pid === undefined) this.finish(null, null);
    });
    // 'close' (after stdio ends) rather than 'exit': the whole stderr is in by then.
    this.child.on('close', (code, signal) => this.finish(code, signal));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  postMessage(message: HostToWorker): void {
    if (this.child.connected) this.child.send(message);
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  private fail(error: ChannelError) {
    this.errored = true;
    this.emit('error', error);
  }

  private finish(code: number | null, signal: NodeJS.Signals | null) {
    if (this.exited) return;
    this.exited = true;
    if (!this.errored && (code !== 0 || signal)) {
      if (isHeapExhausted(this.stderrTail)) this.fail(Object.assign(new Error('the engine process ran out of memory'), { code: OUT_OF_MEMORY }));
      else {
        const line = crashLine(this.stderrTail);
        if (line) this.fail(new Error(line));
      }
    }
    this.emit('exit', code, signal);
  }
}

/** Starts the engine entry as a Node child process. Throws inside Electron (see the module comment). */
export function processChannel(spawn: EngineSpawn): EngineChannel {
  return new ProcessChannel(spawn);
}
