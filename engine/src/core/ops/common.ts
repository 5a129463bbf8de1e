import { z } from 'zod';
import { formatShape, pair, type Pads, type Padding, type Pair, type Shape } from '../shape';
import type { InferContext } from './op';

/** Sizes beyond these are refused as absurd (they would not fit in memory anyway). */
export const LIMITS = {
  channels: 65_536,
  spatial: 65_536,
  kernel: 1_024,
  activationBytes: 16 * 1024 ** 3,
};

export const posInt = (max = LIMITS.spatial) => z.number().int().positive().max(max);
export const PairSchema = z.union([posInt(LIMITS.kernel), z.tuple([posInt(LIMITS.kernel), posInt(LIMITS.kernel)])]);
const padAmount = () => z.number().int().nonnegative().max(LIMITS.kernel);
/** Explicit padding: one amount for every side, or [top, left, bottom, right]. */
export const ExplicitPaddingSchema = z.union([padAmount(), z.tuple([padAmount(), padAmount(), padAmount(), padAmount()])]);
export const PaddingSchema = z.union([z.literal('valid'), z.literal('same'), ExplicitPaddingSchema]);

/** "3×3" or "1×7" */
export function formatPair(v: Pair): string {
  const [h, w] = pair(v);
  return `${h}×${w}`;
}

/** "3×3/2" — kernel with stride when it is not 1. */
export function formatWindow(kernel: Pair, stride: Pair): string {
  const [sh, sw] = pair(stride);
  const s = sh === sw ? (sh === 1 ? '' : `/${sh}`) : `/${sh}×${sw}`;
  return formatPair(kernel) + s;
}

/**
 * Explicit [top, left, bottom, right] padding. "same" pads like TensorFlow: output = ceil(in / stride),
 * the odd pixel of padding going to the bottom/right.
 */
export function resolvePads(padding: Padding, inH: number, inW: number, kernel: Pair, stride: Pair, dilation: Pair = 1): Pads {
  if (padding === 'valid') return [0, 0, 0, 0];
  if (typeof padding === 'number') return [padding, padding, padding, padding];
  if (padding === 'same') {
    const [kh, kw] = pair(kernel);
    const [sh, sw] = pair(stride);
    const [dh, dw] = pair(dilation);
    const total = (n: number, k: number, s: number, d: number) => Math.max((Math.ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0);
    const th = total(inH, kh, sh, dh);
    const tw = total(inW, kw, sw, dw);
    return [Math.floor(th / 2), Math.floor(tw / 2), th - Math.floor(th / 2), tw - Math.floor(tw / 2)];
  }
  return [padding[0], padding[1], padding[2], padding[3]];
}

export function formatPads(p: Pads): string {
  return p.every((v) => v === p[0]) ? String(p[0]) : `[${p.join(', ')}]`;
}

/** Requires a C×H×W input; reports a learner-friendly error otherwise. */
export function requireFeatureMap(title: string, input: Shape, ctx: InferContext): input is readonly [number, number, number] {
  if (input.length === 3) return true;
  ctx.error(
    'rank-mismatch',
    `${title} needs a C×H×W feature map, but its input is a flat vector of ${formatShape(input)} values — ${title} works on images; move it before the Flatten/Dense layers.`,
    { inputIndex: 0, params: { variant: 'feature-map', shape: formatShape(input) } },
  );
  return false;
}

export interface WindowGeometry {
  kernel: Pair;
  stride: Pair;
  dilation?: Pair;
  padding: Padding;
  ceil?: boolean;
}

/**
 * Output H×W of a sliding window, with the diagnostics users need:
 * out = floor((in + pad_top + pad_bottom − dilation·(k−1) − 1) / stride) + 1 (ceil when `ceil`).
 */
export function slideOutput(title: string, inH: number, inW: number, g: WindowGeometry, ctx: InferContext): [number, number] | undefined {
  const [kh, kw] = pair(g.kernel);
  const [sh, sw] = pair(g.stride);
  const [dh, dw] = pair(g.dilation ?? 1);
  const pads = resolvePads(g.padding, inH, inW, g.kernel, g.stride, g.dilation ?? 1);
  const [pt, pl, pb, pr] = pads;
  const ekh = dh * (kh - 1) + 1;
  const ekw = dw * (kw - 1) + 1;
  const padH = inH + pt + pb;
  const padW = inW + pl + pr;
  if (ekh > padH || ekw > padW) {
    const dil = dh > 1 || dw > 1 ? ` (${ekh}×${ekw} with dilation)` : '';
    ctx.error(
      'kernel-too-large',
      `${title}: the ${formatPair(g.kernel)} kernel${dil} is larger than its ${inH}×${inW} input` +
        (pt + pb + pl + pr > 0 ? ` padded to ${padH}×${padW}` : '') +
        ` — use a smaller kernel, add padding (or "same"), or remove a downsampling layer before it.`,
      {
        param: 'kernel',
        params: {
          ...(pt + pb + pl + pr > 0 ? { variant: 'padded', padded: `${padH}×${padW}` } : {}),
          kernel: formatPair(g.kernel),
          effective: dil ? `${ekh}×${ekw}` : formatPair(g.kernel),
          input: `${inH}×${inW}`,
        },
      },
    );
    return undefined;
  }
  if ((kh > 1 && sh > ekh) || (kw > 1 && sw > ekw)) {
    ctx.warn(
      'bad-stride',
      `${title}: the stride ${sh === sw ? sh : `${sh}×${sw}`} is larger than the ${formatPair(g.kernel)} kernel, so some input pixels are never looked at — use a stride no larger than the kernel.`,
      { param: 'stride', params: { stride: sh === sw ? sh : `${sh}×${sw}`, kernel: formatPair(g.kernel) } },
    );
  }
  const div = (n: number, s: number) => (g.ceil ? Math.ceil(n / s) : Math.floor(n / s));
  let oh = div(padH - ekh, sh) + 1;
  let ow = div(padW - ekw, sw) + 1;
  if (g.ceil) {
    // As PyTorch: the last window must start inside the input or its left/top padding.
    if ((oh - 1) * sh >= inH + pt) oh -= 1;
    if ((ow - 1) * sw >= inW + pl) ow -= 1;
  }
  if (oh <= 0 || ow <= 0) {
    ctx.error('non-positive-output', `${title}: the output would be ${oh}×${ow} — the input ${inH}×${inW} is too small for this kernel and stride.`, {
      param: 'stride',
      params: { variant: 'window', shape: `${oh}×${ow}`, input: `${inH}×${inW}` },
    });
    return undefined;
  }
  return [oh, ow];
}
