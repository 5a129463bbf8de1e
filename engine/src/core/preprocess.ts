/**
 * From what the user gives (an RGBA image or a raw tensor) to the Input node's C×H×W tensor.
 * Images follow the Input node's `preprocess` params (defaults: resize, scale): bilinear resize to
 * H×W (half-pixel centres, as PyTorch's interpolate with align_corners=False), divide by 255,
 * optional (x − mean) / std per channel, luma for 1-channel inputs (ITU-R 601, as PIL's "L").
 * Tensors are taken as they are (no preprocessing) after checking their shape.
 */
import type { InputPayload } from './api';
import { IMAGENET_NORMALISATION, PreprocessSchema, type InputParams, type Preprocess } from './ops/input';

export { IMAGENET_NORMALISATION };

/** A bad input: wrong size, channel count or data. The message names what was expected. */
export class InputError extends Error {
  readonly code = 'bad-input' as const;
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

const LUMA = [0.299, 0.587, 0.114];

/** The input tensor for one Input node. Throws InputError. */
export function preprocessInput(payload: InputPayload, input: InputParams, nodeId = 'input'): Float32Array {
  return payload.kind === 'image' ? imageToTensor(payload, input, nodeId) : checkTensor(payload, input, nodeId);
}

function expected(p: InputParams): string {
  return `${p.channels}×${p.height}×${p.width}`;
}

export function checkTensor(t: { shape: readonly number[]; data: ArrayLike<number> }, input: InputParams, nodeId = 'input'): Float32Array {
  const shape = t.shape.length === 4 && t.shape[0] === 1 ? t.shape.slice(1) : t.shape;
  const want = [input.channels, input.height, input.width];
  if (shape.length !== 3 || shape.some((d, i) => d !== want[i])) {
    throw new InputError(`Input "${nodeId}" expects a tensor of shape [${want.join(', ')}] (C×H×W), but got [${t.shape.join(', ')}].`);
  }
  const n = want[0] * want[1] * want[2];
  if (t.data.length !== n) throw new InputError(`Input "${nodeId}": a ${expected(input)} tensor has ${n} values, but the data has ${t.data.length}.`);
  const data = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(data[i])) throw new InputError(`Input "${nodeId}": tensor value ${i} is ${data[i]} — every value must be a finite number.`);
  }
  return data;
}

/** The normalisation mean/std for `channels`, broadcasting one value; InputError when lengths do not fit. */
function normalisation(pre: Preprocess, channels: number, nodeId: string): { mean: number[]; std: number[] } {
  const fit = (v: number[] | undefined, fill: number, what: string) => {
    if (!v) return Array(channels).fill(fill);
    if (v.length === 1) return Array(channels).fill(v[0]);
    if (v.length !== channels) throw new InputError(`Input "${nodeId}": preprocessing ${what} has ${v.length} values but the input has ${channels} channel${channels === 1 ? '' : 's'} — give ${channels} (or one for all).`);
    return v;
  };
  return { mean: fit(pre.mean, 0, 'mean'), std: fit(pre.std, 1, 'std') };
}

export function imageToTensor(img: { width: number; height: number; rgba: Uint8Array }, input: InputParams, nodeId = 'input'): Float32Array {
  const pre = PreprocessSchema.parse(input.preprocess ?? {});
  const { width: iw, height: ih, rgba } = img;
  if (!(iw > 0 && ih > 0) || rgba.length !== iw * ih * 4) {
    throw new InputError(`Input "${nodeId}": the image data has ${rgba.length} bytes, but a ${iw}×${ih} RGBA image needs ${iw * ih * 4}.`);
  }
  const C = input.channels;
  const gray = pre.grayscale ?? C === 1;
  if (!(C === 1 || C === 3 || C === 4)) {
    throw new InputError(`Input "${nodeId}" expects ${C} channels; an image gives 1 (grayscale), 3 (RGB) or 4 (RGBA) — give a ${expected(input)} tensor instead.`);
  }
  if (gray && C === 4) throw new InputError(`Input "${nodeId}": grayscale needs 1 or 3 channels, but the input has 4 — turn grayscale off or change the channels.`);
  if (!pre.resize && (iw !== input.width || ih !== input.height)) {
    throw new InputError(`Input "${nodeId}" expects a ${input.width}×${input.height} image (width×height), but this one is ${iw}×${ih} — resize it, or turn on resizing for this Input.`);
  }
  const { mean, std } = normalisation(pre, C, nodeId);

  // 1. Channel planes at the image's size (float, 0–255).
  const n = iw * ih;
  const planes: Float32Array[] = [];
  if (gray) {
    const g = new Float32Array(n);
    for (let i = 0; i < n; i++) g[i] = LUMA[0] * rgba[4 * i] + LUMA[1] * rgba[4 * i + 1] + LUMA[2] * rgba[4 * i + 2];
    for (let c = 0; c < C; c++) planes.push(g);
  } else {
    for (let c = 0; c < C; c++) {
      const p = new Float32Array(n);
      for (let i = 0; i < n; i++) p[i] = rgba[4 * i + c];
      planes.push(p);
    }
  }
  // 2. Resize, 3. scale, 4. normalise.
  const H = input.height;
  const W = input.width;
  const out = new Float32Array(C * H * W);
  const k = pre.scale ? 1 / 255 : 1;
  for (let c = 0; c < C; c++) {
    const resized = iw === W && ih === H ? planes[c] : resizeBilinear(planes[c], ih, iw, H, W);
    for (let i = 0; i < H * W; i++) out[c * H * W + i] = (resized[i] * k - mean[c]) / std[c];
  }
  return out;
}

/** Bilinear resize of one plane with half-pixel centres (PyTorch interpolate, align_corners=False, no antialias). */
export function resizeBilinear(src: Float32Array, h: number, w: number, H: number, W: number): Float32Array {
  const out = new Float32Array(H * W);
  const axis = (n: number, m: number) => {
    const scale = n / m;
    const i0 = new Int32Array(m);
    const i1 = new Int32Array(m);
    const t = new Float32Array(m);
    for (let k = 0; k < m; k++) {
      const s = Math.max(0, (k + 0.5) * scale - 0.5);
      const f = Math.min(Math.floor(s), n - 1);
      i0[k] = f;
      i1[k] = Math.min(f + 1, n - 1);
      t[k] = s - f;
    }
    return { i0, i1, t };
  };
  const ys = axis(h, H);
  const xs = axis(w, W);
  for (let y = 0; y < H; y++) {
    const r0 = ys.i0[y] * w;
    const r1 = ys.i1[y] * w;
    const ty = ys.t[y];
    for (let x = 0; x < W; x++) {
      const a = src[r0 + xs.i0[x]] + (src[r0 + xs.i1[x]] - src[r0 + xs.i0[x]]) * xs.t[x];
      const b = src[r1 + xs.i0[x]] + (src[r1 + xs.i1[x]] - src[r1 + xs.i0[x]]) * xs.t[x];
      out[y * W + x] = a + (b - a) * ty;
    }
  }
  return out;
}
