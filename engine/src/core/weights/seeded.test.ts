import { describe, expect, it } from 'vitest';
import { heNormal, weightSeed } from './seeded';

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
