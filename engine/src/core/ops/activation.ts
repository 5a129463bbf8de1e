import { z } from 'zod';
import type { OpDef } from './op';
import { attr } from '../onnx/lowering';

const ONNX_OPS = { relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh', identity: 'Identity' } as const;

const Params = z.object({
  fn: z.enum(['relu', 'leaky_relu', 'sigmoid', 'tanh', 'identity']).default('relu'),
  /** Slope for negative inputs (leaky_relu). */
  alpha: z.number().finite().default(0.01),
});
export type ActivationParams = z.infer<typeof Params>;

const LABELS = { relu: 'ReLU', leaky_relu: 'leaky ReLU', sigmoid: 'sigmoid', tanh: 'tanh', identity: 'identity' } as const;

export const ActivationOp: OpDef<ActivationParams> = {
  type: 'Activation',
  title: 'Activation',
  category: 'activation',
  doc: 'Applies a non-linearity to every value: ReLU keeps positives and zeroes negatives.',
  params: Params,
  example: { fn: 'relu' },
  arity: { min: 1, max: 1 },
  summary: (p) => (p.fn === 'leaky_relu' ? `leaky ReLU ${p.alpha}` : LABELS[p.fn]),
  infer: (inputs) => inputs[0],
  macs: () => 0,
  lowerOnnx(p, ctx) {
    if (p.fn === 'leaky_relu') ctx.node('LeakyRelu', [ctx.inputs[0]], [ctx.output], { alpha: attr.f(p.alpha) });
    else ctx.node(ONNX_OPS[p.fn], [ctx.inputs[0]], [ctx.output]);
  },
};
