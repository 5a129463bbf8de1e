/**
 * Bad and hostile ONNX files: the corpus in ../fixtures/broken (regenerate with
 * `npx tsx scripts/make-broken-onnx.ts`) must each give exactly the message in
 * expected.json, and a seeded fuzz over the parser (byte flips, truncations, splices) may only ever
 * end in a valid document or an OnnxImportError — never another exception.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../graph/analyze';
import { exportOnnx } from '../export';
import { getPreset } from '../../presets';
import { mulberry32 } from '../../weights/seeded';
import { importOnnx, OnnxImportError, safeExternalPath } from '../import';
import { encode, tinyValidModel } from './testing';

const dir = join(__dirname, '../fixtures/broken');
const expected: Record<string, { code: string; message: string }> = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));

function importError(bytes: Uint8Array, options: Parameters<typeof importOnnx>[1] = {}): OnnxImportError | undefined {
  try {
    importOnnx(bytes, options);
    return undefined;
  } catch (e) {
    if (e instanceof OnnxImportError) return e;
    throw e;
  }
}

describe('the corpus of broken ONNX files', () => {
  it('has a case for each kind of refusal', () => {
    expect(new Set(Object.values(expected).map((e) => e.code))).toEqual(new Set(['malformed', 'unsupported-op', 'bad-dims', 'external-data', 'unsupported-model', 'bad-graph', 'needs-input-shape']));
  });

  it.each(Object.entries(expected))('%s is refused with its exact message', (file, want) => {
    const e = importError(readFileSync(join(dir, file)));
    expect(e, `${file} was imported`).toBeDefined();
    expect({ code: e!.code, message: e!.message }).toEqual(want);
  });

  it('a file over the size cap is refused before decoding', () => {
    const e = importError(encode(tinyValidModel()), { maxBytes: 100 });
    expect(e?.code).toBe('too-large');
    expect(e?.message).toMatch(/^The file is 0\.0 MiB, over the import limit of 0 MiB\.$/);
  });

  it('external data paths: inside the folder is allowed, escaping it is not', () => {
    expect(safeExternalPath('weights/a.bin', 't')).toBe('weights/a.bin');
    expect(safeExternalPath('./x/../a.bin', 't')).toBe('a.bin');
    for (const bad of ['../a.bin', 'x/../../a.bin', '/etc/passwd', 'C:\\Windows\\a.bin', '..\\a.bin', '\\\\server\\share', '']) {
      expect(() => safeExternalPath(bad, 't'), bad).toThrow(OnnxImportError);
    }
  });

  it('external data is read through the caller, at the offset and length given', () => {
    const m = tinyValidModel();
    const w = m.initializers[0];
    const file = new Uint8Array(16 + w.rawData!.length);
    file.set(w.rawData!, 16);
    m.initializers[0] = { ...w, rawData: undefined, dataLocation: 1, externalData: [{ key: 'location', value: 'w.bin' }, { key: 'offset', value: '16' }, { key: 'length', value: String(w.rawData!.length) }] };
    const asked: string[] = [];
    const doc = importOnnx(encode(m), { readExternal: (loc) => (asked.push(loc), file) });
    expect(asked).toEqual(['w.bin']);
    expect(doc.nodes.find((n) => n.type === 'Conv2D')!.weights!.kernel.base64).toBe(Buffer.from(w.rawData!).toString('base64'));
    expect(importError(encode(m))?.code).toBe('external-data'); // no reader: refused, not half-imported
  });
});

describe('fuzzing the parser (seeded)', () => {
  const seeds = [encode(tinyValidModel()), exportOnnx(getPreset('lenet5'), analyze(getPreset('lenet5')))];

  function mutate(bytes: Uint8Array, rand: () => number): Uint8Array {
    const out = Uint8Array.from(bytes);
    const kind = Math.floor(rand() * 4);
    if (kind === 0) return out.subarray(0, Math.floor(rand() * out.length)); // truncate
    if (kind === 1) {
      for (let k = 1 + Math.floor(rand() * 8); k > 0; k--) out[Math.floor(rand() * out.length)] = Math.floor(rand() * 256); // flip bytes
      return out;
    }
    if (kind === 2) {
      const at = Math.floor(rand() * out.length);
      out[at] ^= 1 << Math.floor(rand() * 8); // flip one bit
      return out;
    }
    const a = Math.floor(rand() * out.length); // splice a chunk elsewhere
    const len = Math.floor(rand() * 64);
    const b = Math.floor(rand() * out.length);
    const spliced = new Uint8Array(out.length);
    spliced.set(out.subarray(0, b));
    spliced.set(out.subarray(a, a + len).subarray(0, out.length - b), b);
    if (b + len < out.length) spliced.set(out.subarray(b + len), b + len);
    return spliced;
  }

  it('2,000 mutated files: each imports to a valid document or fails with an OnnxImportError', () => {
    const rand = mulberry32(20261127);
    const outcomes = { imported: 0, refused: 0 };
    for (let i = 0; i < 2000; i++) {
      const bytes = mutate(seeds[i % seeds.length], rand);
      let doc;
      try {
        doc = importOnnx(bytes, { maxBytes: 1 << 20 });
      } catch (e) {
        if (!(e instanceof OnnxImportError)) throw new Error(`mutation ${i}: ${(e as Error)?.stack ?? e}`);
        expect(e.message.length).toBeGreaterThan(10);
        outcomes.refused++;
        continue;
      }
      expect(analyze(doc).valid, `mutation ${i} imported an invalid document`).toBe(true);
      outcomes.imported++;
    }
    expect(outcomes.refused).toBeGreaterThan(500);
    expect(outcomes.imported).toBeGreaterThan(0);
  }, 120_000);
});
