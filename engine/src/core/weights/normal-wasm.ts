/**
 * heNormal's WebAssembly transcription (normal.wat, compiled into normal-wasm.bytes.ts): the same
 * values bit for bit, about twice as fast (a ResNet-50 seed edit makes 25.5 M of them). The loader
 * copies the ziggurat's tables into the module's memory and fills a tensor in chunks of the
 * module's value area, carrying the stream's state from one chunk to the next.
 */
import { NORMAL_WASM_BASE64 } from './normal-wasm.bytes';

export interface ZigguratTables {
  k: Float64Array;
  w: Float64Array;
  f: Float64Array;
}

/**
 * Values N(0, std²) of a stream into out[from, to): `state` is the stream's state before them (its seed
 * for the first value); returns its state after them, from which the stream continues.
 */
export type NormalFill = (out: Float32Array, from: number, to: number, std: number, state: number) => number;

/** Where normal.wat's values start, and its memory (pages of 64 KiB). */
const VALUES_OFFSET = 4096;
const PAGES = 4;
/** Values one call of the module's `fill` writes at most. */
export const WASM_NORMAL_CHUNK = (PAGES * 65536 - VALUES_OFFSET) / 4;

interface NormalExports {
  memory: { buffer: ArrayBuffer };
  fill(count: number, state: number, std: number): number;
}

/** What this file uses of the host's WebAssembly and atob (the core is typed without DOM or Node libraries). */
interface Host {
  WebAssembly?: { Module: new (bytes: Uint8Array) => object; Instance: new (module: object, imports: object) => { exports: unknown } };
  atob?: (base64: string) => string;
}

/** The WebAssembly filler, or undefined where WebAssembly cannot be compiled (a page whose CSP forbids it). */
export function loadWasmNormal(tables: ZigguratTables): NormalFill | undefined {
  const { WebAssembly: wasm, atob } = globalThis as Host;
  if (!wasm || !atob) return undefined;
  let exports: NormalExports;
  try {
    const bytes = Uint8Array.from(atob(NORMAL_WASM_BASE64), (c) => c.charCodeAt(0));
    exports = new wasm.Instance(new wasm.Module(bytes), { math: { log: Math.log, exp: Math.exp } }).exports as NormalExports;
  } catch {
    return undefined;
  }
  const { memory, fill } = exports;
  new Float64Array(memory.buffer, 0, 128).set(tables.k);
  new Float64Array(memory.buffer, 1024, 128).set(tables.w);
  new Float64Array(memory.buffer, 2048, 128).set(tables.f);
  const values = new Float32Array(memory.buffer, VALUES_OFFSET, WASM_NORMAL_CHUNK);
  return (out, from, to, std, state) => {
    state |= 0;
    for (let i = from; i < to; i += WASM_NORMAL_CHUNK) {
      const n = Math.min(WASM_NORMAL_CHUNK, to - i);
      state = fill(n, state, std);
      out.set(n === WASM_NORMAL_CHUNK ? values : values.subarray(0, n), i);
    }
    return state;
  };
}
