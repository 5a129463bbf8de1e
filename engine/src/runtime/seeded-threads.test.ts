import { afterAll, describe, expect, it } from 'vitest';
import type { WeightSpec } from '../core/ops/op';
import { initialWeight } from '../core/weights/resolve';
import { SEEDED_THREADS_MIN_VALUES, SeededThreads } from './seeded-threads';

const spec = (name: string, shape: number[]): WeightSpec => ({ name, shape, init: 'he', fanIn: shape.slice(1).reduce((a, b) => a * b, 1), trainable: true });

describe('SeededThreads', () => {
  const pool = new SeededThreads(2);
  afterAll(() => pool.dispose());

  it('makes the same weights as this thread would, in the order asked, across threads', async () => {
    const jobs = [spec('kernel', [256, 256, 3, 3]), spec('kernel', [64, 3, 7, 7]), spec('kernel', [512, 256, 3, 3]), spec('bias', [10, 100])].map((s, i) => ({ spec: s, primId: `conv${i}`, seed: 42 + i }));
    expect(jobs.reduce((n, j) => n + j.spec.shape.reduce((a, b) => a * b, 1), 0)).toBeGreaterThan(SEEDED_THREADS_MIN_VALUES);
    const out = (await pool.generate(jobs)).arrays;
    expect(out).toHaveLength(jobs.length);
    expect(pool.started).toBe(2);
    jobs.forEach((j, i) => expect(Buffer.from(out[i].buffer).equals(Buffer.from(initialWeight(j.spec, j.primId, j.seed).buffer))).toBe(true));
  }, 60_000);

  it('shares many tensors of every size between the threads as they go, each one whole and in its place', async () => {
    const sizes = Array.from({ length: 60 }, (_, i) => [((i * 37) % 23) + 1, ((i * 11) % 17) + 1, 3, 3 * (1 + (i % 5) * 20)]);
    const jobs = sizes.map((shape, i) => ({ spec: spec(i % 2 ? 'bias' : 'kernel', shape), primId: `p${i}`, seed: 7 }));
    expect(jobs.reduce((n, j) => n + j.spec.shape.reduce((a, b) => a * b, 1), 0)).toBeGreaterThan(SEEDED_THREADS_MIN_VALUES);
    const out = (await pool.generate(jobs)).arrays;
    jobs.forEach((j, i) => expect(Buffer.from(out[i].buffer).equals(Buffer.from(initialWeight(j.spec, j.primId, j.seed).buffer))).toBe(true));
  }, 60_000);

  it('fills the arrays it is given, on its threads (moved there and back) and on this one', async () => {
    const jobs = [spec('kernel', [512, 256, 3, 3]), spec('kernel', [256, 256, 3, 3]), spec('kernel', [64, 64, 3, 3])].map((s, i) => ({ spec: s, primId: `conv${i}`, seed: 9, out: new Float32Array(s.shape.reduce((a, b) => a * b, 1)).fill(7) }));
    const given = jobs.map((j) => j.out);
    const out = (await pool.generate(jobs)).arrays;
    jobs.forEach((j, i) => expect(Buffer.from(out[i].buffer).equals(Buffer.from(initialWeight(j.spec, j.primId, j.seed).buffer))).toBe(true));
    // Each array is the one given (this thread's share) or came back in its place (the given view is detached).
    given.forEach((g, i) => expect(out[i] === g || g.length === 0).toBe(true));
    expect(given.some((g) => g.length === 0)).toBe(true);
  }, 60_000);

  it('makes small batches on this thread', async () => {
    const jobs = [{ spec: spec('kernel', [8, 3, 3, 3]), primId: 'c', seed: 1 }];
    expect(Array.from((await pool.generate(jobs)).arrays[0])).toEqual(Array.from(initialWeight(jobs[0].spec, 'c', 1)));
  });
});
