import { z } from 'zod';
import type { OpDef } from './op';
import { LIMITS, requireFeatureMap } from './common';

const Params = z.object({
  /** The first channel kept (0-based). */
  start: z.number().int().nonnegative().max(LIMITS.channels).default(0),
  /** One past the last channel kept. */
  end: z.number().int().positive().max(LIMITS.channels),
});
export type ChannelSliceParams = z.infer<typeof Params>;

export const ChannelSliceOp: OpDef<ChannelSliceParams> = {
  type: 'ChannelSlice',
  title: 'Channel slice',
  category: 'convolution',
  doc: 'Keeps the channels from `start` up to (not including) `end` — ShuffleNet splits a map in two this way, sends one half through a branch and concatenates the halves again. No weights.',
  params: Params,
  example: { start: 0, end: 8 },
  arity: { min: 1, max: 1 },
  summary: (p) => `channels ${p.start}:${p.end}`,
  infer(inputs, p, ctx) {
    const x = inputs[0];
    if (!requireFeatureMap('Channel slice', x, ctx)) return undefined;
    if (p.start >= p.end) {
      ctx.error('invalid-param', `Channel slice: start ${p.start} is not below end ${p.end} — no channel would be kept; make end larger than start.`, { param: 'end', params: { variant: 'slice-empty', start: p.start, end: p.end } });
      return undefined;
    }
    if (p.end > x[0]) {
      ctx.error('invalid-param', `Channel slice: channels ${p.start}:${p.end} run past the input's ${x[0]} channels — set end to at most ${x[0]}.`, {
        param: 'end',
        params: { variant: 'slice-past', start: p.start, end: p.end, channels: x[0] },
      });
      return undefined;
    }
    return [p.end - p.start, x[1], x[2]];
  },
  macs: () => 0,
  lowerOnnx(p, ctx) {
    ctx.node('Slice', [ctx.inputs[0], ctx.constInt64([p.start], 'starts'), ctx.constInt64([p.end], 'ends'), ctx.constInt64([1], 'axes')], [ctx.output]);
  },
  gradOnnx(p, ctx) {
    if (!ctx.needsInputGrad[0]) return;
    // ∂y back in its place, zeros for the channels left out.
    const c = ctx.inputShapes[0][0];
    const dx = ctx.temp('dx');
    ctx.node('Pad', [ctx.outputGrad, ctx.constInt64([0, p.start, 0, 0, 0, c - p.end, 0, 0], 'pads')], [dx]);
    ctx.inputGrad(0, dx);
  },
};
