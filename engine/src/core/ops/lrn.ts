import { z } from 'zod';
import type { OpDef } from './op';
import { requireFeatureMap } from './common';
import { attr } from '../onnx/lowering';
import { emitter } from '../train/windows';

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
  gradOnnx(p, ctx) {
    // With s = bias + α/size · Σ_window x² and y = x · s^−β:
    // ∂x = ∂y · s^−β − (2αβ/size) · x · Σ_window(∂y · y / s)   (the window is symmetric: size is odd).
    if (!ctx.needsInputGrad[0]) return;
    const op = emitter(ctx);
    const [c, h, w] = ctx.inputShapes[0];
    const half = (p.size - 1) / 2;
    const asColumn = ctx.constInt64([ctx.batch, 1, c, h * w], 'column_shape');
    const back = ctx.constInt64([ctx.batch, c, h, w], 'map_shape');
    const ones = ctx.constFloat(Array(p.size).fill(1), [1, 1, p.size, 1], 'window');
    const windowSum = (v: string, hint: string) =>
      op('Reshape', [op('Conv', [op('Reshape', [v, asColumn], `${hint}_col`), ones], `${hint}_conv`, { kernel_shape: attr.ints([p.size, 1]), pads: attr.ints([half, 0, half, 0]) }), back], hint);
    const x = ctx.inputs[0];
    const s = op('Add', [op('Mul', [windowSum(op('Mul', [x, x], 'x2'), 'sum_x2'), ctx.constFloat(p.alpha / p.size)], 'scaled_sum'), ctx.constFloat(p.bias)], 's');
    const direct = op('Mul', [ctx.outputGrad, op('Pow', [s, ctx.constFloat(-p.beta)], 's_pow')], 'direct');
    const spread = windowSum(op('Div', [op('Mul', [ctx.outputGrad, ctx.output], 'dy_y'), s], 'dy_y_s'), 'spread');
    const cross = op('Mul', [op('Mul', [x, spread], 'x_spread'), ctx.constFloat((2 * p.alpha * p.beta) / p.size)], 'cross');
    ctx.inputGrad(0, op('Sub', [direct, cross], 'dx'));
  },
};
