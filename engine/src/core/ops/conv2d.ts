import { z } from 'zod';
import type { OpDef, WeightSpec } from './op';
import { LIMITS, PairSchema, PaddingSchema, formatWindow, posInt, requireFeatureMap, resolvePads, slideOutput } from './common';
import { pair, type Shape } from '../shape';
import { attr } from '../onnx/lowering';
import { emitter, windowPatches, type WindowGeometry } from '../train/windows';

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

/** A depthwise convolution: one group per input channel (MobileNet, Xception), each filtering its own channel. */
export function isDepthwise(p: Pick<Conv2DParams, 'groups'>, input: Shape | undefined): boolean {
  return p.groups > 1 && input !== undefined && input.length === 3 && input[0] === p.groups;
}

export const Conv2DOp: OpDef<Conv2DParams> = {
  type: 'Conv2D',
  title: 'Conv 2D',
  category: 'convolution',
  doc: 'Slides `filters` learned kernels over the input; each output channel is one kernel’s response map. Stride skips positions, padding adds a zero border.',
  params: Params,
  example: { filters: 16, kernel: 3, stride: 1, padding: 'same' },
  arity: { min: 1, max: 1 },
  summary: (p, inputs) => (isDepthwise(p, inputs?.[0]) ? 'depthwise ' : '') + `conv ${formatWindow(p.kernel, p.stride)}, ${p.filters}` + (p.groups > 1 && !isDepthwise(p, inputs?.[0]) ? `, g${p.groups}` : ''),
  infer(inputs, p, ctx) {
    const x = inputs[0];
    if (!requireFeatureMap('Conv2D', x, ctx)) return undefined;
    const [c, h, w] = x;
    if (c % p.groups !== 0) {
      ctx.error('group-mismatch', `Conv2D: ${c} input channels cannot be split into ${p.groups} groups — groups must divide the input channels.`, { param: 'groups', params: { variant: 'channels', channels: c, groups: p.groups } });
      return undefined;
    }
    if (p.filters % p.groups !== 0) {
      ctx.error('group-mismatch', `Conv2D: ${p.filters} filters cannot be split into ${p.groups} groups — groups must divide the filter count.`, { param: 'groups', params: { variant: 'filters', filters: p.filters, groups: p.groups } });
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
    const k = kh * kw;
    const dy = ctx.outputGrad;
    const groups = p.groups;
    const cg = x[0] / groups;
    const fg = f / groups;
    const l = oh * ow;
    if (p.bias) ctx.weightGrad('bias', op('ReduceSum', [dy, ctx.constInt64([0, 2, 3], 'axes')], 'dbias', { keepdims: attr.i(0) }));
    const shape = (v: string, dims: number[], hint: string) => op('Reshape', [v, ctx.constInt64(dims, `${hint}_shape`)], hint);
    const transpose = (v: string, perm: number[], hint: string) => op('Transpose', [v], hint, { perm: attr.ints(perm) });
    if (groups === 1 && oh === 1 && ow === 1 && kh === x[1] && kw === x[2] && g.pads.every((v) => v === 0) && g.dilation.every((v) => v === 1)) {
      // One window covering the whole input (LeNet's C5, a dense layer written as a convolution):
      // the input is its own patch matrix, so both gradients are plain products with the kernel.
      const dyNf = shape(dy, [n, f], 'dy_nf');
      const xFlat = shape(ctx.inputs[0], [n, x[0] * k], 'x_flat');
      ctx.weightGrad('kernel', shape(op('MatMul', [transpose(dyNf, [1, 0], 'dy_fn'), xFlat], 'dw_fk'), [f, x[0], kh, kw], 'dkernel'));
      if (ctx.needsInputGrad[0]) ctx.inputGrad(0, shape(op('MatMul', [dyNf, shape(ctx.weights.kernel, [f, x[0] * k], 'w_fk')], 'dx_flat'), [n, ...x], 'dx'));
      return;
    }
    // ∂W = ∂y·patchesᵀ, per group, with patches channel-major ([N, C·kh·kw, L], the kernel's own
    // order, so no reordering after). When the output map is smaller than the filter count (C5: 1×1)
    // the batch folds into one product; otherwise one product per sample, summed over the batch.
    const patches = windowPatches(ctx, ctx.inputs[0], g);
    if (groups === 1 && l < f) {
      const dyFlat = shape(transpose(shape(dy, [n, f, l], 'dy_nfl'), [1, 0, 2], 'dy_fnl'), [f, n * l], 'dy_flat');
      const patchesFlat = shape(transpose(shape(patches, [n, x[0] * k, l], 'patches_nkl'), [0, 2, 1], 'patches_nlk'), [n * l, x[0] * k], 'patches_flat');
      ctx.weightGrad('kernel', shape(op('MatMul', [dyFlat, patchesFlat], 'dw_fk'), [f, x[0], kh, kw], 'dkernel'));
    } else if (fg < 16) {
      // Few filters (LeNet's C1): ∂y is the product's left side; a right side under 16 columns
      // would leave most of the GEMM kernel's vector lanes idle.
      const patchesT = transpose(shape(patches, [n, groups, cg * k, l], 'patches_g'), [0, 1, 3, 2], 'patches_t');
      const dw = op('ReduceSum', [op('MatMul', [shape(dy, [n, groups, fg, l], 'dy_g'), patchesT], 'dw_n'), ctx.constInt64([0], 'axis0')], 'dw_g', { keepdims: attr.i(0) });
      ctx.weightGrad('kernel', shape(dw, [f, cg, kh, kw], 'dkernel'));
    } else {
      // The patches are the product's left side, read in place: onnxruntime's GEMM packs its right
      // side, and packing ∂yᵀ (L×F) costs a ninth of packing the patches (L×C·kh·kw) — ResNet-20's
      // weight-gradient products 31 → 22 ms a step. The batch is summed by a product with ones (a GEMV),
      // half the time of ReduceSum over the leading axis.
      const dyT = transpose(shape(dy, [n, groups, fg, l], 'dy_g'), [0, 1, 3, 2], 'dy_t');
      const perSample = shape(op('MatMul', [shape(patches, [n, groups, cg * k, l], 'patches_g'), dyT], 'dw_n'), [n, groups * cg * k * fg], 'dw_rows');
      const dwT = shape(op('MatMul', [ctx.constFloat(new Array(n).fill(1), [1, n], 'ones'), perSample], 'dw_sum'), [groups, cg * k, fg], 'dw_g');
      ctx.weightGrad('kernel', shape(transpose(dwT, [0, 2, 1], 'dw_t'), [f, cg, kh, kw], 'dkernel'));
    }
    if (!ctx.needsInputGrad[0]) return;
    const [pt, pl, pb, pr] = g.pads;
    const [dh, dw] = g.dilation;
    const flippedPads = [(kh - 1) * dh - pt, (kw - 1) * dw - pl, (kh - 1) * dh - pb, (kw - 1) * dw - pr];
    const halfKernel = [Math.floor(((kh - 1) * dh) / 2), Math.floor(((kw - 1) * dw) / 2)];
    if (g.stride[0] === 1 && g.stride[1] === 1 && flippedPads.every((v, i) => v >= 0 && v <= halfKernel[i % 2])) {
      // Stride 1, padded about "same": ∂x is a plain convolution of ∂y with the kernel flipped and its
      // in/out channels swapped (per group) — about half the time of ConvTranspose on onnxruntime's
      // CPU kernels (ResNet-20: 240 → 190 ms a step). Unpadded convolutions (LeNet's 5×5) would need
      // a wide border around a small ∂y, where ConvTranspose is faster.
      const swapped = shape(transpose(shape(ctx.weights.kernel, [groups, fg, cg, kh, kw], 'w_g'), [0, 2, 1, 3, 4], 'w_swapped'), [x[0], fg, kh, kw], 'w_cf');
      const flipped = op('Slice', [swapped, ctx.constInt64([-1, -1], 'flip_start'), ctx.constInt64([-(2 ** 62), -(2 ** 62)], 'flip_end'), ctx.constInt64([2, 3], 'flip_axes'), ctx.constInt64([-1, -1], 'flip_steps')], 'w_flipped');
      ctx.inputGrad(0, op('Conv', [dy, flipped], 'dx', { kernel_shape: attr.ints(g.kernel), dilations: attr.ints(g.dilation), group: attr.i(groups), pads: attr.ints(flippedPads) }));
      return;
    }
    // Strided: the transposed convolution of ∂y with the same kernel; output_padding restores rows a stride skipped.
    const covered = (o: number, s: number, kk: number, d: number) => (o - 1) * s + (kk - 1) * d + 1;
    const extra = [x[1] + pt + pb - covered(oh, g.stride[0], kh, dh), x[2] + pl + pr - covered(ow, g.stride[1], kw, dw)];
    ctx.inputGrad(0, op('ConvTranspose', [dy, ctx.weights.kernel], 'dx', {
      kernel_shape: attr.ints(g.kernel),
      strides: attr.ints(g.stride),
      dilations: attr.ints(g.dilation),
      group: attr.i(groups),
      pads: attr.ints(g.pads),
      output_padding: attr.ints(extra),
    }));
  },
};
