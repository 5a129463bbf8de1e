import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededWeight } from './resolve';
import { heNormal, heNormalFrom, weightSeed } from './seeded';

/** Standard normal CDF values from published tables (Abramowitz & Stegun, table 26.1). */
const PHI: [number, number][] = [
  [-3, 0.0013499],
  [-2, 0.0227501],
  [-1, 0.1586553],
  [-0.5, 0.3085375],
  [0, 0.5],
  [0.5, 0.6914625],
  [1, 0.8413447],
  [2, 0.9772499],
  [3, 0.9986501],
];

describe('heNormal', () => {
  const n = 1_000_000;
  const fanIn = 50; // std = 0.2
  const xs = heNormal(n, fanIn, weightSeed(42, 'conv1', 'weight'));
  const std = Math.sqrt(2 / fanIn);

  it('is deterministic per seed and differs between seeds', () => {
    expect(heNormal(1000, fanIn, 7)).toEqual(heNormal(1000, fanIn, 7));
    expect(heNormal(1000, fanIn, 7)).not.toEqual(heNormal(1000, fanIn, 8));
    // A prefix does not depend on the count.
    expect(heNormal(10, fanIn, 7)).toEqual(heNormal(1000, fanIn, 7).subarray(0, 10));
  });

  it('has the moments of N(0, 2/fanIn)', () => {
    let s1 = 0;
    let s2 = 0;
    let s4 = 0;
    for (const x of xs) {
      const z = x / std;
      s1 += z;
      s2 += z * z;
      s4 += z ** 4;
    }
    expect(Math.abs(s1 / n)).toBeLessThan(0.005); // standard error 0.001
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.01); // standard error 0.0014
    expect(Math.abs(s4 / n - 3)).toBeLessThan(0.05); // kurtosis of a normal; standard error ≈ 0.01
  });

  it('follows the normal CDF, tails included', () => {
    for (const [z, p] of PHI) {
      let below = 0;
      for (const x of xs) if (x / std < z) below++;
      // Binomial standard error at n = 1e6 is at most 5e-4; allow 5 of them (and tails relative).
      expect(Math.abs(below / n - p)).toBeLessThan(Math.min(2.5e-3, 0.1 * Math.min(p, 1 - p) + 1e-4));
    }
    // Samples beyond the ziggurat's base strip (|z| > 3.44) exist, with the right frequency: 2·(1 − Φ(3.44)) ≈ 5.8e-4.
    let far = 0;
    for (const x of xs) if (Math.abs(x / std) > 3.442619855899) far++;
    expect(far / n).toBeGreaterThan(4e-4);
    expect(far / n).toBeLessThan(7.6e-4);
  });
});

describe('a He-normal stream continued (heNormalFrom, seededWeight)', () => {
  const spec = (count: number, fanIn: number) => ({ name: 'kernel', shape: [count], init: 'he' as const, fanIn, trainable: true });

  it('a weight grown or shrunk from another of the same fan-in has, bit for bit, the values made whole', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (first, second, fanIn, seed) => {
        const whole = seededWeight(spec(second, fanIn), 'p', seed);
        const before = seededWeight(spec(first, fanIn), 'p', seed);
        const made = seededWeight(spec(second, fanIn), 'p', seed, undefined, { values: before.data, state: before.state });
        expect(Buffer.from(made.data.buffer).equals(Buffer.from(whole.data.buffer))).toBe(true);
        // The state after: known where the values were made (or were the prefix whole), and the whole one's.
        if (second >= first) expect(made.state).toBe(whole.state);
        else expect(made.state).toBeUndefined();
      }),
      { numRuns: 60 },
    );
  });

  it('goes on from a state across the WebAssembly chunks, as the stream made whole', () => {
    const seed = weightSeed(3, 'stage4.conv2', 'kernel');
    const whole = heNormal(200_000, 4608, seed);
    const part = new Float32Array(200_000);
    const state = heNormalFrom(part.subarray(0, 70_001), 0, 4608, seed);
    heNormalFrom(part, 70_001, 4608, state);
    expect(Buffer.from(part.buffer).equals(Buffer.from(whole.buffer))).toBe(true);
  });
});

