import { describe, expect, it } from 'vitest';
import { featurePreview, previewSize, tensorStats } from './previews';

describe('tensorStats', () => {
  it('min, max, mean, population std and the share of exact zeros', () => {
    const s = tensorStats(Float32Array.from([0, 0, 2, 6]));
    expect(s).toEqual({ min: 0, max: 6, mean: 2, std: Math.sqrt((4 + 4 + 0 + 16) / 4), zeros: 0.5 });
  });
});

describe('featurePreview', () => {
  it('downsamples by the smallest whole factor that fits 64×64, keeping the aspect ratio and never upsampling', () => {
    expect(previewSize(224, 224)).toEqual([56, 56]); // 4×4 blocks
    expect(previewSize(128, 128)).toEqual([64, 64]);
    expect(previewSize(112, 56)).toEqual([56, 28]);
    expect(previewSize(65, 10)).toEqual([33, 5]); // 2×2 blocks, the last row and column partial
    expect(previewSize(64, 64)).toEqual([64, 64]);
    expect(previewSize(7, 7)).toEqual([7, 7]);
    expect(previewSize(1, 1000)).toEqual([1, 63]); // 16 values a pixel
  });

  it('area-downsamples (128×128 → 64×64 averages 2×2 blocks) and normalises per channel', () => {
    const H = 128;
    const data = new Float32Array(2 * H * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < H; x++) data[y * H + x] = y; // channel 0: row index
    data.fill(5, H * H); // channel 1: constant
    const p = featurePreview([2, H, H], data);
    expect(p).toMatchObject({ channels: 2, height: 64, width: 64 });
    // Row k of the preview averages rows 2k and 2k+1: value 2k + 0.5, normalised by the channel's [0, 127].
    for (const k of [0, 10, 63]) expect(p.data[k * 64 + 5]).toBe(Math.round(((2 * k + 0.5) / 127) * 255));
    expect(Array.from(p.ranges)).toEqual([0, 127, 5, 5]);
    expect(p.data.slice(64 * 64).every((v) => v === 0)).toBe(true); // constant channel → 0 (ranges keep its value)
  });

  it('averages what is left when the factor does not divide the size (130 → 44 with 3×3 blocks)', () => {
    const p = featurePreview([1, 1, 3], Float32Array.from([0, 3, 6]));
    expect(p.width).toBe(3); // never upsampled, 3 ≤ 64: unchanged
    // 1×130: blocks of 3 values [0, 3, 6] average 3; the last block holds only [0] (index 129 % 3 = 0).
    const wide = featurePreview([1, 1, 130], Float32Array.from({ length: 130 }, (_, i) => (i % 3) * 3));
    expect(wide.width).toBe(44);
    expect(new Set(wide.data.subarray(0, 43))).toEqual(new Set([Math.round((3 / 6) * 255)]));
    expect(wide.data[43]).toBe(0);
    // 5×5 with 3×3 blocks would need 1 < 64: no downsampling; 130×5: rows 3 at a time, the last 1.
    const tall = featurePreview([1, 130, 5], Float32Array.from({ length: 650 }, (_, i) => Math.floor(i / 5)));
    expect([tall.height, tall.width]).toEqual([44, 2]);
    // Block (43, 0) holds row 129 only: value 129 = the max → 255; block (0, 0) rows 0–2: mean 1 → round(1/129·255) = 2.
    expect(tall.data[43 * 2]).toBe(255);
    expect(tall.data[0]).toBe(Math.round((1 / 129) * 255));
  });

  it('shows at most 64 channels, and a vector as one 1×N channel', () => {
    expect(featurePreview([100, 2, 2], new Float32Array(400)).channels).toBe(64);
    const v = featurePreview([10], Float32Array.from({ length: 10 }, (_, i) => i));
    expect(v).toMatchObject({ channels: 1, height: 1, width: 10 });
    expect(v.data[9]).toBe(255);
  });
});
