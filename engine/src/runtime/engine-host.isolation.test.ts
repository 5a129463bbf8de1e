/**
 * Process isolation: the engine dies, the host does not. These kill the real engine child process
 * (onnxruntime backend, running ResNet-50) with SIGKILL and make it call process.abort() — what a
 * native abort in onnxruntime does — and check the host carries on.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { InputPayload } from '../core/api';
import { getPreset } from '../core/presets';
import type { EngineChannel, EngineSpawn } from './channel';
import { EngineHost } from './engine-host';
import { processChannel } from './process-channel';
import { chainDoc, LECTURE_4X4 } from './testing/docs';
import { errorOf, nextEvent } from './testing/host';

const lectureInput: InputPayload = { kind: 'tensor', shape: [1, 4, 4], data: Float32Array.from(LECTURE_4X4.flat()) };
const poolDoc = chainDoc({ channels: 1, height: 4, width: 4 }, [{ id: 'pool', type: 'Pool2D', params: { mode: 'max', kernel: 2, stride: 2 } }]);
const resnetRun = (docId: string) => ({ docId, document: getPreset('resnet50'), inputs: { kind: 'image' as const, width: 224, height: 224, rgba: new Uint8Array(224 * 224 * 4).fill(100) } });
const abortingEntry = fileURLToPath(new URL('./testing/abort-on-signal-worker.ts', import.meta.url));


/** An EngineHost with process isolation whose channels (and so child pids) the test can see. */
function observedHost(entry?: string) {
  const channels: EngineChannel[] = [];
  const exits: { signal: string | null; code: number | null }[] = [];
  const host = new EngineHost({
    isolation: 'process',
    spawnChannel: (spawn: EngineSpawn) => {
      const channel = processChannel(entry ? { ...spawn, entry } : spawn);
      channel.on('exit', (code, signal) => exits.push({ code, signal }));
      channels.push(channel);
      return channel;
    },
  });
  return { host, channels, exits };
}

describe('EngineHost process isolation (onnxruntime backend)', () => {
  let host: EngineHost | undefined;
  afterEach(() => host?.stop());

  it('an engine process killed with SIGKILL mid-run: the run fails with worker-crashed, the engine restarts, the next run succeeds', async () => {
    const o = observedHost();
    host = o.host;
    await host.start();
    const running = nextEvent(host, (e) => e.type === 'run-state' && e.docId === 'K' && e.state === 'running');
    const restarted = nextEvent(host, (e) => e.type === 'worker-restarted');
    const inflight = errorOf(host.run(resnetRun('K')));
    await running;
    process.kill(o.channels[0].pid!, 'SIGKILL');
    const err = await inflight;
    expect(err.code).toBe('worker-crashed');
    expect(err.message).toMatch(/signal SIGKILL/);
    expect(await restarted).toMatchObject({ reason: 'the worker died (signal SIGKILL)' });
    const r = await host.run({ docId: 'K', document: poolDoc, inputs: lectureInput });
    expect(Array.from(r.tensors.pool.data)).toEqual([28, 65, 87, 56]);
    expect(o.channels).toHaveLength(2);
    expect(o.channels[1].pid).not.toBe(o.channels[0].pid);
  });

  it('an engine process that calls process.abort() mid-run (as a native abort does) leaves the host serving', async () => {
    const o = observedHost(abortingEntry);
    host = o.host;
    await host.start();
    const running = nextEvent(host, (e) => e.type === 'run-state' && e.docId === 'A' && e.state === 'running');
    const restarted = nextEvent(host, (e) => e.type === 'worker-restarted');
    const inflight = errorOf(host.run(resnetRun('A')));
    await running;
    process.kill(o.channels[0].pid!, 'SIGUSR2');
    const err = await inflight;
    expect(err.code).toBe('worker-crashed');
    expect(o.exits[0]).toEqual({ code: null, signal: 'SIGABRT' });
    expect(await restarted).toMatchObject({ type: 'worker-restarted' });
    const r = await host.run({ docId: 'A', document: poolDoc, inputs: lectureInput });
    expect(Array.from(r.tensors.pool.data)).toEqual([28, 65, 87, 56]);
  });

  it('a timeout kills the busy engine process at once (SIGKILL) instead of waiting for onnxruntime', async () => {
    const o = observedHost();
    host = o.host;
    await host.start();
    const err = await errorOf(host.run({ ...resnetRun('T'), timeoutMs: 20 }));
    expect(err.code).toBe('timeout');
    const r = await host.run({ docId: 'T', document: poolDoc, inputs: lectureInput });
    expect(Array.from(r.tensors.pool.data)).toEqual([28, 65, 87, 56]);
    expect(o.exits[0]).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('is the default for the onnxruntime backend; the reference backend stays in a thread', () => {
    expect(new EngineHost().isolation).toBe('process');
    expect(new EngineHost({ backend: 'ort' }).isolation).toBe('process');
    expect(new EngineHost({ backend: 'reference' }).isolation).toBe('thread');
    expect(new EngineHost({ backend: 'ort', isolation: 'thread' }).isolation).toBe('thread');
  });
});
