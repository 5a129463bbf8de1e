import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { transferables } from './transfer';

describe('transferables', () => {
  it('lists every buffer once and moves them; a pooled Node Buffer is copied, never taken', async () => {
    const a = new Float32Array(4).fill(1);
    const b = new Uint8Array(8);
    const shared = new Float32Array(16);
    const pooled = Buffer.from('small'); // a view into Node's shared Buffer pool
    const value = { x: { shape: [4], data: a }, y: [b, b], z: { whole: shared, part: shared.subarray(4) }, pooled, n: 3, s: 'x' };
    const list = transferables(value);
    expect(list.slice(0, 3)).toEqual([a.buffer, b.buffer, shared.buffer]);
    expect(list.length).toBeLessThanOrEqual(4);

    const { port1, port2 } = new MessageChannel();
    const received = new Promise<typeof value>((resolve) => port2.once('message', resolve));
    port1.postMessage(value, list);
    const got = await received;
    port1.close();
    expect(a.byteLength).toBe(0); // moved
    expect(Array.from(got.x.data)).toEqual([1, 1, 1, 1]);
    expect(got.z.part.buffer).toBe(got.z.whole.buffer); // views still share their buffer
    expect(Buffer.from(got.pooled).toString()).toBe('small');
    expect(pooled.toString()).toBe('small'); // the pool is untouched
  });
});
