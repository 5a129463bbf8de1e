import { z } from 'zod';
import type { OpDef } from './op';
import { formatShape } from '../shape';
import { attr } from '../onnx/lowering';
import { emitter } from '../train/windows';

const Params = z.object({});

export const SoftmaxOp: OpDef<Record<string, never>> = {
  type: 'Softmax',
  title: 'Softmax',
  category: 'activation',
  doc: 'Turns scores into probabilities that sum to 1 (over the vector, or over channels at each position).',
  params: Params as never,
  example: {},
  arity: { min: 1, max: 1 },
  summary: () => 'softmax',
  infer(inputs, _p, ctx) {
    const x = inputs[0];
    if (x.length !== 1 && x.length !== 3) {
      ctx.error('rank-mismatch', `Softmax expects a vector or a C×H×W map, not ${formatShape(x)}.`, { inputIndex: 0, params: { variant: 'softmax', shape: formatShape(x) } });
      return undefined;
    }
    return x;
  },
  macs: () => 0,
  lowerOnnx(_p, ctx) {
    // Axis 1 after the batch dimension: the vector, or the channels at each position of a C×H×W map.
    ctx.node('Softmax', [ctx.inputs[0]], [ctx.output], { axis: attr.i(1) });
  },
  gradOnnx(_p, ctx) {
    // ∂x = y ⊙ (∂y − Σ(∂y ⊙ y)) over axis 1. (A trailing Softmax is folded into the loss instead.)
    if (!ctx.needsInputGrad[0]) return;
    const op = emitter(ctx);
    const y = ctx.output;
    const dot = op('ReduceSum', [op('Mul', [ctx.outputGrad, y], 'dy_y'), ctx.constInt64([1], 'axis1')], 'dot', { keepdims: attr.i(1) });
    ctx.inputGrad(0, op('Mul', [y, op('Sub', [ctx.outputGrad, dot], 'centred')], 'dx'));
  },
};
