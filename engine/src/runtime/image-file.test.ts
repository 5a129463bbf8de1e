import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { preprocessInput } from '../core/preprocess';
import { crc32, deflateSync } from 'node:zlib';
import { decodeInput, decodePng, InputFileError, MAX_IMAGE_PIXELS, readInputFile } from './image-file';

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

/** A PNG of chunks: signature, IHDR (8-bit RGBA), the IDAT given, IEND. */
function pngWith(width: number, height: number, idat: Buffer, interlace = 0): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'latin1'), data])));
    return Buffer.concat([len, Buffer.from(type, 'latin1'), data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, interlace], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

describe('hostile image and tensor files (issue 22 items 5 and 8)', () => {
  it('a 20000×20000 PNG is refused from its header, before pngjs allocates 1.6 GB', () => {
    const png = pngWith(20000, 20000, deflateSync(Buffer.alloc(1000)));
    expect(png.length).toBeLessThan(2000);
    const t0 = performance.now();
    expect(() => decodePng(png, 'huge.png')).toThrow(`"huge.png" is 20000×20000 = 400,000,000 pixels, over the limit of ${MAX_IMAGE_PIXELS.toLocaleString('en-US')} — scale it down first.`);
    expect(() => decodeInput(png, 'huge.png')).toThrow(InputFileError);
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it('an interlaced PNG whose data inflates past its dimensions is refused (pngjs inflates those unbounded)', () => {
    // 2×2 pixels need 2+2+1+2+2+4+... bytes; this stream inflates to 64 MiB.
    const png = pngWith(2, 2, deflateSync(Buffer.alloc(64 << 20)), 1);
    expect(() => decodePng(png, 'bomb.png')).toThrow('"bomb.png" is not a readable PNG: its image data inflates to more than 2×2 pixels need.');
  });

  it('a true interlaced PNG still decodes, pixel for pixel (the bound is exact)', () => {
    for (const [w, h] of [[1, 1], [3, 2], [9, 17], [16, 16]]) {
      const passes = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];
      const rows: number[] = [];
      for (const [x0, y0, dx, dy] of passes) {
        for (let y = y0; y < h; y += dy) {
          if (x0 >= w) continue;
          rows.push(0); // filter: none
          for (let x = x0; x < w; x += dx) rows.push(x * 10, y * 10, 7, 255);
        }
      }
      const img = decodePng(pngWith(w, h, deflateSync(Buffer.from(rows)), 1), 'adam7.png');
      expect([img.width, img.height]).toEqual([w, h]);
      const at = (x: number, y: number) => Array.from(img.rgba.slice((y * w + x) * 4, (y * w + x) * 4 + 4));
      expect(at(w - 1, h - 1)).toEqual([(w - 1) * 10, (h - 1) * 10, 7, 255]);
    }
  });

  it('a 200k-deep tensor JSON is refused with a message, not a stack overflow', () => {
    const deep = '['.repeat(200_000) + '1' + ']'.repeat(200_000);
    const text = `{"shape":[1,2,2],"data":${deep}}`;
    expect(() => decodeInput(new TextEncoder().encode(text), 'deep.json')).toThrow('"deep.json": "data" is nested deeper than its shape\'s 3 dimensions.');
    // Nesting up to one level per dimension, or none, still reads.
    expect(decodeInput(new TextEncoder().encode('{"shape":[1,2,2],"data":[[[1,2],[3,4]]]}'), 't')).toEqual({ kind: 'tensor', shape: [1, 2, 2], data: Float32Array.from([1, 2, 3, 4]) });
    expect(() => decodeInput(new TextEncoder().encode('{"shape":[4],"data":[[1,2],[3,4]]}'), 'flat.json')).toThrow(/nested deeper than its shape's 1 dimension\./);
    expect(() => decodeInput(new TextEncoder().encode('{"shape":[1,1,1,1,1,1,1,1,1],"data":[1]}'), 'rank.json')).toThrow(/at most 8/);
  });

  it.runIf(process.platform !== 'win32')('reads no device, FIFO or folder as an input file', async () => {
    await expect(readInputFile('/dev/zero')).rejects.toThrow('Cannot read input "/dev/zero": it is not a regular file (a device, pipe or socket).');
    const fifo = join(dir, 'input.fifo');
    execFileSync('mkfifo', [fifo]);
    await expect(readInputFile(fifo)).rejects.toThrow(/not a regular file/);
    mkdirSync(join(dir, 'folder.png'));
    await expect(readInputFile(join(dir, 'folder.png'))).rejects.toThrow(/is a directory/);
  });
});
