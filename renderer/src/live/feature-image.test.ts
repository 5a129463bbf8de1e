import { describe, expect, it } from 'vitest';
import type { FeaturePreview } from '../../../engine/src/core/api';
import { histogram, mapToRgba, previewChannel, previewChannelStats, previewMean, tensorChannel, tensorChannelStats, thumbnailMap, zeroShare } from './feature-image';
import { colorAt } from './colormap';
import { cardPreview, featurePreview } from '../../../engine/src/runtime/previews';
import { isProbabilityVector, topK, untrainedNote } from './topk';

// Two 1×2 channels: channel 0 in [0, 10] → uint8 [0, 255]; channel 1 in [−1, 1] → [255, 0].
const preview: FeaturePreview = { channels: 2, height: 1, width: 2, data: Uint8Array.from([0, 255, 255, 0]), ranges: Float32Array.from([0, 10, -1, 1]) };

describe('feature images', () => {
  it('undoes the per-channel normalisation', () => {
    expect(Array.from(previewChannel(preview, 0).values)).toEqual([0, 10]);
    expect(Array.from(previewChannel(preview, 1).values)).toEqual([1, -1]);
  });

  it('thumbnail: mean over channels, or the first channel', () => {
    expect(Array.from(previewMean(preview).values)).toEqual([0.5, 4.5]);
    expect(Array.from(thumbnailMap(preview, 'first').values)).toEqual([0, 10]);
    expect(Array.from(thumbnailMap(preview, 'mean').values)).toEqual([0.5, 4.5]);
  });

  it('the one-pass mean is the float32 sum of the channels, bit for bit', () => {
    let x = 7;
    const next = () => (x = (x * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const big: FeaturePreview = {
      channels: 64,
      height: 7,
      width: 9,
      data: Uint8Array.from({ length: 64 * 63 }, () => Math.floor(next() * 256)),
      ranges: Float32Array.from({ length: 128 }, (_, i) => (i % 2 ? 1 + next() * 50 : -next() * 50)),
    };
    const sum = new Float32Array(63);
    for (let c = 0; c < 64; c++) previewChannel(big, c).values.forEach((v, i) => (sum[i] += v));
    for (let i = 0; i < 63; i++) sum[i] /= 64;
    expect(Array.from(previewMean(big).values)).toEqual(Array.from(sum));
  });

  it('a card preview (the engine’s first channel and mean) draws the same thumbnail pixels as the full preview, in both modes', () => {
    // 5 channels of 7×9 with different ranges, one of them constant.
    const shape = [5, 7, 9];
    const data = Float32Array.from({ length: 5 * 7 * 9 }, (_, i) => (Math.floor(i / 63) === 3 ? 2 : Math.sin(i * 0.37) * (1 + Math.floor(i / 63)) - Math.floor(i / 63)));
    const full = featurePreview(shape, data);
    const card = cardPreview(full);
    expect(card).toMatchObject({ channels: 2, height: 7, width: 9, card: { channels: 5 } });
    expect(card.data.length).toBe(2 * 63);
    expect(cardPreview(full)).toBe(card); // made once per preview
    for (const mode of ['mean', 'first'] as const) {
      expect(Array.from(mapToRgba(thumbnailMap(card, mode), 'viridis'))).toEqual(Array.from(mapToRgba(thumbnailMap(full, mode), 'viridis')));
    }
    // One channel: the card is that channel.
    const one = featurePreview([1, 3, 3], Float32Array.from({ length: 9 }, (_, i) => i));
    expect(Array.from(cardPreview(one).data)).toEqual(Array.from(one.data));
  });

  it('colours the low end and the high end of the range with the colormap ends', () => {
    const px = mapToRgba(previewChannel(preview, 0), 'viridis');
    expect(Array.from(px.slice(0, 4))).toEqual([...colorAt('viridis', 0), 255]);
    expect(Array.from(px.slice(4, 8))).toEqual([...colorAt('viridis', 1), 255]);
    expect(colorAt('viridis', 0)).toEqual([68, 1, 84]);
    // Symmetric range puts zero in the middle of a signed colormap.
    const sym = mapToRgba({ width: 1, height: 1, values: Float32Array.from([0]) }, 'coolwarm', { range: [-1, 3], symmetric: true });
    expect(Array.from(sym.slice(0, 3))).toEqual(colorAt('coolwarm', 0.5));
  });

  it('per-channel stats: exact ranges from the preview, exact everything from a tensor', () => {
    const s = previewChannelStats(preview);
    expect(s[1]).toMatchObject({ min: -1, max: 1, mean: 0, exact: false });
    const t = { shape: [2, 2, 2], data: Float32Array.from([0, 0, 0, 4, 1, 2, 3, 6]) };
    expect(Array.from(tensorChannel(t, 1).values)).toEqual([1, 2, 3, 6]);
    expect(tensorChannelStats(t)).toEqual([
      { channel: 0, min: 0, max: 4, mean: 1, zeros: 0.75, exact: true },
      { channel: 1, min: 1, max: 6, mean: 3, zeros: 0, exact: true },
    ]);
  });

  it('a histogram over a given range (the statistics shown above it) spans exactly that range; values outside go to the end bins', () => {
    const h = histogram([1, 2, 3], 4, [-1, 7]);
    expect([h.min, h.max]).toEqual([-1, 7]);
    expect(h.counts).toEqual([0, 2, 1, 0]);
    expect(histogram([-5, 9], 2, [0, 4]).counts).toEqual([1, 1]);
  });

  it('histogram bins every value once; zero share counts dead units', () => {
    const h = histogram([0, 0, 0, 1, 2, 3, 4], 4);
    expect(h.counts).toEqual([3, 1, 1, 2]);
    expect(h.counts.reduce((a, b) => a + b)).toBe(7);
    expect(zeroShare([0, 0, 1, 2])).toBe(0.5);
  });
});

describe('topK', () => {
  it('orders classes by probability with labels from the document', () => {
    const p = [0.1, 0.5, 0.05, 0.3, 0.05];
    expect(topK(p, 3, ['a', 'b', 'c', 'd'])).toEqual([
      { index: 1, label: 'b', probability: 0.5 },
      { index: 3, label: 'd', probability: 0.3 },
      { index: 0, label: 'a', probability: 0.1 },
    ]);
    expect(topK(p, 5).map((c) => c.label)).toEqual(['class 1', 'class 3', 'class 0', 'class 2', 'class 4']);
    expect(isProbabilityVector(p)).toBe(true);
    expect(isProbabilityVector([2, -1])).toBe(false);
  });
});

describe('untrainedNote', () => {
  it('says a network with random kernels is not predicting, and is silent once every kernel is given', () => {
    expect(untrainedNote({ given: 0, seeded: 54, seed: 42 })).toMatch(/^Untrained: every weight is random \(seed 42\).*Import ONNX/);
    expect(untrainedNote({ given: 1, seeded: 53, seed: 7 })).toMatch(/^53 of 54 conv and dense kernels are random \(seed 7\)/);
    expect(untrainedNote({ given: 5, seeded: 0, seed: 42 })).toBeUndefined();
    expect(untrainedNote(undefined)).toBeUndefined();
  });
});
