import { describe, expect, it } from 'vitest';
import { WeightsStore } from './weights-store';

describe('WeightsStore', () => {
  it('holds bytes by unguessable token, and forgets them on release (telling listeners)', () => {
    const store = new WeightsStore();
    const released: string[] = [];
    store.onRelease((t) => released.push(t));
    const a = store.add(new Uint8Array(8), 'a.weights.bin', '/m/a.weights.bin');
    const b = store.add(new Uint8Array(4), 'b.weights.bin');
    expect(a.token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.token).not.toBe(b.token);
    expect(store.get(a.token)).toMatchObject({ file: 'a.weights.bin', byteLength: 8, origin: '/m/a.weights.bin' });
    expect(store.byteLength).toBe(12);
    expect(store.release(a.token)).toBe(true);
    expect(store.release(a.token)).toBe(false);
    expect(released).toEqual([a.token]);
    expect(store.byteLength).toBe(4);
  });

  it('keeps at most maxBytes: adding more forgets the least recently used first', () => {
    const store = new WeightsStore(100);
    const a = store.add(new Uint8Array(40), 'a');
    const b = store.add(new Uint8Array(40), 'b');
    store.get(a.token); // a is now the most recently used
    const c = store.add(new Uint8Array(40), 'c');
    expect([store.has(a.token), store.has(b.token), store.has(c.token)]).toEqual([true, false, true]);
    const big = store.add(new Uint8Array(150), 'big'); // over the cap alone: held, everything else goes
    expect(store.size).toBe(1);
    expect(store.has(big.token)).toBe(true);
  });
});
