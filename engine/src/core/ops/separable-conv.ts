import { z } from 'zod';
import type { OpDef, Subgraph } from './op';
import { LIMITS, PairSchema, PaddingSchema, formatPair, formatWindow, posInt, requireFeatureMap, slideOutput } from './common';

const Params = z.object({
  /** Output channels (of the pointwise 1×1 convolution). */
  filters: posInt(LIMITS.channels),
  /** The depthwise kernel. */
  kernel: PairSchema.default(3),
  /** On the depthwise convolution (as Keras' SeparableConv2D). */
  stride: PairSchema.default(1),
  /** Of the depthwise convolution; "same" keeps H×W at stride 1 (Xception). */
  padding: PaddingSchema.default('same'),
  /** Depthwise filters per input channel (Keras' depth_multiplier). */
  depthMultiplier: posInt(LIMITS.channels).default(1),
  /** A bias on the pointwise convolution (Keras' default; Xception has none, a batch norm follows). */
  bias: z.boolean().default(true),
});
export type SeparableConvParams = z.infer<typeof Params>;

/**
 * A depthwise-separable convolution as Keras' SeparableConv2D (Chollet, "Xception", 2017): a
 * depthwise k×k convolution — one group per input channel, each channel filtered on its own, no
 * bias — then a pointwise 1×1 convolution mixing the channels. No batch norm or activation between
 * the two, as in Keras and Xception.
 */
export function expandSeparableConv(p: SeparableConvParams, inChannels: number): Subgraph {
  const k = formatPair(p.kernel);
  return {
    nodes: [
      {
        id: 'depthwise',
        type: 'Conv2D',
        params: { filters: inChannels * p.depthMultiplier, kernel: p.kernel, stride: p.stride, padding: p.padding, groups: inChannels, bias: false },
        inputs: [0],
        role: `depthwise: ${k} conv, each channel on its own`,
      },
      { id: 'pointwise', type: 'Conv2D', params: { filters: p.filters, kernel: 1, bias: p.bias }, inputs: ['depthwise'], role: 'pointwise: 1×1 conv mixing the channels' },
    ],
    output: 'pointwise',
  };
}

export const SeparableConvOp: OpDef<SeparableConvParams> = {
  type: 'SeparableConv',
  title: 'Separable conv',
  category: 'module',
  doc: 'A depthwise-separable convolution (Xception, MobileNet): first a depthwise k×k convolution filters each input channel on its own, then a 1×1 pointwise convolution mixes the channels. It sees the same window as a standard convolution for a fraction of its parameters and multiply-adds.',
  params: Params,
  example: { filters: 64, kernel: 3, padding: 'same' },
  arity: { min: 1, max: 1 },
  summary: (p) => `separable conv ${formatWindow(p.kernel, p.stride)}, ${p.filters}${p.depthMultiplier > 1 ? ` (×${p.depthMultiplier} depthwise)` : ''}`,
  infer(inputs, p, ctx) {
    const x = inputs[0];
    if (!requireFeatureMap('Separable conv', x, ctx)) return undefined;
    // The depthwise window's geometry, reported as this node's (its own warnings come from the depthwise conv inside).
    const hw = slideOutput('Separable conv', x[1], x[2], p, { error: (code, message, extra) => ctx.error(code, message, extra), warn: () => undefined });
    return hw && [p.filters, hw[0], hw[1]];
  },
  expand: (p, inputs) => expandSeparableConv(p, inputs[0][0]),
};
