/**
 * The mean over a preview's channels in real units (min + byte/255 · (max − min) per channel): what a
 * node's thumbnail shows. One definition for the editor (a full preview's thumbnail) and the engine
 * (a card preview made from the bytes), so both draw the same pixels.
 */
import type { FeaturePreview } from './api';

/**
 * Float32 sums over the channels in channel order, then divided by the channel count. One pass over
 * the bytes with each channel's 256 possible values looked up (no array per channel: a ResNet-50
 * result has 24 previews of up to 64 channels).
 */
export function previewChannelMean(p: FeaturePreview): Float32Array {
  const n = p.width * p.height;
  const mean = new Float32Array(n);
  const level = new Float32Array(256);
  const bytes = p.data;
  for (let c = 0; c < p.channels; c++) {
    const min = p.ranges[2 * c];
    const scale = (p.ranges[2 * c + 1] - min) / 255;
    for (let u = 0; u < 256; u++) level[u] = min + u * scale;
    const at = c * n;
    for (let i = 0; i < n; i++) mean[i] += level[bytes[at + i]];
  }
  if (p.channels > 0) for (let i = 0; i < n; i++) mean[i] /= p.channels;
  return mean;
}
