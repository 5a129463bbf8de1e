import { z } from 'zod';
import type { OpDef } from './op';
import { ExplicitPaddingSchema, formatPads, requireFeatureMap } from './common';
import type { Pads } from '../shape';
import { attr } from '../onnx/lowering';

const Params = z.object({ padding: ExplicitPaddingSchema });
export type ZeroPad2DParams = z.infer<typeof Params>;

export function zeroPads(p: ZeroPad2DParams): Pads {
  return typeof p.padding === 'number' ? [p.padding, p.padding, p.padding, p.padding] : [...p.padding];
}

export const ZeroPad2DOp: OpDef<ZeroPad2DParams> = {
  type: 'ZeroPad2D',
  title: 'Zero padding',
  category: 'convolution',
  doc: 'Adds a border of zeros around every channel: [top, left, bottom, right] rows and columns.',
  params: Params,
  example: { padding: 1 },
  arity: { min: 1, max: 1 },
  summary: (p) => `zero pad ${formatPads(zeroPads(p))}`,
  infer(inputs, p, ctx) {
    const x = inputs[0];
    if (!requireFeatureMap('Zero padding', x, ctx)) return undefined;
    const [t, l, b, r] = zeroPads(p);
    return [x[0], x[1] + t + b, x[2] + l + r];
  },
  macs: () => 0,
  lowerOnnx(p, ctx) {
    const [t, l, b, r] = zeroPads(p);
    // ONNX Pad: all begins, then all ends, over N, C, H, W.
    ctx.node('Pad', [ctx.inputs[0], ctx.constInt64([0, 0, t, l, 0, 0, b, r], 'pads')], [ctx.output], { mode: attr.s('constant') });
  },
  gradOnnx(p, ctx) {
    if (!ctx.needsInputGrad[0]) return;
    const [t, l] = zeroPads(p);
    const [, h, w] = ctx.inputShapes[0];
    const dx = ctx.temp('dx');
    ctx.node('Slice', [ctx.outputGrad, ctx.constInt64([t, l], 'starts'), ctx.constInt64([t + h, l + w], 'ends'), ctx.constInt64([2, 3], 'axes')], [dx]);
    ctx.inputGrad(0, dx);
  },
};
