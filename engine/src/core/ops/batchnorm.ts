import { z } from 'zod';
import type { OpDef } from './op';
import { attr } from '../onnx/lowering';

const Params = z.object({ epsilon: z.number().positive().max(1).default(1e-5) });
export type BatchNormParams = z.infer<typeof Params>;

export const BatchNormOp: OpDef<BatchNormParams> = {
  type: 'BatchNorm',
  title: 'Batch norm',
  category: 'normalisation',
  doc: 'Normalises each channel with its running mean and variance, then scales and shifts it by a learned γ and β.',
  params: Params,
  example: {},
  arity: { min: 1, max: 1 },
  summary: () => 'batch norm',
  infer: (inputs) => inputs[0],
  weights(inputs) {
    const c = inputs[0][0];
    return [
      { name: 'scale', shape: [c], init: 'ones', fanIn: 1, trainable: true },
      { name: 'bias', shape: [c], init: 'zeros', fanIn: 1, trainable: true },
      { name: 'mean', shape: [c], init: 'zeros', fanIn: 1, trainable: false },
      { name: 'var', shape: [c], init: 'ones', fanIn: 1, trainable: false },
    ];
  },
  macs: () => 0,
  lowerOnnx(p, ctx) {
    const w = ctx.weights;
    ctx.node('BatchNormalization', [ctx.inputs[0], w.scale, w.bias, w.mean, w.var], [ctx.output], { epsilon: attr.f(p.epsilon) });
  },
};
