import { z } from 'zod';
import type { OpDef } from './op';
import { PairSchema, PaddingSchema, formatWindow, requireFeatureMap, resolvePads, slideOutput } from './common';
import { pair } from '../shape';
import { attr } from '../onnx/lowering';
import { emitter, placeTaps, windowTaps, type WindowGeometry } from '../train/windows';

const Params = z
  .object({
    mode: z.enum(['max', 'avg', 'min']),
    kernel: PairSchema,
    /** Defaults to the kernel (non-overlapping windows). */
    stride: PairSchema.optional(),
    padding: PaddingSchema.default('valid'),
    ceil: z.boolean().default(false),
    /** Average pooling: count padded zeros in the divisor. */
    countIncludePad: z.boolean().default(false),
  })
  .transform((p) => ({ ...p, stride: p.stride ?? p.kernel }));
export type Pool2DParams = z.infer<typeof Params>;

const NAMES = { max: 'max', avg: 'average', min: 'min' } as const;

export const Pool2DOp: OpDef<Pool2DParams> = {
  type: 'Pool2D',
  title: 'Pool 2D',
  category: 'pooling',
  doc: 'Summarises each window of every channel by one number — its maximum, average or minimum — shrinking H×W and keeping the channel count. No weights to learn.',
  params: Params,
  example: { mode: 'max', kernel: 2, stride: 2 },
  arity: { min: 1, max: 1 },
  summary: (p) => `${p.mode === 'avg' ? 'avg' : p.mode} pool ${formatWindow(p.kernel, p.stride)}`,
  infer(inputs, p, ctx) {
    const x = inputs[0];
    const title = `${NAMES[p.mode][0].toUpperCase()}${NAMES[p.mode].slice(1)} pooling`;
    if (!requireFeatureMap(title, x, ctx)) return undefined;
    if (p.padding !== 'same') {
      // As PyTorch and onnxruntime: a window may not hang more than half its size over the border.
      const [kh, kw] = pair(p.kernel);
      const [pt, pl, pb, pr] = resolvePads(p.padding, x[1], x[2], p.kernel, p.stride);
      if (Math.max(pt, pb) > Math.floor(kh / 2) || Math.max(pl, pr) > Math.floor(kw / 2)) {
        ctx.error('invalid-param', `${title}: padding ${[pt, pl, pb, pr].join(', ')} is more than half the ${kh}×${kw} window — windows would see only padding; use at most ${Math.floor(kh / 2)}.`, {
          param: 'padding',
          params: { variant: 'pool-padding', pads: [pt, pl, pb, pr].join(', '), window: `${kh}×${kw}`, most: Math.floor(kh / 2) },
        });
        return undefined;
      }
    }
    const hw = slideOutput(title, x[1], x[2], p, ctx);
    return hw && [x[0], hw[0], hw[1]];
  },
  macs: () => 0,
  window: (p) => ({ kernel: pair(p.kernel), stride: pair(p.stride), dilation: [1, 1] }),
  lowerOnnx(p, ctx) {
    const x = ctx.inputShapes[0];
    const pads = resolvePads(p.padding, x[1], x[2], p.kernel, p.stride);
    const geometry = {
      kernel_shape: attr.ints(pair(p.kernel)),
      strides: attr.ints(pair(p.stride)),
      pads: attr.ints(pads),
      ceil_mode: attr.i(p.ceil ? 1 : 0),
    };
    // In ceil mode, a last window that would start in the bottom/right padding is dropped (PyTorch's
    // rule, which onnxruntime's kernels follow), but ONNX's opset-17 shape inference counts it: the
    // static shape is then one row/column too big and clashes downstream (Gemm, BatchNormalization,
    // the gradient graph). A Slice to the real size fixes the static shape; at run time it is a no-op.
    const [kh, kw] = pair(p.kernel);
    const [sh, sw] = pair(p.stride);
    const onnxSize = (n: number, k: number, s: number) => Math.ceil((n - k) / s) + 1;
    const clipped = p.ceil && (onnxSize(x[1] + pads[0] + pads[2], kh, sh) !== ctx.shape[1] || onnxSize(x[2] + pads[1] + pads[3], kw, sw) !== ctx.shape[2]);
    const out = clipped ? ctx.temp('pooled') : ctx.output;
    if (p.mode === 'max') {
      ctx.node('MaxPool', [ctx.inputs[0]], [out], geometry);
    } else if (p.mode === 'avg') {
      ctx.node('AveragePool', [ctx.inputs[0]], [out], { ...geometry, count_include_pad: attr.i(p.countIncludePad ? 1 : 0) });
    } else {
      // min pooling = −maxpool(−x); padded positions are ignored as in max pooling.
      const neg = ctx.temp('neg');
      const pooled = ctx.temp('negmax');
      ctx.node('Neg', [ctx.inputs[0]], [neg]);
      ctx.node('MaxPool', [neg], [pooled], geometry);
      ctx.node('Neg', [pooled], [out]);
    }
    if (clipped) ctx.node('Slice', [out, ctx.constInt64([0, 0], 'clip_starts'), ctx.constInt64([ctx.shape[1], ctx.shape[2]], 'clip_ends'), ctx.constInt64([2, 3], 'clip_axes')], [ctx.output]);
  },
  gradOnnx(p, ctx) {
    if (!ctx.needsInputGrad[0]) return;
    const op = emitter(ctx);
    const x = ctx.inputShapes[0];
    const g: WindowGeometry = { kernel: pair(p.kernel), stride: pair(p.stride), dilation: [1, 1], pads: resolvePads(p.padding, x[1], x[2], p.kernel, p.stride), input: x, output: ctx.shape.slice(1) };
    const taps = g.kernel[0] * g.kernel[1];
    if (p.mode === 'avg') {
      // Every position of a window gets ∂y / (the window's divisor).
      const scaled = op('Div', [ctx.outputGrad, ctx.constFloat(averageDivisors(g, p.countIncludePad), [1, 1, g.output[0], g.output[1]], 'divisor')], 'dy_avg');
      ctx.inputGrad(0, placeTaps(ctx, Array(taps).fill(scaled), g, ctx.batch));
      return;
    }
    // Max (and min): ∂y goes to the first position in the window (row-major) that holds the extreme,
    // as PyTorch's argmax does on ties. Padding never wins: it is −∞ (+∞ for min).
    const seen = windowTaps(ctx, ctx.inputs[0], g, p.mode === 'max' ? -Infinity : Infinity);
    let taken: string | undefined;
    const parts = seen.map((t) => {
      const hit = op('Equal', [t, ctx.output], 'hit');
      const first = taken ? op('And', [hit, op('Not', [taken], 'free')], 'first') : hit;
      taken = taken ? op('Or', [taken, hit], 'taken') : hit;
      return op('Where', [first, ctx.outputGrad, ctx.constFloat(0)], 'routed');
    });
    ctx.inputGrad(0, placeTaps(ctx, parts, g, ctx.batch));
  },
};

/** Average pooling's divisor per output position, as PyTorch and onnxruntime count it (padding, ceil-mode overhang). */
export function averageDivisors(g: WindowGeometry, countIncludePad: boolean): number[] {
  const [, h, w] = g.input;
  const [pt, pl, pb, pr] = g.pads;
  const extent = (o: number, s: number, k: number, pad0: number, pad1: number, n: number) => {
    let start = o * s - pad0;
    let end = Math.min(start + k, n + pad1);
    const withPad = end - start;
    start = Math.max(start, 0);
    end = Math.min(end, n);
    return countIncludePad ? withPad : end - start;
  };
  const out: number[] = [];
  for (let oh = 0; oh < g.output[0]; oh++) {
    for (let ow = 0; ow < g.output[1]; ow++) {
      out.push(extent(oh, g.stride[0], g.kernel[0], pt, pb, h) * extent(ow, g.stride[1], g.kernel[1], pl, pr, w));
    }
  }
  return out;
}
