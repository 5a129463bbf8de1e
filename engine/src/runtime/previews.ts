/**
 * Per-node statistics and small feature-map previews, computed from a full tensor.
 * A C×H×W map gives up to 64 channels, each area-downsampled (aspect kept) to at most 64×64;
 * a vector [N] reads as one 1×N channel. Values become uint8 normalised per channel with that
 * channel's full-resolution [min, max] (kept in `ranges`); a constant channel maps to 0.
 */
import type { FeaturePreview, NodeStats } from '../core/api';

export const PREVIEW_MAX_CHANNELS = 64;
export const PREVIEW_MAX_SIDE = 64;

export function tensorStats(data: Float32Array): NodeStats {
  const n = data.length;
  if (n === 0) return { min: 0, max: 0, mean: 0, std: 0, zeros: 0 };
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < n; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    if (v === 0) zeros++;
  }
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const d = data[i] - mean;
    sq += d * d;
  }
  return { min, max, mean, std: Math.sqrt(sq / n), zeros: zeros / n };
}

/** Preview size for an H×W map: aspect kept, longest side at most `maxSide`, never upsampled. */
export function previewSize(h: number, w: number, maxSide = PREVIEW_MAX_SIDE): [number, number] {
  const s = Math.max(1, h / maxSide, w / maxSide);
  return [Math.max(1, Math.min(maxSide, Math.round(h / s))), Math.max(1, Math.min(maxSide, Math.round(w / s)))];
}

/**
 * Area weights for resampling n → m (m ≤ n): output k averages input [k·n/m, (k+1)·n/m), each input
 * cell weighted by how much of it lies inside (OpenCV's INTER_AREA).
 */
function areaWeights(n: number, m: number): { index: number; weight: number }[][] {
  const scale = n / m;
  const out: { index: number; weight: number }[][] = [];
  for (let k = 0; k < m; k++) {
    const start = k * scale;
    const end = (k + 1) * scale;
    const taps: { index: number; weight: number }[] = [];
    for (let i = Math.floor(start); i < Math.min(n, Math.ceil(end)); i++) {
      const overlap = Math.min(end, i + 1) - Math.max(start, i);
      if (overlap > 1e-9) taps.push({ index: i, weight: overlap / scale });
    }
    out.push(taps);
  }
  return out;
}

export function featurePreview(shape: readonly number[], data: Float32Array): FeaturePreview {
  const [C, H, W] = shape.length === 3 ? [shape[0], shape[1], shape[2]] : [1, 1, data.length];
  const channels = Math.min(C, PREVIEW_MAX_CHANNELS);
  const [height, width] = previewSize(H, W);
  const rows = areaWeights(H, height);
  const cols = areaWeights(W, width);
  const out = new Uint8Array(channels * height * width);
  const ranges = new Float32Array(channels * 2);
  const small = new Float64Array(height * width);
  const rowBuf = new Float64Array(width);
  for (let c = 0; c < channels; c++) {
    const base = c * H * W;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < H * W; i++) {
      const v = data[base + i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    small.fill(0);
    for (let oy = 0; oy < height; oy++) {
      for (const { index: y, weight: wy } of rows[oy]) {
        rowBuf.fill(0);
        for (let ox = 0; ox < width; ox++) for (const { index: x, weight: wx } of cols[ox]) rowBuf[ox] += data[base + y * W + x] * wx;
        for (let ox = 0; ox < width; ox++) small[oy * width + ox] += rowBuf[ox] * wy;
      }
    }
    const span = max - min;
    for (let i = 0; i < height * width; i++) {
      out[c * height * width + i] = span > 0 && Number.isFinite(span) ? Math.round(Math.min(1, Math.max(0, (small[i] - min) / span)) * 255) : 0;
    }
    ranges[2 * c] = min;
    ranges[2 * c + 1] = max;
  }
  return { channels, height, width, data: out, ranges };
}
