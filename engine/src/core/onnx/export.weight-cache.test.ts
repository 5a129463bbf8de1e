import { describe, expect, it } from 'vitest';
import { WeightCache } from './export';

describe('WeightCache', () => {
  it('makes a weight once and keeps it across compilations while all fit the budget', () => {
    const cache = new WeightCache(1000);
    let made = 0;
    const make = () => (made++, new Float32Array(100)); // 400 bytes
    cache.get('a', make);
    cache.sweep();
    cache.get('b', make); // a compilation that did not use a
    cache.sweep();
    expect(cache.size).toBe(2);
    cache.get('a', make);
    expect(made).toBe(2);
  });

  it('past the budget drops what the last compilation did not use, least recently used first', () => {
    const cache = new WeightCache(1000);
    const make = () => new Float32Array(100);
    for (const k of ['a', 'b']) cache.get(k, make);
    cache.sweep();
    cache.get('c', make);
    cache.get('d', make);
    cache.sweep();
    // 1600 bytes held: a and b (not used last) go, oldest first, until 800 ≤ 1000.
    expect(cache.size).toBe(2);
    let remade = 0;
    cache.get('a', () => (remade++, new Float32Array(100)));
    cache.get('c', () => (remade++, new Float32Array(100)));
    expect(remade).toBe(1);
  });

  it('keeps everything the last compilation used, even over the budget', () => {
    const cache = new WeightCache(100);
    for (const k of ['a', 'b', 'c']) cache.get(k, () => new Float32Array(100));
    cache.sweep();
    expect(cache.size).toBe(3);
  });
});
