import { afterAll, describe, expect, it } from 'vitest';
import { executeRun } from './execute';
import { OrtBackend } from './ort/ort-backend';
import type { WorkerRunRequest } from './protocol';
import { ReferenceBackend } from './reference/backend';
import { RunTensorStore } from './run-tensors';
import { relativeError } from './testing/compare';
import { chainDoc } from './testing/docs';

const doc = chainDoc({ channels: 3, height: 12, width: 12 }, [
  { id: 'conv', type: 'Conv2D', params: { filters: 8, kernel: 3, padding: 'same' } },
  { id: 'relu', type: 'Activation', params: {} },
  { id: 'pool', type: 'Pool2D', params: { mode: 'max', kernel: 2, stride: 2 } },
  { id: 'flat', type: 'Flatten' },
  { id: 'fc', type: 'Dense', params: { units: 5 } },
]);
const data = Float32Array.from({ length: 3 * 12 * 12 }, (_, i) => Math.sin(i * 0.37) * 2);
const request: WorkerRunRequest = { document: doc, inputs: { kind: 'tensor', shape: [3, 12, 12], data }, previews: true, tensors: 'outputs', seed: 7 };

const ort = new OrtBackend();
afterAll(() => ort.dispose());

describe('fetchTensor tensors kept in the worker (RunTensorStore on onnxruntime)', () => {
  it('serves two nodes of one run equal to the reference backend, building one all-outputs session once', async () => {
    const reference = await executeRun({ ...request, previews: false, tensors: 'all' }, new ReferenceBackend());
    await executeRun(request, ort); // the editor's run: previews, graph outputs only
    const store = new RunTensorStore();
    const before = ort.sessionsCreated;

    const conv = await store.fetch('D', 1, request, 'conv', ort);
    expect(ort.sessionsCreated).toBe(before + 1); // the all-outputs variant
    expect(conv.shape).toEqual([8, 12, 12]);
    expect(relativeError(conv.data, reference.tensors.conv.data)).toBeLessThan(1e-5);

    const pool = await store.fetch('D', 1, request, 'pool', ort);
    expect(ort.sessionsCreated).toBe(before + 1); // served from memory: no session built
    expect(pool.shape).toEqual([8, 6, 6]);
    expect(relativeError(pool.data, reference.tensors.pool.data)).toBeLessThan(1e-5);

    // A new run of the document drops the kept tensors; its first fetch reuses the cached variant session.
    store.drop('D');
    expect(store.holds('D', 1)).toBe(false);
    const again = await store.fetch('D', 2, request, 'pool', ort);
    expect(ort.sessionsCreated).toBe(before + 1);
    expect(Array.from(again.data)).toEqual(Array.from(pool.data));
  });

  it('returns copies (the caller may transfer them) and names a node that did not run', async () => {
    const store = new RunTensorStore();
    const a = await store.fetch('E', 1, request, 'relu', ort);
    a.data.fill(-1);
    const b = await store.fetch('E', 1, request, 'relu', ort);
    expect(b.data.some((v) => v !== -1)).toBe(true);
    await expect(store.fetch('E', 1, request, 'missing', ort)).rejects.toMatchObject({ code: 'bad-input' });
  });
});
