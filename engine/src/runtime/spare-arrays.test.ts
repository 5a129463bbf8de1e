import { afterEach, describe, expect, it, vi } from 'vitest';
import { SpareArrays } from './spare-arrays';

const free = () => false;

describe('SpareArrays', () => {
  afterEach(() => vi.useRealTimers());

  it('hands back an offered array of exactly the length asked for, once', () => {
    const spares = new SpareArrays();
    const a = new Float32Array(100);
    const b = new Float32Array(200);
    spares.offer(a);
    spares.offer(b);
    expect(spares.take(150, free)).toBeUndefined();
    expect(spares.take(200, free)).toBe(b);
    expect(spares.take(200, free)).toBeUndefined();
    expect(spares.take(100, free)).toBe(a);
    expect(spares.size).toBe(0);
    expect(spares.heldBytes).toBe(0);
  });

  it('skips an array its owner says is still read, and gives it once it is not', () => {
    const spares = new SpareArrays();
    const a = new Float32Array(64);
    const b = new Float32Array(64);
    spares.offer(a);
    spares.offer(b);
    const read = new Set<ArrayBufferLike>([a.buffer]);
    expect(spares.take(64, (x) => read.has(x.buffer))).toBe(b);
    expect(spares.take(64, (x) => read.has(x.buffer))).toBeUndefined();
    read.clear();
    expect(spares.take(64, (x) => read.has(x.buffer))).toBe(a);
  });

  it('keeps only arrays that own their whole buffer (a view cannot be transferred to a thread alone)', () => {
    const spares = new SpareArrays();
    const buffer = new ArrayBuffer(4 * 300);
    spares.offer(new Float32Array(buffer, 0, 100));
    spares.offer(new Float32Array(buffer, 400, 100));
    spares.offer(new Float32Array(0));
    expect(spares.size).toBe(0);
  });

  it('drops the oldest arrays beyond its budget, and keeps none with a budget of 0', () => {
    const spares = new SpareArrays({ budgetBytes: 4 * 250 });
    const [a, b, c] = [new Float32Array(100), new Float32Array(100), new Float32Array(100)];
    spares.offer(a);
    spares.offer(b);
    spares.offer(c);
    expect(spares.heldBytes).toBe(800);
    expect(spares.take(100, (x) => x !== a)).toBeUndefined(); // a, the oldest, went
    expect([spares.take(100, free), spares.take(100, free)]).toEqual([b, c]);
    const none = new SpareArrays({ budgetBytes: 0 });
    none.offer(new Float32Array(10));
    expect(none.size).toBe(0);
  });

  it('lets every array go once none has been offered or taken for idleMs', () => {
    vi.useFakeTimers();
    const spares = new SpareArrays({ idleMs: 1000 });
    spares.offer(new Float32Array(10));
    vi.advanceTimersByTime(900);
    spares.offer(new Float32Array(20));
    vi.advanceTimersByTime(900);
    expect(spares.size).toBe(2);
    vi.advanceTimersByTime(200);
    expect(spares.size).toBe(0);
    expect(spares.heldBytes).toBe(0);
  });
});
