import { describe, expect, it } from 'vitest';
import { analyze } from '../graph/analyze';
import { getPreset } from '../presets';
import { DEFAULT_SEED } from '../weights/seeded';
import { compileOnnx, primitiveWeight, seededWeightKey, WeightCache } from './export';

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

  it('makes room ahead for weights about to be made, never dropping what the compilation under way uses, and says what it drops', () => {
    const dropped: Float32Array[] = [];
    const cache = new WeightCache(1000, (w) => dropped.push(w));
    const arrays = Object.fromEntries(['a', 'b', 'c'].map((k) => [k, new Float32Array(100)]));
    for (const k of ['a', 'b']) cache.get(k, () => arrays[k]);
    cache.sweep();
    cache.keep('a'); // the compilation under way uses a, the older one
    cache.makeRoom(400); // 800 + 400 > 1000: b goes, not a
    expect(dropped).toEqual([arrays.b]);
    cache.get('c', () => arrays.c);
    cache.sweep();
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([true, false, true]);
    cache.makeRoom(0); // within the budget: nothing goes
    expect(dropped).toHaveLength(1);
  });

  it('drops weights made ahead that nothing asked for before older ones, unless making more ahead; one asked for is like any other', () => {
    const dropped: string[] = [];
    const arrays = Object.fromEntries(['current', 'next', 'other', 'asked'].map((k) => [k, new Float32Array(100)]));
    const name = (w: Float32Array) => Object.keys(arrays).find((k) => arrays[k] === w)!;
    const cache = new WeightCache(1200, (w) => dropped.push(name(w)));
    cache.get('current', () => arrays.current);
    cache.sweep();
    cache.put('next', arrays.next); // the seed likely next, made while idle
    cache.put('asked', arrays.asked);
    cache.get('asked', () => new Float32Array(100)); // asked for: held, not made again
    cache.sweep();
    cache.makeRoom(400, { aheadFirst: false }); // 1200 + 400 bytes: one goes, the least recently used
    expect(dropped).toEqual(['current']);
    cache.get('current', () => arrays.current);
    cache.sweep();
    cache.makeRoom(400); // a seed nobody foresaw: the unasked weight made ahead goes first
    expect(dropped).toEqual(['current', 'next']);
    expect([cache.has('current'), cache.has('asked')]).toEqual([true, true]);
  });

  it('keeps everything the last compilation used, even over the budget', () => {
    const cache = new WeightCache(100);
    for (const k of ['a', 'b', 'c']) cache.get(k, () => new Float32Array(100));
    cache.sweep();
    expect(cache.size).toBe(3);
  });

  it('a compilation that feeds seeded weights as inputs keeps them held for its runs, over the budget', () => {
    const doc = getPreset('lenet5');
    const analysis = analyze(doc);
    const cache = new WeightCache(1); // everything is over budget
    const prims = analysis.primitives.nodes.filter((p) => p.weights.length);
    // A first run made every weight (as a run feeding them does)…
    for (const p of prims) for (const w of p.weights) primitiveWeight(doc, p, w.name, { weightCache: cache });
    cache.sweep();
    // …then a compilation with all of them as inputs: nothing of theirs may go in its sweep.
    const fed = new Set(prims.map((p) => p.id));
    const compiled = compileOnnx(doc, analysis, { weightCache: cache, weightInputs: fed });
    expect(compiled.weightInputs.length).toBeGreaterThan(0);
    const seed = doc.seed ?? DEFAULT_SEED;
    for (const p of prims) for (const w of p.weights) if (fed.has(p.id)) expect(cache.has(seededWeightKey(p, w, seed))).toBe(true);
  });
});
