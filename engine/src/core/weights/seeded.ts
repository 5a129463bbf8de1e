/**
 * Seeded, reproducible weights. Every tensor gets its own stream, keyed by the document seed, the
 * primitive id and the weight name — so editing one layer never changes another layer's weights.
 */
import { loadWasmNormal, type NormalFill, type ZigguratTables } from './normal-wasm';

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

/**
 * Tables of the 128-layer Marsaglia–Tsang ziggurat for the standard normal ("The Ziggurat Method
 * for Generating Random Variables", J. Stat. Softw. 5(8), 2000): `k` the integer acceptance limits,
 * `w` the scale of each layer, `f` the density at each layer's edge.
 */
const ZIG = (() => {
  const m1 = 2147483648;
  const k = new Float64Array(128);
  const w = new Float64Array(128);
  const f = new Float64Array(128);
  let dn = 3.442619855899;
  let tn = dn;
  const vn = 9.91256303526217e-3;
  const q = vn / Math.exp(-0.5 * dn * dn);
  k[0] = (dn / q) * m1;
  k[1] = 0;
  w[0] = q / m1;
  w[127] = dn / m1;
  f[0] = 1;
  f[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(vn / dn + Math.exp(-0.5 * dn * dn)));
    k[i + 1] = (dn / tn) * m1;
    tn = dn;
    f[i] = Math.exp(-0.5 * dn * dn);
    w[i] = dn / m1;
  }
  return { k, w, f, r: 3.442619855899 };
})();

/** The ziggurat's tables (normal-wasm.ts copies them into the WebAssembly module's memory). */
export const ZIG_TABLES: Readonly<ZigguratTables> = ZIG;

/**
 * He-normal: N(0, 2 / fanIn), by the ziggurat method on mulberry32's 32-bit outputs (about 99% of
 * samples cost one random integer, one comparison and one multiply — several times faster than
 * Box–Muller's log, sqrt, cos and sin, which matters when an edit re-seeds millions of weights).
 * Deterministic for a given seed, count and fan-in. Where the engine runs (Node) the values come from
 * the WebAssembly transcription of heNormalJs (normal.wat): the same values, about twice as fast.
 */
export function heNormal(count: number, fanIn: number, seed: number, out = new Float32Array(count)): Float32Array {
  fillNormal(out, 0, count, heStd(fanIn), seed);
  return out;
}

/**
 * A He-normal stream continued: its values from the `from`-th on into out[from, out.length), `state`
 * being the stream's state after `from` values (its seed when `from` is 0: then out is heNormal's);
 * returns the state after out.length values. The stream does not depend on the count, so a weight
 * grown with the same fan-in (a layer made wider) is the smaller one's values and then more.
 */
export function heNormalFrom(out: Float32Array, from: number, fanIn: number, state: number): number {
  return fillNormal(out, from, out.length, heStd(fanIn), state);
}

const heStd = (fanIn: number) => Math.sqrt(2 / Math.max(1, fanIn));

function fillNormal(out: Float32Array, from: number, to: number, std: number, state: number): number {
  const fast = wasmFill();
  return fast ? fast(out, from, to, std, state) : fillNormalJs(out, from, to, std, state);
}

let wasm: NormalFill | null | undefined;
/**
 * The WebAssembly filler, in Node only: the editor's page forbids compiling WebAssembly (its CSP has
 * no 'wasm-unsafe-eval'), and Chromium would report each refusal; the page makes few seeded weights.
 */
function wasmFill(): NormalFill | undefined {
  if (wasm === undefined) {
    const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
    wasm = (node && loadWasmNormal(ZIG)) || null;
  }
  return wasm ?? undefined;
}

/** The definition of the values (the WebAssembly is its transcription): N(0, std²) of the stream `seed`. */
export function heNormalJs(count: number, std: number, seed: number, out = new Float32Array(count)): Float32Array {
  fillNormalJs(out, 0, count, std, seed);
  return out;
}

/** heNormalJs from a state: out[from, to), returning the state after (see NormalFill). */
function fillNormalJs(out: Float32Array, from: number, to: number, std: number, state: number): number {
  const { k, w, f, r } = ZIG;
  let a = state | 0;
  // mulberry32, inlined: the next signed 32-bit integer.
  const next = (): number => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return t ^ (t >>> 14);
  };
  const uniform = (): number => (next() >>> 0) / 4294967296;
  for (let i = from; i < to; i++) {
    let hz = next();
    let iz = hz & 127;
    let x: number;
    for (;;) {
      if (Math.abs(hz) < k[iz]) {
        x = hz * w[iz];
        break;
      }
      if (iz === 0) {
        // The tail beyond r, by Marsaglia's method.
        let xt: number;
        let y: number;
        do {
          xt = -Math.log(1 - uniform()) / r;
          y = -Math.log(1 - uniform());
        } while (y + y < xt * xt);
        x = hz > 0 ? r + xt : -r - xt;
        break;
      }
      x = hz * w[iz];
      if (f[iz] + uniform() * (f[iz - 1] - f[iz]) < Math.exp(-0.5 * x * x)) break;
      hz = next();
      iz = hz & 127;
    }
    out[i] = x * std;
  }
  return a;
}

export const DEFAULT_SEED = 42;
