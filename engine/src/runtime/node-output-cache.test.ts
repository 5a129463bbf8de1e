import { describe, expect, it } from 'vitest';
import type { NodeRunResult } from '../core/api';
import { NodeOutputCache } from './node-output-cache';

/** A node result whose preview views `bytes` bytes of `shared` (as the in-graph taps' previews view one buffer). */
function summary(bytes: number, shared: Uint8Array, at = 0): NodeRunResult {
  return {
    shape: [1, 1, bytes],
    stats: { min: 0, max: 1, mean: 0.5, std: 0.1, zeros: 0 },
    preview: { channels: 1, height: 1, width: bytes, data: shared.subarray(at, at + bytes), ranges: Float32Array.of(0, 1) },
  };
}

describe('NodeOutputCache', () => {
  it('keeps previews as views, counts a shared buffer once, and says it holds it (a result must not move it)', () => {
    const cache = new NodeOutputCache();
    const shared = new Uint8Array(1000);
    cache.putSummary('a', summary(100, shared, 0));
    cache.putSummary('b', summary(100, shared, 100));
    expect(cache.get('a')!.summary!.preview!.data.buffer).toBe(shared.buffer);
    expect(cache.holds(shared.buffer)).toBe(true);
    // The shared 1000 bytes once, and each preview's own ranges (8 bytes).
    expect(cache.bytes).toBe(1000 + 2 * 8);
    const t = new Float32Array(10);
    cache.putTensor('a', t);
    expect(cache.get('a')!.tensor).toBe(t);
    expect(cache.holds(t.buffer)).toBe(true);
  });

  it('drops least recently used entries past its budget; a buffer goes with the last entry viewing it', () => {
    const cache = new NodeOutputCache(10_000);
    const a = new Float32Array(1000); // 4000 bytes
    cache.putTensor('a', a);
    cache.putTensor('b', new Float32Array(1000));
    cache.get('a'); // a is now more recent than b
    cache.putTensor('c', new Float32Array(1000));
    expect(cache.has('b', 'tensor')).toBe(false);
    expect(cache.has('a', 'tensor')).toBe(true);
    expect(cache.has('c', 'tensor')).toBe(true);
    expect(cache.bytes).toBe(8000);
    cache.putTensor('d', new Float32Array(1000));
    expect(cache.has('a', 'tensor')).toBe(false);
    expect(cache.holds(a.buffer)).toBe(false);

    const shared = new Uint8Array(3000);
    cache.clear();
    cache.putSummary('x', summary(10, shared, 0));
    cache.putTensor('x', new Float32Array(250));
    cache.putSummary('y', summary(10, shared, 10));
    cache.putTensor('z', new Float32Array(1000)); // 3000 + 16 + 1000 + 4000 ≤ 10 000
    expect(cache.holds(shared.buffer)).toBe(true);
    cache.putTensor('w', new Float32Array(500)); // 2000 more: x goes (1008 bytes of its own), y still views the shared buffer
    expect(cache.has('x', 'summary')).toBe(false);
    expect(cache.holds(shared.buffer)).toBe(true);
  });

  it('refuses a tensor whose buffer is larger than half its budget rather than emptying itself for it', () => {
    const cache = new NodeOutputCache(10_000);
    cache.putTensor('small', new Float32Array(100));
    cache.putTensor('huge', new Float32Array(2000));
    expect(cache.has('huge', 'tensor')).toBe(false);
    expect(cache.has('small', 'tensor')).toBe(true);
  });
});
