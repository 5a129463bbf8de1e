import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { preprocessInput } from '../core/preprocess';
import { decodeInput, InputFileError, readInputFile } from './image-file';

const dir = mkdtempSync(join(tmpdir(), 'cnn-studio-img-'));

function makePng(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) png.data.set(pixel(x, y), (y * width + x) * 4);
  return PNG.sync.write(png);
}

describe('image files', () => {
  it('decodes a PNG to exact RGBA', async () => {
    const file = join(dir, 'grad.png');
    writeFileSync(file, makePng(3, 2, (x, y) => [x * 100, y * 200, 7, 255 - x]));
    const img = await readInputFile(file);
    expect(img.kind).toBe('image');
    if (img.kind !== 'image') return;
    expect([img.width, img.height]).toEqual([3, 2]);
    expect(Array.from(img.rgba.slice(0, 8))).toEqual([0, 0, 7, 255, 100, 0, 7, 254]);
    expect(Array.from(img.rgba.slice(20, 24))).toEqual([200, 200, 7, 253]);
  });

  it('decodes a JPEG (lossy: a flat colour comes back within a few levels)', async () => {
    const w = 16;
    const h = 8;
    const data = Buffer.alloc(w * h * 4);
    for (let i = 0; i < w * h; i++) data.set([200, 40, 90, 255], i * 4);
    const file = join(dir, 'flat.jpg');
    writeFileSync(file, jpeg.encode({ data, width: w, height: h }, 95).data);
    const img = await readInputFile(file);
    if (img.kind !== 'image') throw new Error('not an image');
    expect([img.width, img.height]).toEqual([w, h]);
    for (const [c, v] of [200, 40, 90].entries()) expect(Math.abs(img.rgba[c] - v)).toBeLessThanOrEqual(4);
    // Through preprocessing to a 3×4×4 tensor in [0, 1].
    const t = preprocessInput(img, { channels: 3, height: 4, width: 4 });
    expect(Math.abs(t[0] - 200 / 255)).toBeLessThan(0.02);
  });

  it('reads a raw tensor JSON file', async () => {
    const file = join(dir, 't.json');
    writeFileSync(file, JSON.stringify({ shape: [1, 2, 2], data: [[[1, 2], [3, 4]]] }));
    const t = await readInputFile(file);
    expect(t).toEqual({ kind: 'tensor', shape: [1, 2, 2], data: Float32Array.from([1, 2, 3, 4]) });
  });

  it('gives clear errors for unreadable inputs', async () => {
    await expect(readInputFile(join(dir, 'missing.png'))).rejects.toThrow(/no such file/);
    expect(() => decodeInput(new TextEncoder().encode('{"shape":[2],"data":[1]}'), 'x.json')).toThrow('"x.json": shape [2] needs 2 values, but "data" has 1.');
    expect(() => decodeInput(new TextEncoder().encode('hello'), 'x.txt')).toThrow(InputFileError);
    expect(() => decodeInput(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1]), 'bad.png')).toThrow(/not a readable PNG/);
  });
});
