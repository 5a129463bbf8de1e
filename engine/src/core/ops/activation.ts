import { z } from 'zod';
import type { OpDef } from './op';
import { attr } from '../onnx/lowering';
import { emitter } from '../train/windows';

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
  gradOnnx(p, ctx) {
    if (!ctx.needsInputGrad[0]) return;
    const op = emitter(ctx);
    const [dy, x, y] = [ctx.outputGrad, ctx.inputs[0], ctx.output];
    switch (p.fn) {
      case 'relu': // y > 0 where x > 0: sign(y) is the 0/1 mask (faster than Where).
        return ctx.inputGrad(0, op('Mul', [dy, op('Sign', [y], 'mask')], 'dx'));
      case 'leaky_relu': {
        const slope = op('Where', [op('Greater', [x, ctx.constFloat(0)], 'positive'), ctx.constFloat(1), ctx.constFloat(p.alpha)], 'slope');
        return ctx.inputGrad(0, op('Mul', [dy, slope], 'dx'));
      }
      case 'sigmoid': // σ' = y(1 − y)
        return ctx.inputGrad(0, op('Mul', [dy, op('Mul', [y, op('Sub', [ctx.constFloat(1), y], 'one_minus_y')], 'dsig')], 'dx'));
      case 'tanh': // tanh' = 1 − y²
        return ctx.inputGrad(0, op('Mul', [dy, op('Sub', [ctx.constFloat(1), op('Mul', [y, y], 'y2')], 'dtanh')], 'dx'));
      case 'identity':
        return ctx.inputGrad(0, dy);
    }
  },
};
