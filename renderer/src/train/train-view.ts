/** Pure helpers of the Train tab's views: images from samples and filters, chart data, numbers as text. */
import type { TrainCurves } from './train-store';
import { byteRange } from '../../../engine/src/core/util/byte-range';
import { t } from '../i18n';

/** "45 s", "3 min 05 s", "2 h 07 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return t('time.s', { s });
  const m = Math.floor(s / 60);
  if (m < 60) return t('time.ms', { m, s: String(s % 60).padStart(2, '0') });
  return t('time.hm', { h: Math.floor(m / 60), m: String(m % 60).padStart(2, '0') });
}

export const percent = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;

/** A uint8 channels × height × width image as RGBA (1 channel: grey; 3: RGB; otherwise the channels' mean). */
export function chwToRgba(data: Uint8Array, channels: number, height: number, width: number): Uint8ClampedArray<ArrayBuffer> {
  const n = height * width;
  const out = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    let r: number, g: number, b: number;
    if (channels === 3) {
      r = data[i];
      g = data[n + i];
      b = data[2 * n + i];
    } else {
      let sum = 0;
      for (let c = 0; c < channels; c++) sum += data[c * n + i];
      r = g = b = channels > 0 ? sum / channels : 0;
    }
    out[4 * i] = r;
    out[4 * i + 1] = g;
    out[4 * i + 2] = b;
    out[4 * i + 3] = 255;
  }
  return out;
}

export interface FilterGrid {
  /** RGBA of the whole grid at one pixel per kernel tap; 1-pixel transparent gutters between filters. */
  rgba: Uint8ClampedArray<ArrayBuffer>;
  width: number;
  height: number;
  cols: number;
  rows: number;
  /** Filters shown (all of them, up to `max`). */
  count: number;
}

/**
 * Filters (F × C × kh × kw) as a grid of small images, `cols` per row: RGB when C = 3, else the
 * mean over channels; each filter normalised to its own range (its most negative tap black, its
 * most positive white), so a filter's pattern shows whatever its scale.
 */
export function filterGrid(shape: readonly number[], data: Float32Array, cols: number, max = 256): FilterGrid {
  const [F, C, kh, kw] = shape;
  const count = Math.min(F, max);
  cols = Math.max(1, Math.min(cols, count));
  const rows = Math.ceil(count / cols);
  const width = cols * (kw + 1) - 1;
  const height = rows * (kh + 1) - 1;
  const rgba = new Uint8ClampedArray(Math.max(0, width * height * 4));
  const taps = kh * kw;
  const rgb = C === 3;
  const tile = new Float32Array(taps * (rgb ? 3 : 1));
  for (let f = 0; f < count; f++) {
    const base = f * C * taps;
    if (rgb) tile.set(data.subarray(base, base + 3 * taps));
    else {
      tile.fill(0);
      for (let c = 0; c < C; c++) for (let t = 0; t < taps; t++) tile[t] += data[base + c * taps + t] / C;
    }
    const { lo, scale } = byteRange(tile);
    const x0 = (f % cols) * (kw + 1);
    const y0 = Math.floor(f / cols) * (kh + 1);
    for (let y = 0; y < kh; y++) {
      for (let x = 0; x < kw; x++) {
        const t = y * kw + x;
        const o = ((y0 + y) * width + x0 + x) * 4;
        const v = (k: number) => (scale ? (tile[k] - lo) * scale : 128);
        rgba[o] = v(t);
        rgba[o + 1] = rgb ? v(taps + t) : v(t);
        rgba[o + 2] = rgb ? v(2 * taps + t) : v(t);
        rgba[o + 3] = 255;
      }
    }
  }
  return { rgba, width, height, cols, rows, count };
}

/**
 * uPlot's aligned data for one metric: x = every reported step and every epoch's end (merged,
 * ascending), the smoothed per-step series, and the per-epoch series (null where it has no point).
 */
export function chartData(curves: TrainCurves, metric: 'loss' | 'accuracy'): [number[], (number | null)[], (number | null)[]] {
  const sx = curves.steps;
  const sy = metric === 'loss' ? curves.loss : curves.accuracy;
  const ex = curves.epochStep;
  const ey = metric === 'loss' ? curves.epochLoss : curves.epochAccuracy;
  const x: number[] = [];
  const a: (number | null)[] = [];
  const b: (number | null)[] = [];
  let i = 0;
  let j = 0;
  while (i < sx.length || j < ex.length) {
    const xi = i < sx.length ? sx[i] : Infinity;
    const xj = j < ex.length ? ex[j] : Infinity;
    const at = Math.min(xi, xj);
    x.push(at);
    a.push(xi === at ? finiteOrNull(sy[i++]) : null);
    b.push(xj === at ? finiteOrNull(ey[j++]) : null);
  }
  return [x, a, b];
}

const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);

/** Cell shading of a confusion matrix: √(count / largest count), so the few mistakes still show beside the diagonal. */
export function confusionShade(count: number, max: number): number {
  return max > 0 ? Math.sqrt(count / max) : 0;
}
