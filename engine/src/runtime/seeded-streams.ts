/**
 * The seeded He-normal streams a backend's weight cache holds. A seeded weight's values are the first
 * values of its stream whatever its count (core/weights/seeded.ts, heNormalFrom), and the stream is set
 * by the seed, the primitive, the weight's name and — for the scale — its fan-in. So a layer made wider
 * or narrower while its input stays (a convolution's filter count: its kernel's fan-in is its input's)
 * needs the values its kernel had, and more of them when wider. For each stream the longest array the
 * cache holds is remembered with the stream's state after it; a weight of another count of that stream
 * is then copied from it, and continued (resolve.ts, seededWeight) — bit for bit what making it whole
 * gives.
 */
import type { SeededWeight } from '../core/onnx/export';
import type { StreamPrefix } from '../core/weights/resolve';

/** Streams remembered before those whose arrays the cache dropped are forgotten. */
const PRUNE_AT = 4096;

interface HeldStream {
  /** The cache key of the stream's longest array held. */
  key: string;
  length: number;
  /** The stream's state after `length` values. */
  state: number;
}

export class SeededStreams {
  private readonly held = new Map<string, HeldStream>();

  /** The start of `w`'s stream, if the cache still holds an array of it (`get`: the cache's array under a key). */
  prefix(w: SeededWeight, seed: number, get: (key: string) => Float32Array | undefined): StreamPrefix | undefined {
    if (w.spec.init !== 'he') return undefined;
    const stream = this.held.get(streamKey(w, seed));
    const values = stream && get(stream.key);
    return stream && values?.length === stream.length ? { values, state: stream.state } : undefined;
  }

  /** `w` was made: `length` values, and the stream's state after them when known. `holds`: whether the cache still holds a key. */
  made(w: SeededWeight, seed: number, length: number, state: number | undefined, holds: (key: string) => boolean): void {
    if (state === undefined || w.spec.init !== 'he') return;
    const key = streamKey(w, seed);
    const stream = this.held.get(key);
    if (stream && stream.length >= length && holds(stream.key)) return;
    this.held.set(key, { key: w.key, length, state });
    if (this.held.size > PRUNE_AT) for (const [k, s] of this.held) if (!holds(s.key)) this.held.delete(k);
  }
}

const streamKey = (w: SeededWeight, seed: number) => `${seed}\u0000${w.prim.id}\u0000${w.spec.name}\u0000${w.spec.fanIn}`;
