/**
 * From what the engine sends (uint8 previews normalised per channel, with each channel's real
 * [min, max]) or a fetched full tensor to pixels and numbers the panels show. No DOM: pure data.
 */
import type { FeaturePreview, TensorResult } from '../../../engine/src/core/api';
import { previewChannelMean } from '../../../engine/src/core/preview-mean';
import { colormapTable, type ColormapName } from './colormap';

/** A 2-D map of real values. */
export interface ValueMap {
  width: number;
  height: number;
  values: Float32Array;
}

export type ThumbnailMode = 'mean' | 'first';

/** Channel c of a preview back in real units: min + u8/255 · (max − min). */
export function previewChannel(p: FeaturePreview, c: number): ValueMap {
  const n = p.width * p.height;
  const [min, max] = [p.ranges[2 * c], p.ranges[2 * c + 1]];
  const scale = (max - min) / 255;
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = min + p.data[c * n + i] * scale;
  return { width: p.width, height: p.height, values };
}

/**
 * Mean over the preview's channels, in real units (core/preview-mean.ts, shared with the engine's
 * card previews): the same float32 sums, in the same order, as adding up previewChannel's maps.
 */
export function previewMean(p: FeaturePreview): ValueMap {
  return { width: p.width, height: p.height, values: previewChannelMean(p) };
}

/** What a node's thumbnail shows (a card preview carries both: its channel 1 is the mean). */
export function thumbnailMap(p: FeaturePreview, mode: ThumbnailMode): ValueMap {
  if (mode === 'first' || p.channels === 1) return previewChannel(p, 0);
  return p.card ? previewChannel(p, 1) : previewMean(p);
}

export function valueRange(values: ArrayLike<number>): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return values.length ? [min, max] : [0, 0];
}

/**
 * RGBA pixels of a map through a colormap. The range defaults to the map's own [min, max]; with
 * `symmetric` it is [−m, m] so zero sits in the middle (for signed colormaps). A flat map is drawn at the low end.
 */
export function mapToRgba(m: ValueMap, colormap: ColormapName, options: { range?: [number, number]; symmetric?: boolean } = {}): Uint8ClampedArray {
  let [lo, hi] = options.range ?? valueRange(m.values);
  if (options.symmetric) {
    const a = Math.max(Math.abs(lo), Math.abs(hi));
    [lo, hi] = [-a, a];
  }
  const span = hi - lo;
  const table = colormapTable(colormap);
  const out = new Uint8ClampedArray(m.width * m.height * 4);
  for (let i = 0; i < m.values.length; i++) {
    const t = span > 0 ? (m.values[i] - lo) / span : 0;
    const k = Math.round(Math.min(1, Math.max(0, t)) * 255) * 3;
    out[i * 4] = table[k];
    out[i * 4 + 1] = table[k + 1];
    out[i * 4 + 2] = table[k + 2];
    out[i * 4 + 3] = 255;
  }
  return out;
}

/** Channel c of a full C×H×W tensor (or a vector as one 1×N row). */
export function tensorChannel(t: TensorResult, c: number): ValueMap {
  const s = t.shape.length === 4 && t.shape[0] === 1 ? t.shape.slice(1) : t.shape;
  if (s.length === 3) {
    const [, h, w] = s;
    return { width: w, height: h, values: t.data.subarray(c * h * w, (c + 1) * h * w) };
  }
  return { width: t.data.length, height: 1, values: t.data };
}

export interface ChannelStats {
  channel: number;
  min: number;
  max: number;
  mean: number;
  /** Share of exact zeros (dead units after ReLU); from the preview it is approximate. */
  zeros: number;
  /** True when computed from the full tensor, false when estimated from the preview. */
  exact: boolean;
}

function statsOf(values: ArrayLike<number>, channel: number, exact: boolean, range?: [number, number]): ChannelStats {
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    if (values[i] === 0) zeros++;
  }
  const [min, max] = range ?? valueRange(values);
  const n = values.length || 1;
  return { channel, min, max, mean: sum / n, zeros: zeros / n, exact };
}

/** Per-channel statistics: min/max are exact (from the preview's ranges), mean and zeros estimated from the preview. */
export function previewChannelStats(p: FeaturePreview): ChannelStats[] {
  return Array.from({ length: p.channels }, (_, c) => statsOf(previewChannel(p, c).values, c, false, [p.ranges[2 * c], p.ranges[2 * c + 1]]));
}

/** Exact per-channel statistics from a full tensor. */
export function tensorChannelStats(t: TensorResult): ChannelStats[] {
  const s = t.shape.length === 4 && t.shape[0] === 1 ? t.shape.slice(1) : t.shape;
  const channels = s.length === 3 ? s[0] : 1;
  return Array.from({ length: channels }, (_, c) => statsOf(tensorChannel(t, c).values, c, true));
}

export interface Histogram {
  /** Lower edge of the first bin and upper edge of the last. */
  min: number;
  max: number;
  counts: number[];
  total: number;
}

/**
 * Equal-width histogram over [min, max] of the values, or over `range` — the statistics shown beside
 * it, when the values are a sample of the data (a preview): values outside fall in the end bins.
 */
export function histogram(values: ArrayLike<number>, bins = 32, range?: [number, number]): Histogram {
  const [min, max] = range ?? valueRange(values);
  const counts = new Array<number>(bins).fill(0);
  const span = max - min;
  for (let i = 0; i < values.length; i++) {
    const k = span > 0 ? Math.max(0, Math.min(bins - 1, Math.floor(((values[i] - min) / span) * bins))) : 0;
    counts[k]++;
  }
  return { min, max, counts, total: values.length };
}

/** Share of exact zeros: dead units after a ReLU. */
export function zeroShare(values: ArrayLike<number>): number {
  let zeros = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === 0) zeros++;
  return values.length ? zeros / values.length : 0;
}
