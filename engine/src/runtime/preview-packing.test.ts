import { describe, expect, it } from 'vitest';
import { deserialize, serialize } from 'node:v8';
import type { NodeRunResult } from '../core/api';
import { packPreviews, unpackPreviews } from './preview-packing';

const stats = { min: 0, max: 1, mean: 0.5, std: 0.1, zeros: 0 };

function result(shared: boolean) {
  const bytes = Uint8Array.from({ length: 40 }, (_, i) => i);
  const view = (at: number, n: number) => (shared ? bytes.subarray(at, at + n) : bytes.slice(at, at + n));
  const nodes: Record<string, NodeRunResult> = {
    a: { shape: [1, 2, 2], stats, preview: { channels: 1, height: 2, width: 2, data: view(4, 4), ranges: Float32Array.from([0, 1]) } },
    b: { shape: [2, 3, 2], stats, preview: { channels: 2, height: 3, width: 2, data: view(10, 12), ranges: Float32Array.from([0, 1, 2, 3]) } },
    c: { shape: [5], stats },
  };
  return { timeMs: 3, nodes, tensors: { c: { shape: [5], data: new Float32Array(5) } } };
}

describe('preview packing across processes', () => {
  it('sends one array covering the previews and gives back the same previews after a V8 round trip', () => {
    const original = result(true);
    const packed = packPreviews(original) as unknown as { packedPreviews: Uint8Array };
    expect(packed.packedPreviews.byteLength).toBe(18); // bytes 4…21
    const back = unpackPreviews(deserialize(serialize(packed))) as ReturnType<typeof result>;
    expect(back.timeMs).toBe(3);
    expect(back).not.toHaveProperty('packedPreviews');
    for (const id of ['a', 'b'] as const) {
      expect(Array.from(back.nodes[id].preview!.data)).toEqual(Array.from(original.nodes[id].preview!.data));
      expect(Array.from(back.nodes[id].preview!.ranges)).toEqual(Array.from(original.nodes[id].preview!.ranges));
    }
    expect(back.nodes.c).toEqual(original.nodes.c);
    expect(Array.from(back.tensors.c.data)).toEqual([0, 0, 0, 0, 0]);
  });

  it('packs the previews of the shared buffer and leaves previews with buffers of their own as they are', () => {
    const original = result(true);
    const own = Uint8Array.from([7, 8, 9, 10]);
    original.nodes.input = { shape: [1, 2, 2], stats, preview: { channels: 1, height: 2, width: 2, data: own, ranges: Float32Array.from([0, 1]) } };
    const packed = packPreviews(original) as unknown as { packedPreviews: Uint8Array; nodes: Record<string, { preview?: { data: unknown } }> };
    expect(packed.packedPreviews.byteLength).toBe(18);
    expect(packed.nodes.input.preview!.data).toBe(own);
    const back = unpackPreviews(deserialize(serialize(packed))) as ReturnType<typeof result>;
    for (const id of ['a', 'b', 'input'] as const) expect(Array.from(back.nodes[id].preview!.data)).toEqual(Array.from(original.nodes[id].preview!.data));
  });

  it('leaves results alone whose previews do not share a buffer, and values without nodes', () => {
    const separate = result(false);
    expect(packPreviews(separate)).toBe(separate);
    const tensor = { shape: [2], data: new Float32Array(2) };
    expect(packPreviews(tensor)).toBe(tensor);
    expect(unpackPreviews(tensor)).toBe(tensor);
  });
});
