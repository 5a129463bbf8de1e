import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InputPayload } from '../core/api';
import type { EngineChannel, EngineSpawn } from './channel';
import { EngineHost } from './engine-host';
import { processChannel } from './process-channel';
import type { HostToWorker } from './protocol';
import { chainDoc } from './testing/docs';
import { threadChannel } from './thread-channel';

/** Unchanged inputs are sent once per document and worker (held-inputs.ts); results stay exact. */
describe.each(['thread', 'process'] as const)('EngineHost: inputs the worker holds (%s isolation)', (isolation) => {
  const sent: HostToWorker[] = [];
  const spawnChannel = (spawn: EngineSpawn): EngineChannel => {
    const channel = isolation === 'thread' ? threadChannel(spawn) : processChannel(spawn);
    const post = channel.postMessage.bind(channel);
    channel.postMessage = (message: HostToWorker, transfer?: ArrayBuffer[]) => {
      sent.push(message);
      post(message, transfer);
    };
    return channel;
  };
  const host = new EngineHost({ isolation, backend: 'reference', spawnChannel });
  beforeAll(() => host.start());
  afterAll(() => host.stop());

  const doc = chainDoc({ channels: 1, height: 2, width: 2 }, [{ id: 'scale', type: 'Conv2D', params: { filters: 1, kernel: 1, bias: false }, weights: { kernel: [2] } }]);
  const runs = () => sent.filter((m): m is Extract<HostToWorker, { type: 'run' }> => m.type === 'run');

  it('the second run of the same input sends none and gives the same outputs; a changed input (same array) is sent again', async () => {
    const x: InputPayload = { kind: 'tensor', shape: [1, 2, 2], data: Float32Array.from([1, 2, 3, 4]) };
    const first = await host.run({ docId: 'd', document: doc, inputs: x, tensors: 'all' });
    const second = await host.run({ docId: 'd', document: doc, inputs: x, tensors: 'all' });
    expect(runs().slice(-2).map((m) => m.inputs)).toEqual(['keep', 'held']);
    expect(runs().at(-1)!.request.inputs).toEqual({});
    expect(Array.from(second.tensors.scale.data)).toEqual([2, 4, 6, 8]);
    expect(Array.from(first.tensors.scale.data)).toEqual([2, 4, 6, 8]);
    // The Input node's own tensor came back twice: the worker's kept copy was not moved away.
    expect(Array.from(second.tensors.input.data)).toEqual([1, 2, 3, 4]);
    x.data[0] = 10;
    const third = await host.run({ docId: 'd', document: doc, inputs: x, tensors: 'all' });
    expect(runs().at(-1)!.inputs).toBe('keep');
    expect(Array.from(third.tensors.scale.data)).toEqual([20, 4, 6, 8]);
  });

  it('an edit that changes preprocessing re-prepares the held image', async () => {
    const img: InputPayload = { kind: 'image', width: 2, height: 2, rgba: Uint8Array.from([255, 0, 0, 255, 0, 0, 0, 255, 255, 0, 0, 255, 0, 0, 0, 255]) };
    const gray = chainDoc({ channels: 1, height: 2, width: 2 }, [{ id: 'relu', type: 'Activation', params: { fn: 'relu' } }]);
    const scaled = chainDoc({ channels: 1, height: 2, width: 2, preprocess: { mean: [0.5], std: [0.5] } }, [{ id: 'relu', type: 'Activation', params: { fn: 'relu' } }]);
    const a = await host.run({ docId: 'img', document: gray, inputs: img, tensors: ['input'] });
    const b = await host.run({ docId: 'img', document: scaled, inputs: img, tensors: ['input'] });
    expect(runs().slice(-2).map((m) => m.inputs)).toEqual(['keep', 'held']);
    const luma = 0.299; // ITU-R 601 weight of red
    expect(Array.from(a.tensors.input.data).map((v) => +v.toFixed(4))).toEqual([luma, 0, luma, 0]);
    expect(Array.from(b.tensors.input.data).map((v) => +v.toFixed(4))).toEqual([(luma - 0.5) / 0.5, -1, (luma - 0.5) / 0.5, -1]);
  });

  it('fetchTensor and a restarted worker get the inputs again', async () => {
    const x: InputPayload = { kind: 'tensor', shape: [1, 2, 2], data: Float32Array.from([5, 6, 7, 8]) };
    await host.run({ docId: 'r', document: doc, inputs: x });
    expect(Array.from((await host.fetchTensor('r', 'scale')).data)).toEqual([10, 12, 14, 16]);
    expect(sent.filter((m) => m.type === 'fetch').at(-1)).toMatchObject({ inputs: 'held' });
    await host.terminateWorkerForTesting();
    const after = await host.run({ docId: 'r', document: doc, inputs: x });
    expect(runs().at(-1)!.inputs).toBe('keep');
    expect(Array.from(after.tensors.scale.data)).toEqual([10, 12, 14, 16]);
  });
});

/** A client names its inputs once (RunRequest.inputsKey) and refers to them after (`{ kind: 'same', key }`). */
describe('EngineHost: inputs a client named', () => {
  const host = new EngineHost({ isolation: 'thread', backend: 'reference' });
  beforeAll(() => host.start());
  afterAll(() => host.stop());
  const doc = chainDoc({ channels: 1, height: 2, width: 2 }, [{ id: 'scale', type: 'Conv2D', params: { filters: 1, kernel: 1, bias: false }, weights: { kernel: [2] } }]);

  it('runs on the named inputs as they were sent; another key, another document or a forgotten one is "inputs-gone"', async () => {
    const x: InputPayload = { kind: 'tensor', shape: [1, 2, 2], data: Float32Array.from([1, 2, 3, 4]) };
    await host.run({ docId: 'a', document: doc, inputs: x, inputsKey: 'k1', tensors: 'all' });
    x.data[0] = 100; // the caller reuses its array: the named inputs are what was sent
    const same = await host.run({ docId: 'a', document: doc, inputs: { kind: 'same', key: 'k1' }, tensors: 'all' });
    expect(Array.from(same.tensors.scale.data)).toEqual([2, 4, 6, 8]);
    const gone = async (p: Promise<unknown>) => p.then(() => 'ran', (e: { code?: string }) => e.code);
    expect(await gone(host.run({ docId: 'a', document: doc, inputs: { kind: 'same', key: 'k0' } }))).toBe('inputs-gone');
    expect(await gone(host.run({ docId: 'b', document: doc, inputs: { kind: 'same', key: 'k1' } }))).toBe('inputs-gone');
    // A newer key replaces the older one.
    await host.run({ docId: 'a', document: doc, inputs: x, inputsKey: 'k2' });
    expect(await gone(host.run({ docId: 'a', document: doc, inputs: { kind: 'same', key: 'k1' } }))).toBe('inputs-gone');
    expect(Array.from((await host.run({ docId: 'a', document: doc, inputs: { kind: 'same', key: 'k2' }, tensors: 'all' })).tensors.scale.data)).toEqual([200, 4, 6, 8]);
    await host.forget('a');
    expect(await gone(host.run({ docId: 'a', document: doc, inputs: { kind: 'same', key: 'k2' } }))).toBe('inputs-gone');
  });
});
