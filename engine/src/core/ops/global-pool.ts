import { z } from 'zod';
import type { OpDef } from './op';
import { requireFeatureMap } from './common';
import { attr } from '../onnx/lowering';
import { emitter } from '../train/windows';

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
  gradOnnx(p, ctx) {
    if (!ctx.needsInputGrad[0]) return;
    const op = emitter(ctx);
    const [c, h, w] = ctx.inputShapes[0];
    const full = ctx.constInt64([ctx.batch, c, h, w], 'in_shape');
    if (p.mode === 'avg') {
      ctx.inputGrad(0, op('Expand', [op('Div', [ctx.outputGrad, ctx.constFloat(h * w)], 'dy_avg'), full], 'dx'));
      return;
    }
    // Max: the first position holding the maximum (as argmax) gets ∂y.
    const flat = op('Reshape', [ctx.inputs[0], ctx.constInt64([ctx.batch, c, h * w], 'flat_shape')], 'flat');
    const first = op('ArgMax', [flat], 'argmax', { axis: attr.i(2), keepdims: attr.i(1) });
    const hit = op('Equal', [ctx.constInt64(Array.from({ length: h * w }, (_, i) => i), 'positions'), first], 'hit');
    const dy = op('Reshape', [ctx.outputGrad, ctx.constInt64([ctx.batch, c, 1], 'dy_shape')], 'dy');
    ctx.inputGrad(0, op('Reshape', [op('Where', [hit, dy, ctx.constFloat(0)], 'routed'), full], 'dx'));
  },
  // The window is the whole map; the receptive field rule treats it as covering everything.
};
