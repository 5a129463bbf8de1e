import { describe, expect, it } from 'vitest';
import { featurePreview, previewSize, tensorStats } from './previews';

describe('tensorStats', () => {
  it('min, max, mean, population std and the share of exact zeros', () => {
    const s = tensorStats(Float32Array.from([0, 0, 2, 6]));
    expect(s).toEqual({ min: 0, max: 6, mean: 2, std: Math.sqrt((4 + 4 + 0 + 16) / 4), zeros: 0.5 });
  });
});

describe('featurePreview', () => {
  it('keeps the aspect ratio, caps the longest side at 64 and never upsamples', () => {
    expect(previewSize(224, 224)).toEqual([64, 64]);
    expect(previewSize(112, 56)).toEqual([64, 32]);
    expect(previewSize(7, 7)).toEqual([7, 7]);
    expect(previewSize(1, 1000)).toEqual([1, 64]);
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

  it('averages fractional areas when the size does not divide (3 → 2)', () => {
    // [0, 3, 6] → bins [0, 1.5) and [1.5, 3): (0 + 0.5·3)/1.5 = 1 and (0.5·3 + 6)/1.5 = 5
    const p = featurePreview([1, 1, 3], Float32Array.from([0, 3, 6]));
    expect(p.width).toBe(3); // never upsampled, 3 ≤ 64: unchanged
    const wide = featurePreview([1, 1, 192], Float32Array.from({ length: 192 }, (_, i) => i % 3 === 0 ? 0 : i % 3 === 1 ? 3 : 6));
    expect(wide.width).toBe(64);
    expect(new Set(wide.data)).toEqual(new Set([Math.round((3 / 6) * 255)]));
  });

  it('shows at most 64 channels, and a vector as one 1×N channel', () => {
    expect(featurePreview([100, 2, 2], new Float32Array(400)).channels).toBe(64);
    const v = featurePreview([10], Float32Array.from({ length: 10 }, (_, i) => i));
    expect(v).toMatchObject({ channels: 1, height: 1, width: 10 });
    expect(v.data[9]).toBe(255);
  });
});
