import { z } from 'zod';
import type { OpDef } from './op';
import { LIMITS, posInt, requireFeatureMap } from './common';
import type { Shape } from '../shape';
import { attr, type OnnxLoweringContext } from '../onnx/lowering';
import { emitter } from '../train/windows';

const Params = z.object({
  /** The groups of the grouped convolution before it: channel i·(C/g) + j moves to j·g + i. */
  groups: posInt(LIMITS.channels).default(2),
});
export type ChannelShuffleParams = z.infer<typeof Params>;

/** [N, C, H, W] viewed as [N, a, C/a, H, W], the two group axes swapped, and viewed back: ONNX Reshape/Transpose/Reshape. */
function lowerShuffle(ctx: OnnxLoweringContext, x: string, out: string, [c, h, w]: Shape, a: number): void {
  const op = emitter(ctx);
  // Reshape's 0 copies the batch dimension, so one graph serves every batch size.
  const split = op('Reshape', [x, ctx.constInt64([0, a, c / a, h, w], 'split_shape')], 'split');
  const swapped = op('Transpose', [split], 'swapped', { perm: attr.ints([0, 2, 1, 3, 4]) });
  ctx.node('Reshape', [swapped, ctx.constInt64([0, c, h, w], 'map_shape')], [out]);
}

export const ChannelShuffleOp: OpDef<ChannelShuffleParams> = {
  type: 'ChannelShuffle',
  title: 'Channel shuffle',
  category: 'convolution',
  doc: 'Interleaves the channels of `groups` groups (ShuffleNet), so the next grouped convolution sees channels from every group: with 2 groups of 3, channels 0 1 2 | 3 4 5 become 0 3 1 4 2 5. No weights.',
  params: Params,
  example: { groups: 2 },
  arity: { min: 1, max: 1 },
  summary: (p) => `channel shuffle, ${p.groups} groups`,
  infer(inputs, p, ctx) {
    const x = inputs[0];
    if (!requireFeatureMap('Channel shuffle', x, ctx)) return undefined;
    if (x[0] % p.groups !== 0) {
      ctx.error('group-mismatch', `Channel shuffle: ${x[0]} channels cannot be split into ${p.groups} groups — groups must divide the channel count (use the groups of the convolution before it).`, {
        param: 'groups',
        params: { variant: 'shuffle', channels: x[0], groups: p.groups },
      });
      return undefined;
    }
    return x;
  },
  macs: () => 0,
  lowerOnnx(p, ctx) {
    lowerShuffle(ctx, ctx.inputs[0], ctx.output, ctx.inputShapes[0], p.groups);
  },
  gradOnnx(p, ctx) {
    if (!ctx.needsInputGrad[0]) return;
    // A shuffle of g groups is undone by a shuffle of C/g groups.
    const x = ctx.inputShapes[0];
    const dx = ctx.temp('dx');
    lowerShuffle(ctx, ctx.outputGrad, dx, x, x[0] / p.groups);
    ctx.inputGrad(0, dx);
  },
};
