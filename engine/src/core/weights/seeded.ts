/**
 * Seeded, reproducible weights. Every tensor gets its own stream, keyed by the document seed, the
 * primitive id and the weight name — so editing one layer never changes another layer's weights.
 */

/** 32-bit FNV-1a of a string. */
export function hashString(s: string, h = 0x811c9dc5): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A small, fast PRNG (mulberry32): uniform floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function weightSeed(docSeed: number, primId: string, weightName: string): number {
  return hashString(`${primId}\u0000${weightName}`, hashString(String(docSeed)));
}

/** He-normal: N(0, 2 / fanIn), by Box–Muller. */
export function heNormal(count: number, fanIn: number, seed: number, out = new Float32Array(count)): Float32Array {
  const rand = mulberry32(seed);
  const std = Math.sqrt(2 / Math.max(1, fanIn));
  for (let i = 0; i < count; i += 2) {
    const u1 = 1 - rand();
    const u2 = rand();
    const r = Math.sqrt(-2 * Math.log(u1)) * std;
    out[i] = r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

export const DEFAULT_SEED = 42;
