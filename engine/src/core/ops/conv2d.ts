import { z } from 'zod';
import type { OpDef, WeightSpec } from './op';
import { LIMITS, PairSchema, PaddingSchema, formatWindow, posInt, requireFeatureMap, resolvePads, slideOutput } from './common';
import { pair } from '../shape';
import { attr } from '../onnx/lowering';
import { emitter, windowTaps, type WindowGeometry } from '../train/windows';

const Params = z.object({
  filters: posInt(LIMITS.channels),
  kernel: PairSchema,
  stride: PairSchema.default(1),
  padding: PaddingSchema.default('valid'),
  dilation: PairSchema.default(1),
  groups: posInt(LIMITS.channels).default(1),
  bias: z.boolean().default(true),
});
export type Conv2DParams = z.infer<typeof Params>;

export const Conv2DOp: OpDef<Conv2DParams> = {
  type: 'Conv2D',
  title: 'Conv 2D',
  category: 'convolution',
  doc: 'Slides `filters` learned kernels over the input; each output channel is one kernel’s response map. Stride skips positions, padding adds a zero border.',
  params: Params,
  example: { filters: 16, kernel: 3, stride: 1, padding: 'same' },
  arity: { min: 1, max: 1 },
  summary: (p) => `conv ${formatWindow(p.kernel, p.stride)}, ${p.filters}` + (p.groups > 1 ? `, g${p.groups}` : ''),
  infer(inputs, p, ctx) {
    const x = inputs[0];
    if (!requireFeatureMap('Conv2D', x, ctx)) return undefined;
    const [c, h, w] = x;
    if (c % p.groups !== 0) {
      ctx.error('group-mismatch', `Conv2D: ${c} input channels cannot be split into ${p.groups} groups — groups must divide the input channels.`, { param: 'groups' });
      return undefined;
    }
    if (p.filters % p.groups !== 0) {
      ctx.error('group-mismatch', `Conv2D: ${p.filters} filters cannot be split into ${p.groups} groups — groups must divide the filter count.`, { param: 'groups' });
      return undefined;
    }
    const [sh, sw] = pair(p.stride);
    const [dh, dw] = pair(p.dilation);
    if ((sh > 1 || sw > 1) && (dh > 1 || dw > 1)) {
      ctx.error('bad-dilation', 'Conv2D: stride and dilation cannot both be above 1 (as in TensorFlow and ONNX "same" semantics) — set one of them to 1.', { param: 'dilation' });
      return undefined;
    }
    const hw = slideOutput('Conv2D', h, w, p, ctx);
    return hw && [p.filters, hw[0], hw[1]];
  },
  weights(inputs, p) {
    const [kh, kw] = pair(p.kernel);
    const cin = inputs[0][0] / p.groups;
    const fanIn = cin * kh * kw;
    const specs: WeightSpec[] = [{ name: 'kernel', shape: [p.filters, cin, kh, kw], init: 'he', fanIn, trainable: true }];
    if (p.bias) specs.push({ name: 'bias', shape: [p.filters], init: 'zeros', fanIn, trainable: true });
    return specs;
  },
  macs(inputs, out, p) {
    const [kh, kw] = pair(p.kernel);
    return out[0] * out[1] * out[2] * (inputs[0][0] / p.groups) * kh * kw;
  },
  window: (p) => ({ kernel: pair(p.kernel), stride: pair(p.stride), dilation: pair(p.dilation) }),
  lowerOnnx(p, ctx) {
    const x = ctx.inputShapes[0];
    const inputs = [ctx.inputs[0], ctx.weights.kernel];
    if (p.bias) inputs.push(ctx.weights.bias);
    ctx.node('Conv', inputs, [ctx.output], {
      kernel_shape: attr.ints(pair(p.kernel)),
      strides: attr.ints(pair(p.stride)),
      dilations: attr.ints(pair(p.dilation)),
      group: attr.i(p.groups),
      // ONNX pads are [top, left, bottom, right] for 2-D, as ours; "same" becomes explicit here.
      pads: attr.ints(resolvePads(p.padding, x[1], x[2], p.kernel, p.stride, p.dilation)),
    });
  },
  gradOnnx(p, ctx) {
    const op = emitter(ctx);
    const x = ctx.inputShapes[0];
    const [f, oh, ow] = ctx.shape;
    const n = ctx.batch;
    const g: WindowGeometry = { kernel: pair(p.kernel), stride: pair(p.stride), dilation: pair(p.dilation), pads: resolvePads(p.padding, x[1], x[2], p.kernel, p.stride, p.dilation), input: x, output: [oh, ow] };
    const [kh, kw] = g.kernel;
    const dy = ctx.outputGrad;
    if (p.bias) ctx.weightGrad('bias', op('ReduceSum', [dy, ctx.constInt64([0, 2, 3], 'axes')], 'dbias', { keepdims: attr.i(0) }));
    // ∂W: the input patches times ∂y, per group — patches [N, g, Cg·kh·kw, L] × ∂yᵀ [N, g, L, Fg], summed over N.
    const groups = p.groups;
    const cg = x[0] / groups;
    const l = oh * ow;
    const taps = windowTaps(ctx, ctx.inputs[0], g, 0);
    const stacked = taps.length === 1 ? taps[0] : op('Concat', taps.map((t) => op('Unsqueeze', [t, ctx.constInt64([2], 'axis')], 'tap_u')), 'patches', { axis: attr.i(2) });
    const patches = op('Reshape', [stacked, ctx.constInt64([n, groups, cg * kh * kw, l], 'patch_shape')], 'patches_g');
    const dyT = op('Transpose', [op('Reshape', [dy, ctx.constInt64([n, groups, f / groups, l], 'dy_shape')], 'dy_g')], 'dy_t', { perm: attr.ints([0, 1, 3, 2]) });
    const perSample = op('MatMul', [patches, dyT], 'dw_n');
    const dwT = op('ReduceSum', [perSample, ctx.constInt64([0], 'axis0')], 'dw_t', { keepdims: attr.i(0) });
    const dw = op('Transpose', [dwT], 'dw_g', { perm: attr.ints([0, 2, 1]) });
    ctx.weightGrad('kernel', op('Reshape', [dw, ctx.constInt64([f, cg, kh, kw], 'kernel_shape')], 'dkernel'));
    if (ctx.needsInputGrad[0]) {
      // ∂x: the transposed convolution of ∂y with the same kernel; output_padding restores rows a stride skipped.
      const [pt, pl, pb, pr] = g.pads;
      const covered = (o: number, s: number, k: number, d: number) => (o - 1) * s + (k - 1) * d + 1;
      const extra = [x[1] + pt + pb - covered(oh, g.stride[0], kh, g.dilation[0]), x[2] + pl + pr - covered(ow, g.stride[1], kw, g.dilation[1])];
      ctx.inputGrad(0, op('ConvTranspose', [dy, ctx.weights.kernel], 'dx', {
        kernel_shape: attr.ints(g.kernel),
        strides: attr.ints(g.stride),
        dilations: attr.ints(g.dilation),
        group: attr.i(groups),
        pads: attr.ints(g.pads),
        output_padding: attr.ints(extra),
      }));
    }
  },
};
