import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NORMAL_WASM_BASE64 } from './normal-wasm.bytes';
import { loadWasmNormal, WASM_NORMAL_CHUNK } from './normal-wasm';
import { heNormal, heNormalJs, weightSeed, ZIG_TABLES } from './seeded';

describe("heNormal's WebAssembly transcription (normal.wat)", () => {
  const fill = loadWasmNormal(ZIG_TABLES)!;

  it('loads under Node, and heNormal uses it', () => {
    expect(fill).toBeDefined();
    const seed = weightSeed(42, 'conv1', 'weight');
    const out = new Float32Array(1000);
    fill(out, 0, 1000, Math.sqrt(2 / 27), seed);
    expect(heNormal(1000, 27, seed)).toEqual(out);
  });

  it('gives the same values bit for bit as the JavaScript definition, the rare paths included', () => {
    // 3 M values over several streams: the wedges (~1%) and the tail beyond r = 3.44 (~0.03%) are met
    // hundreds of times; counts cross the module's chunk, so the state is carried between chunks.
    let tail = 0;
    for (const [count, std, seed] of [
      [2 * WASM_NORMAL_CHUNK + 17, 1, 1],
      [1_000_000, 0.05, weightSeed(7, 'stage4.conv2', 'kernel')],
      [1_000_000, 2, 0xffffffff],
      [WASM_NORMAL_CHUNK, 0.3, -5],
      [1, 1, 0],
      [0, 1, 3],
    ] as const) {
      const a = heNormalJs(count, std, seed);
      const b = new Float32Array(count);
      fill(b, 0, count, std, seed);
      expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
      for (const x of a) if (Math.abs(x / std) > 3.442619855899) tail++;
    }
    expect(tail).toBeGreaterThan(100);
  });

  it('normal-wasm.bytes.ts is normal.wat compiled (run `npm run build:wasm` after editing the .wat)', async () => {
    const { compileNormalWat } = (await import('../../../../scripts/build-wasm.mjs' as string)) as { compileNormalWat(): Promise<Buffer> };
    const compiled = await compileNormalWat();
    expect(compiled.toString('base64')).toBe(NORMAL_WASM_BASE64);
    expect(readFileSync(new URL('./normal.wat', import.meta.url), 'utf8')).toContain('(export "fill")');
  });
});
