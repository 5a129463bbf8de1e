import { z } from 'zod';
import type { OpDef } from './op';
import { requireFeatureMap } from './common';

const Params = z.object({ mode: z.enum(['avg', 'max']).default('avg') });
export type GlobalPoolParams = z.infer<typeof Params>;

export const GlobalPoolOp: OpDef<GlobalPoolParams> = {
  type: 'GlobalPool',
  title: 'Global pool',
  category: 'pooling',
  doc: 'Reduces each channel to one number (its average or maximum over all positions): C×H×W becomes C×1×1.',
  params: Params,
  example: { mode: 'avg' },
  arity: { min: 1, max: 1 },
  summary: (p) => `global ${p.mode} pool`,
  infer(inputs, _p, ctx) {
    const x = inputs[0];
    if (!requireFeatureMap('Global pooling', x, ctx)) return undefined;
    return [x[0], 1, 1];
  },
  macs: () => 0,
  lowerOnnx(p, ctx) {
    ctx.node(p.mode === 'max' ? 'GlobalMaxPool' : 'GlobalAveragePool', [ctx.inputs[0]], [ctx.output]);
  },
  // The window is the whole map; the receptive field rule treats it as covering everything.
};
