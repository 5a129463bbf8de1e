import { describe, expect, it } from 'vitest';
import { placeCrop } from './crop';
import { cropChannel, explainConvolution } from './convolution';

describe('placeCrop (a crop of the node’s real input for Explain)', () => {
  it('an interior crop shows no zero padding: its border cells have real neighbours', () => {
    // A 3×3 'same' conv on a 32×32 map pads 1 all round — at the map's border only.
    const c = placeCrop(32, 32, 6, [1, 1, 1, 1], [1, 1]);
    expect(c).toEqual({ top: 13, left: 13, rows: 6, cols: 6, pads: [0, 0, 0, 0] });
  });

  it('a crop that is the whole map keeps the node’s padding on every side', () => {
    expect(placeCrop(5, 5, 6, [1, 1, 1, 1], [1, 1])).toEqual({ top: 0, left: 0, rows: 5, cols: 5, pads: [1, 1, 1, 1] });
  });

  it('a crop touching one border keeps that side’s padding only', () => {
    const c = placeCrop(6, 40, 6, [2, 2, 2, 2], [1, 1]);
    expect(c.pads).toEqual([2, 0, 2, 0]);
  });

  it('starts on the stride grid, so the explained windows are the node’s own', () => {
    for (const pad of [0, 1]) {
      const c = placeCrop(33, 33, 6, [pad, pad, pad, pad], [2, 2]);
      expect((c.top + pad) % 2).toBe(0);
      expect((c.left + pad) % 2).toBe(0);
    }
  });

  it('explained on the crop, every output value is the node’s real output at that place', () => {
    // A 12×12 map with a ramp, a 3×3 kernel, padding 1, stride 1: the full convolution vs the crop's.
    const h = 12;
    const map = Float32Array.from({ length: h * h }, (_, i) => (i % 7) - 3 + Math.floor(i / h));
    const kernel = [
      [1, 0, -1],
      [2, 0, -2],
      [1, 0, -1],
    ];
    const full = explainConvolution({ input: Array.from({ length: h }, (_, y) => Array.from(map.subarray(y * h, (y + 1) * h))), kernel, padding: 1 }).output;
    const c = placeCrop(h, h, 6, [1, 1, 1, 1], [1, 1]);
    const crop = cropChannel(map, [1, h, h], 0, c.top, c.left, 6);
    const explained = explainConvolution({ input: crop, kernel, padding: [...c.pads] as [number, number, number, number] }).output;
    // With no padding shown, output (i, j) sits at the crop's (i + 1, j + 1), the map's (top + i + 1, left + j + 1).
    explained.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(full[c.top + i + 1][c.left + j + 1], 5)));
  });
});
