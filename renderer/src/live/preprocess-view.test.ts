import { describe, expect, it } from 'vitest';
import { preprocessSteps, preprocessedChannels } from './preprocess-view';

describe('preprocessing view', () => {
  it('lists the steps for a colour image entering a 1-channel 28×28 input', () => {
    const steps = preprocessSteps({ width: 224, height: 224 }, { channels: 1, height: 28, width: 28 });
    expect(steps.map((s) => s.title)).toEqual(['Grayscale', 'Resize', 'Scale']);
    expect(steps[1].detail).toBe('224×224 → 28×28 (bilinear)');
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
