import { describe, expect, it } from 'vitest';
import type { InputPayload } from '../core/api';
import { HeldInputs, sameInputs, WorkerInputs } from './held-inputs';

const tensor = (values: number[]): InputPayload => ({ kind: 'tensor', shape: [1, 1, values.length], data: Float32Array.from(values) });
const image = (bytes: number[]): InputPayload => ({ kind: 'image', width: 1, height: bytes.length / 4, rgba: Uint8Array.from(bytes) });

describe('sameInputs', () => {
  it('compares payloads byte for byte, per Input id', () => {
    expect(sameInputs(tensor([1, 2]), tensor([1, 2]))).toBe(true);
    expect(sameInputs(tensor([1, 2]), tensor([1, 3]))).toBe(false);
    expect(sameInputs(tensor([1, 2]), { kind: 'tensor', shape: [1, 2, 1], data: Float32Array.from([1, 2]) })).toBe(false);
    expect(sameInputs(image([1, 2, 3, 4]), image([1, 2, 3, 4]))).toBe(true);
    expect(sameInputs(image([1, 2, 3, 4]), tensor([1, 2, 3, 4]))).toBe(false);
    expect(sameInputs({ a: tensor([1]), b: tensor([2]) }, { b: tensor([2]), a: tensor([1]) })).toBe(true);
    expect(sameInputs({ a: tensor([1]) }, { a: tensor([1]), b: tensor([2]) })).toBe(false);
    expect(sameInputs(tensor([1]), { a: tensor([1]) })).toBe(false);
    // -0 and 0 differ in bytes, and a NaN equals itself in bytes: the worker would see different inputs, or the same.
    expect(sameInputs(tensor([0]), tensor([-0]))).toBe(false);
    expect(sameInputs(tensor([NaN]), tensor([NaN]))).toBe(true);
  });
});

describe('HeldInputs (host side)', () => {
  it('sends inputs once per document, again when they change (even in the same array), and never keeps oversized ones', () => {
    const dropped: string[] = [];
    const held = new HeldInputs((id) => dropped.push(id), 2, 64);
    const x = tensor([1, 2, 3]);
    expect(held.use('doc', x)).toBe('keep');
    expect(held.use('doc', x)).toBe('held');
    (x as { data: Float32Array }).data[0] = 9; // the caller reuses its buffer with new values
    expect(held.use('doc', x)).toBe('keep');
    expect(dropped).toEqual(['doc']);
    expect(held.use('doc', tensor([9, 2, 3]))).toBe('held');
    expect(held.use('big', tensor(Array(17).fill(1)))).toBe('once'); // 68 bytes > 64
    expect(held.use('big', tensor(Array(17).fill(1)))).toBe('once');
  });

  it('keeps at most maxDocs documents, dropping the least recently used', () => {
    const dropped: string[] = [];
    const held = new HeldInputs((id) => dropped.push(id), 2);
    held.use('a', tensor([1]));
    held.use('b', tensor([2]));
    expect(held.use('a', tensor([1]))).toBe('held'); // a is now the most recent
    held.use('c', tensor([3]));
    expect(dropped).toEqual(['b']);
    expect(held.use('a', tensor([1]))).toBe('held');
    expect(held.use('b', tensor([2]))).toBe('keep');
  });
});

describe('WorkerInputs (worker side)', () => {
  it('keeps what it is told, serves it to held requests, and prepares tensors once per key', () => {
    const w = new WorkerInputs();
    const x = tensor([1, 2]);
    expect(w.resolve('doc', 'keep', x)).toBe(x);
    expect(w.resolve('doc', 'held', {})).toBe(x);
    expect(w.resolve('doc', 'once', tensor([5]))).not.toBe(x);
    const prepared = w.prepared('doc')!;
    expect(prepared.get('k')).toBeUndefined();
    const t = { input: new Float32Array(2) };
    prepared.set('k', t);
    expect(w.prepared('doc')!.get('k')).toBe(t);
    expect(w.prepared('doc')!.get('other')).toBeUndefined();
    expect(w.holds(t.input.buffer as ArrayBuffer)).toBe(true);
    expect(w.holds((x as { data: Float32Array }).data.buffer as ArrayBuffer)).toBe(true);
    expect(w.holds(new ArrayBuffer(8))).toBe(false);
    w.resolve('doc', 'keep', tensor([3])); // new inputs: the prepared tensors go with the old ones
    expect(w.prepared('doc')!.get('k')).toBeUndefined();
    w.drop('doc');
    expect(() => w.resolve('doc', 'held', {})).toThrow(/holds no inputs for document "doc"/);
  });
});
