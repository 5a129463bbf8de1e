import { describe, expect, it } from 'vitest';
import { preprocessSteps, preprocessedChannels } from './preprocess-view';
import { readSize } from './image-decode';

describe('preprocessing view', () => {
  it('lists the steps for a colour image entering a 1-channel 28×28 input', () => {
    const steps = preprocessSteps({ width: 224, height: 224 }, { channels: 1, height: 28, width: 28 });
    expect(steps.map((s) => s.title)).toEqual(['Grayscale', 'Resize', 'Scale']);
    expect(steps[1].detail).toBe('224×224 → 28×28 (bilinear)');
  });

  it('says when a very large image was shrunk on reading, before the Input’s own resize', () => {
    const steps = preprocessSteps({ width: 2048, height: 2048 }, { channels: 3, height: 224, width: 224 }, { width: 8000, height: 8000 });
    expect(steps.map((s) => s.title)).toEqual(['Shrunk on reading', 'Resize', 'Scale']);
    expect(steps[0].detail).toBe('8000×8000 → 2048×2048 (images larger than 2048 px on a side are scaled down when read)');
    expect(steps[1].detail).toBe('2048×2048 → 224×224 (bilinear)');
    expect(readSize(8000, 6000)).toEqual({ width: 2048, height: 1536 });
    expect(readSize(640, 480)).toEqual({ width: 640, height: 480 });
  });

  it('shows ImageNet normalisation and produces the tensor per channel', () => {
    const input = { channels: 3, height: 1, width: 2, preprocess: { resize: true, scale: true, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] } };
    expect(preprocessSteps({ width: 2, height: 1 }, input).map((s) => s.title)).toEqual(['Scale', 'Normalise']);
    const rgba = Uint8Array.from([255, 0, 255, 255, 0, 255, 0, 255]);
    const { channels } = preprocessedChannels({ width: 2, height: 1, rgba }, input);
    expect(Array.from(channels[0].values)).toEqual([1, -1]);
    expect(Array.from(channels[1].values)).toEqual([-1, 1]);
  });
});
