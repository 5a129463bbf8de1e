import { z } from 'zod';
import type { OpDef } from './op';
import { PairSchema, PaddingSchema, formatWindow, requireFeatureMap, resolvePads, slideOutput } from './common';
import { pair } from '../shape';
import { attr } from '../onnx/lowering';

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
        ctx.error('invalid-param', `${title}: padding ${[pt, pl, pb, pr].join(', ')} is more than half the ${kh}×${kw} window — windows would see only padding; use at most ${Math.floor(kh / 2)}.`, { param: 'padding' });
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
    const geometry = {
      kernel_shape: attr.ints(pair(p.kernel)),
      strides: attr.ints(pair(p.stride)),
      pads: attr.ints(resolvePads(p.padding, x[1], x[2], p.kernel, p.stride)),
      ceil_mode: attr.i(p.ceil ? 1 : 0),
    };
    if (p.mode === 'max') {
      ctx.node('MaxPool', [ctx.inputs[0]], [ctx.output], geometry);
    } else if (p.mode === 'avg') {
      ctx.node('AveragePool', [ctx.inputs[0]], [ctx.output], { ...geometry, count_include_pad: attr.i(p.countIncludePad ? 1 : 0) });
    } else {
      // min pooling = −maxpool(−x); padded positions are ignored as in max pooling.
      const neg = ctx.temp('neg');
      const pooled = ctx.temp('negmax');
      ctx.node('Neg', [ctx.inputs[0]], [neg]);
      ctx.node('MaxPool', [neg], [pooled], geometry);
      ctx.node('Neg', [pooled], [ctx.output]);
    }
  },
};
