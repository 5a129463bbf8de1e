import { describe, expect, it } from 'vitest';
import { IMAGENET_NORMALISATION, InputError, preprocessInput, resizeBilinear } from './preprocess';

const rgbaOf = (pixels: number[][]) => Uint8Array.from(pixels.flatMap(([r, g, b, a = 255]) => [r, g, b, a]));

describe('bilinear resize (half-pixel centres, as PyTorch interpolate align_corners=False)', () => {
  it('upsamples 2×2 → 4×4', () => {
    const out = resizeBilinear(Float32Array.from([0, 10, 20, 30]), 2, 2, 4, 4);
    expect(Array.from(out)).toEqual([0, 2.5, 7.5, 10, 5, 7.5, 12.5, 15, 15, 17.5, 22.5, 25, 20, 22.5, 27.5, 30]);
  });
  it('downsamples 4 → 2 by averaging neighbour pairs', () => {
    const out = resizeBilinear(Float32Array.from([0, 2, 4, 6]), 1, 4, 1, 2);
    expect(Array.from(out)).toEqual([1, 5]);
  });
});

describe('image preprocessing from the Input node params', () => {
  const img = { kind: 'image' as const, width: 2, height: 2, rgba: rgbaOf([[0, 255, 0], [10, 0, 0], [20, 0, 0], [30, 0, 0]]) };

  it('resizes each channel to H×W and scales to [0, 1] by default', () => {
    const t = preprocessInput(img, { channels: 3, height: 4, width: 4 });
    expect(t.length).toBe(3 * 16);
    const r = Array.from(t.slice(0, 16), (v) => Math.round(v * 255 * 100) / 100);
    expect(r).toEqual([0, 2.5, 7.5, 10, 5, 7.5, 12.5, 15, 15, 17.5, 22.5, 25, 20, 22.5, 27.5, 30]);
    expect(t[16]).toBe(1); // green of the top-left pixel
  });

  it('normalises with the ImageNet mean/std', () => {
    const one = { kind: 'image' as const, width: 1, height: 1, rgba: rgbaOf([[255, 0, 51]]) };
    const t = preprocessInput(one, { channels: 3, height: 1, width: 1, preprocess: { resize: true, scale: true, ...IMAGENET_NORMALISATION } });
    const { mean, std } = IMAGENET_NORMALISATION;
    [1, 0, 0.2].forEach((v, c) => expect(t[c]).toBeCloseTo((v - mean[c]) / std[c], 5));
  });

  it('turns images into luma for 1-channel inputs (ITU-R 601)', () => {
    const one = { kind: 'image' as const, width: 1, height: 1, rgba: rgbaOf([[255, 0, 0]]) };
    expect(preprocessInput(one, { channels: 1, height: 1, width: 1 })[0]).toBeCloseTo(0.299, 6);
    const g3 = preprocessInput(one, { channels: 3, height: 1, width: 1, preprocess: { resize: true, scale: false, grayscale: true } });
    expect(Array.from(g3).map((v) => Math.round(v * 1000) / 1000)).toEqual([76.245, 76.245, 76.245]);
  });

  it('keeps 8-bit values without scaling', () => {
    const t = preprocessInput(img, { channels: 3, height: 2, width: 2, preprocess: { resize: false, scale: false } });
    expect(Array.from(t.slice(0, 4))).toEqual([0, 10, 20, 30]);
  });

  it('names what was expected when the size, the channels or the normalisation do not fit', () => {
    expect(() => preprocessInput(img, { channels: 3, height: 4, width: 4, preprocess: { resize: false, scale: true } }, 'photo')).toThrow(
      /Input "photo" expects a 4×4 image \(width×height\), but this one is 2×2/,
    );
    expect(() => preprocessInput(img, { channels: 5, height: 4, width: 4 })).toThrow(/expects 5 channels; an image gives 1 \(grayscale\), 3 \(RGB\) or 4 \(RGBA\)/);
    expect(() => preprocessInput(img, { channels: 1, height: 2, width: 2, preprocess: { resize: true, scale: true, mean: [0.1, 0.2, 0.3] } })).toThrow(/mean has 3 values but the input has 1 channel/);
    expect(() => preprocessInput({ ...img, rgba: new Uint8Array(3) }, { channels: 3, height: 2, width: 2 })).toThrow(InputError);
  });
});

describe('tensor inputs', () => {
  it('are checked against C×H×W and passed through unchanged (a leading batch of 1 is accepted)', () => {
    const data = Float32Array.from({ length: 12 }, (_, i) => i - 3);
    expect(preprocessInput({ kind: 'tensor', shape: [3, 2, 2], data }, { channels: 3, height: 2, width: 2 })).toEqual(data);
    expect(preprocessInput({ kind: 'tensor', shape: [1, 3, 2, 2], data }, { channels: 3, height: 2, width: 2 })).toEqual(data);
  });
  it('refuse a wrong shape, a wrong length or non-finite values with what was expected', () => {
    const data = new Float32Array(12);
    expect(() => preprocessInput({ kind: 'tensor', shape: [2, 2, 3], data }, { channels: 3, height: 2, width: 2 }, 'x')).toThrow(
      'Input "x" expects a tensor of shape [3, 2, 2] (C×H×W), but got [2, 2, 3].',
    );
    expect(() => preprocessInput({ kind: 'tensor', shape: [3, 2, 2], data: new Float32Array(11) }, { channels: 3, height: 2, width: 2 })).toThrow(/has 12 values, but the data has 11/);
    expect(() => preprocessInput({ kind: 'tensor', shape: [3, 2, 2], data: new Float32Array(12).fill(NaN) }, { channels: 3, height: 2, width: 2 })).toThrow(/finite/);
  });
});
