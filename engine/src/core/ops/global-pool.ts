import { z } from 'zod';
import type { OpDef } from './op';
import { requireFeatureMap } from './common';
import { attr } from '../onnx/lowering';
import { DataType } from '../onnx/data-type';
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
    if (p.mode === 'avg') {
      const full = ctx.constInt64([ctx.batch, c, h, w], 'in_shape');
      ctx.inputGrad(0, op('Expand', [op('Div', [ctx.outputGrad, ctx.constFloat(h * w)], 'dy_avg'), full], 'dx'));
      return;
    }
    // Max: the positions holding the maximum share ∂y equally, as the exports' reductions do (PyTorch's
    // amax, Keras's GlobalMaxPooling2D = reduce_max); without ties the one maximum gets all of it.
    const hit = op('Cast', [op('Equal', [ctx.inputs[0], ctx.output], 'is_max')], 'hit', { to: attr.i(DataType.FLOAT) });
    const count = op('ReduceSum', [hit, ctx.constInt64([2, 3], 'axes')], 'count', { keepdims: attr.i(1) });
    ctx.inputGrad(0, op('Mul', [hit, op('Div', [ctx.outputGrad, count], 'dy_share')], 'dx'));
  },
  // The window is the whole map; the receptive field rule treats it as covering everything.
};
