import { z } from 'zod';
import type { OpDef } from './op';
import { requireFeatureMap } from './common';
import { attr } from '../onnx/lowering';

const Params = z.object({
  size: z.number().int().positive().max(1023).refine((n) => n % 2 === 1, 'LRN size must be odd (the window is centred on each channel), e.g. 5').default(5),
  alpha: z.number().finite().nonnegative().default(1e-4),
  beta: z.number().finite().nonnegative().default(0.75),
  bias: z.number().finite().positive().default(1),
});
export type LRNParams = z.infer<typeof Params>;

export const LRNOp: OpDef<LRNParams> = {
  type: 'LRN',
  title: 'Local response norm',
  category: 'normalisation',
  doc: 'Divides each value by a power of the sum of squares over `size` neighbouring channels at the same position: b = a / (bias + α/size · Σa²)^β (AlexNet, GoogLeNet).',
  params: Params,
  example: { size: 5 },
  arity: { min: 1, max: 1 },
  summary: (p) => `LRN ${p.size}`,
  infer(inputs, _p, ctx) {
    if (!requireFeatureMap('LRN', inputs[0], ctx)) return undefined;
    return inputs[0];
  },
  macs: () => 0,
  lowerOnnx(p, ctx) {
    // ONNX LRN computes x / (bias + alpha/size · Σx²)^beta — alpha is divided by size there, as in our formula.
    ctx.node('LRN', [ctx.inputs[0]], [ctx.output], { size: attr.i(p.size), alpha: attr.f(p.alpha), beta: attr.f(p.beta), bias: attr.f(p.bias) });
  },
};
