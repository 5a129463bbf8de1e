import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { imageToTensor } from '../preprocess';
import { mulberry32 } from '../weights/seeded';
import { augmentBatch, batches, blackFill, checkDatasetForModel, type Dataset, describeDataset, epochOrder, gatherBatch, greyImageToTensor, splitDataset } from './dataset';

const sorted = (a: Int32Array) => Array.from(a).every((v, i) => i === 0 || a[i - 1] < v);

/** A tiny dataset whose sample i is filled with the value i. */
function toy(count: number, classes = 3, shape: [number, number, number] = [1, 2, 2]): Dataset {
  const s = shape[0] * shape[1] * shape[2];
  return {
    name: 'toy',
    classes: Array.from({ length: classes }, (_, c) => `c${c}`),
    sampleShape: shape,
    count,
    images: Float32Array.from({ length: count * s }, (_, k) => Math.floor(k / s)),
    labels: Int32Array.from({ length: count }, (_, i) => i % classes),
    skipped: [],
    source: { kind: 'mnist' },
  };
}

describe('splitDataset', () => {
  it('is 80/20 by default, deterministic, sorted, and depends on the seed', () => {
    const a = splitDataset(10_000);
    expect(a.train.length).toBe(8000);
    expect(a.test.length).toBe(2000);
    expect(sorted(a.train) && sorted(a.test)).toBe(true);
    const b = splitDataset(10_000);
    expect(b.test).toEqual(a.test);
    expect(splitDataset(10_000, 0.2, 7).test).not.toEqual(a.test);
    // Not simply the last 20% of the dataset.
    expect(a.test[0]).toBeLessThan(100);
  });

  it('takes ⌊count × fraction⌋ for test, as torch random_split with [1 − f, f]', () => {
    expect(splitDataset(7, 0.2).test.length).toBe(1);
    expect(splitDataset(4, 0.2).test.length).toBe(0);
    expect(splitDataset(10, 0.25).test.length).toBe(2);
    expect(splitDataset(100, 0.29).test.length).toBe(28); // 100 * 0.29 = 28.999999999999996 in floats, as in Python
  });

  it('puts everything in train when testFraction is 0', () => {
    const { train, test } = splitDataset(5, 0);
    expect(Array.from(train)).toEqual([0, 1, 2, 3, 4]);
    expect(test.length).toBe(0);
  });

  it('refuses fractions outside [0, 1)', () => {
    expect(() => splitDataset(10, 1)).toThrow(RangeError);
    expect(() => splitDataset(10, -0.1)).toThrow(RangeError);
    expect(() => splitDataset(10, NaN)).toThrow(RangeError);
  });

  it('partitions 0…count−1 (property)', () => {
    fc.assert(
      fc.property(fc.nat(300), fc.double({ min: 0, max: 0.99, noNaN: true }), fc.integer(), (count, f, seed) => {
        const { train, test } = splitDataset(count, f, seed);
        const all = [...train, ...test].sort((x, y) => x - y);
        expect(all).toEqual(Array.from({ length: count }, (_, i) => i));
        expect(test.length).toBe(Math.floor(count * f));
        expect(sorted(train) && sorted(test)).toBe(true);
      }),
    );
  });
});

describe('epochOrder and batches', () => {
  const idx = Int32Array.from([3, 5, 8, 13, 21, 34, 55]);

  it('shuffles per epoch, deterministically, and keeps the order without shuffle', () => {
    const e0 = epochOrder(idx, 0, 42, true);
    expect(epochOrder(idx, 0, 42, true)).toEqual(e0);
    expect(Array.from(e0).sort((a, b) => a - b)).toEqual(Array.from(idx));
    const orders = new Set(Array.from({ length: 6 }, (_, e) => epochOrder(idx, e, 42, true).join()));
    expect(orders.size).toBeGreaterThan(1);
    const plain = epochOrder(idx, 3, 42, false);
    expect(plain).toEqual(idx);
    expect(plain).not.toBe(idx);
  });

  it('drops the last partial batch for training and keeps it for evaluation', () => {
    expect(batches(idx, 3, true).map((b) => Array.from(b))).toEqual([
      [3, 5, 8],
      [13, 21, 34],
    ]);
    expect(batches(idx, 3, false).map((b) => Array.from(b))).toEqual([[3, 5, 8], [13, 21, 34], [55]]);
    expect(batches(idx, 8, true)).toEqual([]);
    expect(batches(idx, 7, true).length).toBe(1);
    expect(() => batches(idx, 0, false)).toThrow(RangeError);
  });

  it('batches cover the order once, in order (property)', () => {
    fc.assert(
      fc.property(fc.nat(200), fc.integer({ min: 1, max: 64 }), fc.boolean(), (n, size, dropLast) => {
        const order = epochOrder(Int32Array.from({ length: n }, (_, i) => i), 1, 9, true);
        const bs = batches(order, size, dropLast);
        const flat = bs.flatMap((b) => Array.from(b));
        expect(new Set(flat).size).toBe(flat.length);
        expect(flat).toEqual(Array.from(order.subarray(0, dropLast ? n - (n % size) : n)));
        expect(bs.every((b, i) => b.length === size || (!dropLast && i === bs.length - 1))).toBe(true);
      }),
    );
  });
});

describe('gatherBatch', () => {
  it('copies the samples and gives int64 labels, reusing buffers when given', () => {
    const ds = toy(10);
    const b = gatherBatch(ds, Int32Array.from([7, 2]));
    expect(Array.from(b.images)).toEqual([7, 7, 7, 7, 2, 2, 2, 2]);
    expect(Array.from(b.labels)).toEqual([1n, 2n]);
    const again = gatherBatch(ds, Int32Array.from([0]), b);
    expect(again.images.buffer).toBe(b.images.buffer);
    expect(again.images.length).toBe(4);
    expect(Array.from(again.labels)).toEqual([0n]);
    expect(() => gatherBatch(ds, Int32Array.from([10]))).toThrow(RangeError);
  });
});

describe('augmentBatch', () => {
  // One 2×3×4 sample: value = 100c + 10y + x.
  const shape: [number, number, number] = [2, 3, 4];
  const sample = () => Float32Array.from({ length: 24 }, (_, k) => 100 * Math.floor(k / 12) + 10 * Math.floor((k % 12) / 4) + (k % 4));
  const at = (a: Float32Array, c: number, y: number, x: number) => a[c * 12 + y * 4 + x];
  /** A fake rng returning the given values in turn. */
  const seq = (...v: number[]) => () => v.shift()!;

  it('crops a window shifted by (i − p, j − p), filling outside with each channel\'s black', () => {
    // padding 2: offsets uniform in 0…4; rng 0 → i = 0 (shift −2), 0.99 → j = 4 (shift +2).
    const a = augmentBatch(sample(), shape, { crop: { padding: 2 } }, seq(0, 0.99), [-1, -2]);
    for (let c = 0; c < 2; c++) {
      for (let y = 0; y < 3; y++) {
        for (let x = 0; x < 4; x++) {
          const sy = y - 2;
          const sx = x + 2;
          const want = sy >= 0 && sy < 3 && sx < 4 ? 100 * c + 10 * sy + sx : [-1, -2][c];
          expect(at(a, c, y, x)).toBe(want);
        }
      }
    }
  });

  it('crops at the centre offset to the identity, and matches torchvision RandomCrop on padded input', () => {
    expect(augmentBatch(sample(), shape, { crop: { padding: 1 } }, seq(0.5, 0.5), [0, 0])).toEqual(sample());
    // Reference by construction of RandomCrop: pad with fill, then take rows i…i+H, cols j…j+W.
    const p = 3;
    const rng = mulberry32(5);
    for (let t = 0; t < 20; t++) {
      const draws = [rng(), rng()];
      const i = Math.floor(draws[0] * (2 * p + 1));
      const j = Math.floor(draws[1] * (2 * p + 1));
      const got = augmentBatch(sample(), shape, { crop: { padding: p } }, seq(...draws), [7, 8]);
      const src = sample();
      for (let c = 0; c < 2; c++) {
        const padded = (py: number, px: number) => (py < p || py >= 3 + p || px < p || px >= 4 + p ? [7, 8][c] : at(src, c, py - p, px - p));
        for (let y = 0; y < 3; y++) for (let x = 0; x < 4; x++) expect(at(got, c, y, x)).toBe(padded(y + i, x + j));
      }
    }
  });

  it('flips horizontally when the draw is below 0.5', () => {
    const f = augmentBatch(sample(), shape, { flip: true }, seq(0.2), [0, 0]);
    for (let c = 0; c < 2; c++) for (let y = 0; y < 3; y++) for (let x = 0; x < 4; x++) expect(at(f, c, y, x)).toBe(100 * c + 10 * y + (3 - x));
    expect(augmentBatch(sample(), shape, { flip: true }, seq(0.7), [0, 0])).toEqual(sample());
  });

  it('is seeded and treats each sample of a batch on its own', () => {
    const two = new Float32Array(48);
    two.set(sample());
    two.set(sample(), 24);
    const a = augmentBatch(two.slice(), shape, { crop: { padding: 2 }, flip: true }, mulberry32(1), [0, 0]);
    expect(augmentBatch(two.slice(), shape, { crop: { padding: 2 }, flip: true }, mulberry32(1), [0, 0])).toEqual(a);
    expect(a.subarray(0, 24)).not.toEqual(a.subarray(24));
  });

  it('fills with what black becomes under the Input preprocessing', () => {
    const norm = { channels: 3, height: 32, width: 32, preprocess: { resize: true, scale: true, mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.5] } };
    const fill = blackFill(norm);
    const black = imageToTensor({ width: 2, height: 2, rgba: Uint8Array.from([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255]) }, { ...norm, height: 2, width: 2 });
    expect(Array.from(fill)).toEqual([black[0], black[4], black[8]]);
    expect(fill[0]).toBeCloseTo(-2.5, 6);
    expect(Array.from(blackFill({ channels: 1, height: 28, width: 28, preprocess: { resize: false, scale: true } }))).toEqual([0]);
  });
});

describe('greyImageToTensor', () => {
  it('equals imageToTensor of the same grey image in 8-bit RGBA', () => {
    const values = Array.from({ length: 9 * 7 }, (_, i) => Math.round(((i * 37) % 256) / 0.255) / 1000); // bytes/255 to 3 decimals
    const rgba = new Uint8Array(9 * 7 * 4);
    values.forEach((v, i) => rgba.set([(i * 37) % 256, (i * 37) % 256, (i * 37) % 256, 255], 4 * i));
    for (const input of [
      { channels: 1, height: 16, width: 12 },
      { channels: 3, height: 7, width: 9, preprocess: { resize: false, scale: true, mean: [0.1307], std: [0.3081] } },
    ]) {
      expect(greyImageToTensor(values, 9, 7, input)).toEqual(imageToTensor({ width: 9, height: 7, rgba }, input));
    }
  });
});

describe('checkDatasetForModel', () => {
  const ds = toy(100, 10, [1, 32, 32]);

  it('accepts a model that fits', () => {
    expect(checkDatasetForModel(ds, [1, 32, 32], 10, { batchSize: 64 })).toEqual([]);
  });

  it('names the mismatch and the fix', () => {
    expect(checkDatasetForModel(ds, [3, 224, 224], 1000).map((p) => p.message)).toEqual([
      'the data was prepared as 1×32×32 images but the Input takes 3×224×224 — load the data again for this model',
      'the last layer gives 1000 outputs but the data has 10 classes — set Dense units to 10',
    ]);
    expect(checkDatasetForModel(toy(20, 1, [1, 32, 32]), [1, 32, 32], 10).map((p) => p.message)).toEqual([
      'the data has only 1 class — training needs at least 2 (one subfolder per class)',
    ]);
    expect(checkDatasetForModel(ds, [1, 32, 32], 10, { batchSize: 128 }).map((p) => p.message)).toEqual([
      'the training split has 80 images (80% of 100), fewer than one batch of 128 — lower the batch size to 80 or add images',
    ]);
    expect(checkDatasetForModel(toy(4, 2, [1, 32, 32]), [1, 32, 32], 2, { testFraction: 0.2 }).map((p) => p.message)).toEqual([
      'the test split is empty: 20% of 4 images is less than one — add images, or set the test fraction to 0',
    ]);
    expect(checkDatasetForModel(toy(4, 2, [1, 32, 32]), [1, 32, 32], 2, { testFraction: 0 })).toEqual([]);
    const missing = { ...toy(6, 3, [1, 32, 32]), labels: Int32Array.from([0, 1, 0, 1, 0, 1]) };
    expect(checkDatasetForModel(missing, [1, 32, 32], 3, { testFraction: 0 }).map((p) => p.message)).toEqual([
      'class "c2" has no images — add some, or remove the class',
    ]);
  });
});

describe('describeDataset', () => {
  it('counts per class and spreads sample indices over each class', () => {
    const d = describeDataset({ ...toy(12, 2), skipped: [{ file: 'a.txt', reason: 'not a PNG or JPEG file' }] }, 3);
    expect(d.count).toBe(12);
    expect(d.skipped).toBe(1);
    expect(d.classes).toEqual([
      { name: 'c0', count: 6, samples: [0, 4, 8] },
      { name: 'c1', count: 6, samples: [1, 5, 9] },
    ]);
  });
});
