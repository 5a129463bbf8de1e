import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { UtilityProcess } from 'electron';
import type { EngineEvent } from '../engine/src/core/api';
import { OUT_OF_MEMORY, type EngineSpawn } from '../engine/src/runtime/channel';
import { EngineHost } from '../engine/src/runtime/engine-host';
import { fakeUtilityProcess } from './testing/fake-electron';
import { utilityProcessChannel, type UtilityProcessApi } from './utility-process-channel';

const spawn: EngineSpawn = { entry: '/app/dist/engine/worker.cjs', init: { backend: 'ort', limits: { maxActivationBytes: 1024, maxParams: 10 } }, resourceLimits: { maxOldGenerationSizeMb: 512 } };

/** A scripted stand-in for one utility process. */
class ScriptedProcess extends EventEmitter {
  pid: number | undefined = undefined;
  readonly posted: unknown[] = [];
  killCalls = 0;
  postMessage(m: unknown) {
    this.posted.push(m);
  }
  kill() {
    this.killCalls++;
    return true;
  }
}

function scripted() {
  const forks: { modulePath: string; args?: string[]; options?: unknown }[] = [];
  const proc = new ScriptedProcess();
  const api: UtilityProcessApi = {
    fork: (modulePath, args, options) => {
      forks.push({ modulePath, args, options });
      return proc as unknown as UtilityProcess;
    },
  };
  return { api, forks, proc };
}

describe('utilityProcessChannel (scripted utilityProcess)', () => {
  it('forks the engine entry with its configuration argument and heap limit, named for the task manager', () => {
    const { api, forks } = scripted();
    utilityProcessChannel(api, spawn);
    expect(forks).toEqual([
      {
        modulePath: '/app/dist/engine/worker.cjs',
        args: [`--engine-init=${JSON.stringify(spawn.init)}`],
        options: { serviceName: 'CNN Studio engine', execArgv: ['--max-old-space-size=512'], stdio: 'inherit' },
      },
    ]);
  });

  it('passes messages both ways, and drops what is sent after the process exited', () => {
    const { api, proc } = scripted();
    const channel = utilityProcessChannel(api, spawn);
    const got: unknown[] = [];
    const exits: unknown[] = [];
    channel.on('message', (m) => got.push(m));
    channel.on('exit', (code, signal) => exits.push([code, signal]));
    proc.emit('message', { type: 'ready', backend: 'ort' });
    channel.postMessage({ type: 'cancel', id: 3 }, [new ArrayBuffer(4)]);
    proc.emit('exit', 134);
    channel.postMessage({ type: 'cancel', id: 4 });
    expect(got).toEqual([{ type: 'ready', backend: 'ort' }]);
    expect(proc.posted).toEqual([{ type: 'cancel', id: 3 }]);
    expect(exits).toEqual([[134, null]]);
  });

  it('kill() SIGKILLs the spawned process by pid; before it has a pid it asks Electron to end it', () => {
    const killed: number[] = [];
    const { api, proc } = scripted();
    const channel = utilityProcessChannel(api, spawn, { killPid: (pid) => killed.push(pid) });
    channel.kill();
    expect(proc.killCalls).toBe(1);
    proc.pid = 4242;
    channel.kill();
    expect(killed).toEqual([4242]);
    expect(channel.pid).toBe(4242);
    proc.emit('exit', 9);
    channel.kill();
    expect(killed).toEqual([4242]);
  });

  it('reports a V8 fatal error about the heap as out-of-memory', () => {
    const { api, proc } = scripted();
    const channel = utilityProcessChannel(api, spawn);
    const errors: { code?: string; message: string }[] = [];
    channel.on('error', (e) => errors.push(e));
    proc.emit('error', 'FatalError', 'Reached heap limit', '{}');
    proc.emit('error', 'FatalError', 'v8::ToLocalChecked Empty MaybeLocal', '{}');
    expect(errors[0]).toMatchObject({ code: OUT_OF_MEMORY, message: 'FatalError in the engine process at Reached heap limit' });
    expect(errors[1].code).toBeUndefined();
  });
});

describe('EngineHost over a utility process (stand-in utilityProcess running the real worker)', () => {
  const entry = fileURLToPath(new URL('../engine/src/runtime/testing/abort-on-signal-worker.ts', import.meta.url));
  let host: EngineHost | undefined;
  afterEach(() => host?.stop());

  it('runs through process.parentPort, and survives the engine process aborting', async () => {
    const pids: (() => number | undefined)[] = [];
    const utility = fakeUtilityProcess();
    host = new EngineHost({
      backend: 'reference',
      isolation: 'process',
      // The stand-in forks plain Node, which needs tsx for the TypeScript entry (Electron gets the bundled worker.cjs).
      spawnChannel: (s) => {
        const tsx = ['--import', import.meta.resolve('tsx')];
        const channel = utilityProcessChannel({ fork: (p, a, o) => utility.fork(p, a, { ...o, execArgv: [...(o?.execArgv ?? []), ...tsx] }) as unknown as UtilityProcess }, { ...s, entry });
        pids.push(() => channel.pid);
        return channel;
      },
    });
    const data = Float32Array.from({ length: 16 }, (_, i) => i);
    const doc = { format: 'cnn-studio.model' as const, version: 1 as const, name: 't', nodes: [{ id: 'input', type: 'Input', params: { channels: 1, height: 4, width: 4 } }, { id: 'flat', type: 'Flatten', params: {} }], edges: [{ id: 'e', source: 'input', target: 'flat' }] };
    const r = await host.run({ docId: 'u', document: doc, inputs: { kind: 'tensor', shape: [1, 4, 4], data } });
    expect(r.tensors.flat.data).toBeInstanceOf(Float32Array);
    expect(Array.from(r.tensors.flat.data)).toEqual(Array.from(data));

    const restarted = new Promise<EngineEvent>((resolve) => host!.onEvent((e) => e.type === 'worker-restarted' && resolve(e)));
    process.kill(pids[0]()!, 'SIGUSR2'); // the engine process calls process.abort()
    expect(await restarted).toMatchObject({ reason: 'the worker died (exit code 134)' });
    const again = await host.run({ docId: 'u', document: doc, inputs: { kind: 'tensor', shape: [1, 4, 4], data } });
    expect(Array.from(again.tensors.flat.data)).toEqual(Array.from(data));
    expect(pids).toHaveLength(2);
  });
});
