/**
 * Sliding windows for gradient rules, in plain ONNX ops. `windowTaps` reads, for each kernel
 * offset (i, j), the input value every output position sees there (a strided Slice of the padded
 * input); `placeTaps` is its adjoint: it adds per-tap values back onto the input positions they came
 * from. Convolution's weight gradient (patches × ∂output) and pooling's input gradient are built on
 * them — summing, never overwriting, so overlapping windows (3×3 stride 2) get every contribution.
 */
import type { Pads } from '../shape';
import type { OnnxAttr } from '../onnx/lowering';
import { attr } from '../onnx/lowering';

export interface WindowGeometry {
  kernel: [number, number];
  stride: [number, number];
  dilation: [number, number];
  /** [top, left, bottom, right] */
  pads: Pads;
  /** Input C, H, W (no batch). */
  input: readonly number[];
  /** Output H, W. */
  output: readonly number[];
}

/** What the helpers need of a lowering context. */
export interface Emit {
  node(opType: string, inputs: readonly string[], outputs: readonly string[], attrs?: Record<string, OnnxAttr>): void;
  temp(hint: string): string;
  constInt64(values: readonly number[], hint?: string): string;
  constFloat(values: number | readonly number[], dims?: readonly number[], hint?: string): string;
}

/** `op(type, inputs, hint, attrs)` → the new value's name. */
export function emitter(ctx: Emit) {
  return (opType: string, inputs: readonly string[], hint: string, attrs?: Record<string, OnnxAttr>): string => {
    const out = ctx.temp(hint);
    ctx.node(opType, inputs, [out], attrs);
    return out;
  };
}

/** Height and width of the padded frame every window fits in (ceil mode may hang over the padding). */
function frame(g: WindowGeometry): [number, number] {
  const [, h, w] = g.input;
  const [pt, pl, pb, pr] = g.pads;
  const need = (n: number, s: number, k: number, d: number) => (n - 1) * s + (k - 1) * d + 1;
  return [Math.max(h + pt + pb, need(g.output[0], g.stride[0], g.kernel[0], g.dilation[0])), Math.max(w + pl + pr, need(g.output[1], g.stride[1], g.kernel[1], g.dilation[1]))];
}

const isIdentityWindow = (g: WindowGeometry) =>
  g.kernel[0] === 1 && g.kernel[1] === 1 && g.stride[0] === 1 && g.stride[1] === 1 && g.pads.every((p) => p === 0);

/** The kh·kw taps, row-major over the kernel: tap (i, j) is N×C×Ho×Wo, the padded input at (i·d + s·oh, j·d + s·ow). */
export function windowTaps(ctx: Emit, x: string, g: WindowGeometry, padValue: number): string[] {
  if (isIdentityWindow(g)) return [x];
  const op = emitter(ctx);
  const [, h, w] = g.input;
  const [pt, pl] = g.pads;
  const [fh, fw] = frame(g);
  let padded = x;
  if (fh !== h || fw !== w) {
    const pads = ctx.constInt64([0, 0, pt, pl, 0, 0, fh - h - pt, fw - w - pl], 'tap_pads');
    padded = op('Pad', [x, pads, ctx.constFloat(padValue, undefined, 'tap_fill')], 'tap_padded', { mode: attr.s('constant') });
  }
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.stride;
  const [dh, dw] = g.dilation;
  const [oh, ow] = g.output;
  const axes = ctx.constInt64([2, 3], 'tap_axes');
  const steps = ctx.constInt64([sh, sw], 'tap_steps');
  const taps: string[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const starts = ctx.constInt64([i * dh, j * dw], 'tap_start');
      const ends = ctx.constInt64([i * dh + (oh - 1) * sh + 1, j * dw + (ow - 1) * sw + 1], 'tap_end');
      taps.push(op('Slice', [padded, starts, ends, axes, steps], `tap_${i}_${j}`));
    }
  }
  return taps;
}

/**
 * Every window's values stacked along channels, channel-major: N×(C·kh·kw)×Ho×Wo with channel
 * c·kh·kw + i·kw + j holding input channel c at kernel offset (i, j) — the order of a kernel's
 * [F, C, kh, kw] flattened. Built as one depthwise convolution with one-hot kernels (its padding,
 * stride and dilation are the window's), a single pass over the input where per-tap Slices and a
 * Concat take kh·kw+1 (LeNet-5's step: ~1.8 of 6.1 ms).
 */
export function windowPatches(ctx: Emit, x: string, g: WindowGeometry): string {
  if (isIdentityWindow(g)) return x;
  const [c] = g.input;
  const [kh, kw] = g.kernel;
  const k = kh * kw;
  const onehot = new Array<number>(c * k * k).fill(0);
  for (let ch = 0; ch < c; ch++) for (let t = 0; t < k; t++) onehot[(ch * k + t) * k + t] = 1;
  const kernel = ctx.constFloat(onehot, [c * k, 1, kh, kw], 'patch_kernel');
  return emitter(ctx)('Conv', [x, kernel], 'patches', {
    kernel_shape: attr.ints(g.kernel),
    strides: attr.ints(g.stride),
    dilations: attr.ints(g.dilation),
    group: attr.i(c),
    pads: attr.ints(g.pads),
  });
}

/**
 * The adjoint of `windowTaps`: adds each tap's N×C×Ho×Wo values back at the input positions that
 * tap read, and returns N×C×H×W (what fell on padding is dropped). `taps` may repeat one value.
 */
export function placeTaps(ctx: Emit, taps: readonly string[], g: WindowGeometry, batch: number): string {
  if (isIdentityWindow(g)) return taps[0];
  const op = emitter(ctx);
  const [c, h, w] = g.input;
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.stride;
  const [dh, dw] = g.dilation;
  const [oh, ow] = g.output;
  const [pt, pl] = g.pads;
  // Made on first use: a stride-1 spread never needs it, and an unused initializer makes onnxruntime warn.
  let split: string | undefined;
  const split6 = () => (split ??= ctx.constInt64([batch, c, oh, 1, ow, 1], 'place_split'));
  let placed: string;
  let fh: number;
  let fw: number;
  if (sh === kh && sw === kw && dh === 1 && dw === 1) {
    // Windows tile without overlap: interleave the taps with one Concat per axis and a Reshape.
    const rows: string[] = [];
    for (let i = 0; i < kh; i++) {
      const cols = taps.slice(i * kw, (i + 1) * kw).map((t) => op('Reshape', [t, split6()], 'place_6d'));
      rows.push(cols.length === 1 ? cols[0] : op('Concat', cols, 'place_cols', { axis: attr.i(5) }));
    }
    const tiled = rows.length === 1 ? rows[0] : op('Concat', rows, 'place_rows', { axis: attr.i(3) });
    placed = op('Reshape', [tiled, ctx.constInt64([batch, c, oh * kh, ow * kw], 'place_shape')], 'placed');
    [fh, fw] = [oh * kh, ow * kw];
  } else {
    // Spread each tap to stride spacing (zeros between), shift it to its kernel offset, and sum.
    [fh, fw] = [(kh - 1) * dh + oh * sh, (kw - 1) * dw + ow * sw];
    const spread = (t: string) => {
      if (sh === 1 && sw === 1) return t;
      const six = op('Reshape', [t, split6()], 'spread_6d');
      const gaps = op('Pad', [six, ctx.constInt64([0, 0, 0, 0, 0, 0, 0, 0, 0, sh - 1, 0, sw - 1], 'spread_pads')], 'spread_gaps', { mode: attr.s('constant') });
      return op('Reshape', [gaps, ctx.constInt64([batch, c, oh * sh, ow * sw], 'spread_shape')], 'spread');
    };
    const spreadOnce = new Map<string, string>();
    const shifted = taps.map((t, k) => {
      const i = Math.floor(k / kw);
      const j = k % kw;
      let s = spreadOnce.get(t);
      if (!s) spreadOnce.set(t, (s = spread(t)));
      const pads = [0, 0, i * dh, j * dw, 0, 0, (kh - 1 - i) * dh, (kw - 1 - j) * dw];
      return pads.every((p) => p === 0) ? s : op('Pad', [s, ctx.constInt64(pads, 'shift_pads')], 'shifted', { mode: attr.s('constant') });
    });
    placed = shifted.length === 1 ? shifted[0] : op('Sum', shifted, 'placed');
  }
  if (pt === 0 && pl === 0 && fh === h && fw === w) return placed;
  // Crop the input's region out of the frame (the frame is at least pt + H by pl + W).
  const starts = ctx.constInt64([pt, pl], 'crop_start');
  const ends = ctx.constInt64([pt + h, pl + w], 'crop_end');
  if (fh < pt + h || fw < pl + w) {
    const grown = op('Pad', [placed, ctx.constInt64([0, 0, 0, 0, 0, 0, Math.max(0, pt + h - fh), Math.max(0, pl + w - fw)], 'grow_pads')], 'grown', { mode: attr.s('constant') });
    return op('Slice', [grown, starts, ends, ctx.constInt64([2, 3], 'crop_axes')], 'cropped');
  }
  return op('Slice', [placed, starts, ends, ctx.constInt64([2, 3], 'crop_axes')], 'cropped');
}
