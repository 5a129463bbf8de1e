import { z } from 'zod';
import type { OpDef } from './op';
import { emitter } from '../train/windows';

const Params = z.object({ rate: z.number().min(0).max(1).default(0.5) });
export type DropoutParams = z.infer<typeof Params>;

export const DropoutOp: OpDef<DropoutParams> = {
  type: 'Dropout',
  title: 'Dropout',
  category: 'dense',
  doc: 'During training, zeroes a random share (`rate`) of values; at inference, as here, it passes its input through unchanged.',
  params: Params,
  example: { rate: 0.5 },
  arity: { min: 1, max: 1 },
  summary: (p) => `dropout ${Math.round(p.rate * 100)}%`,
  infer: (inputs) => inputs[0],
  macs: () => 0,
  lowerOnnx(_p, ctx) {
    // Inference: dropout passes its input through.
    ctx.node('Identity', [ctx.inputs[0]], [ctx.output]);
  },
  lowerTrain(p, ctx) {
    // Training: keep each value with probability 1 − rate and scale it by 1/(1 − rate), as PyTorch.
    // The uniform noise is a graph input the trainer draws from the run's seed every step.
    const op = emitter(ctx);
    const keep = op('GreaterOrEqual', [ctx.noise('uniform', ctx.shape), ctx.constFloat(p.rate)], 'keep');
    const mask = op('Mul', [op('Cast', [keep], 'keep_f', { to: { i: 1 } }), ctx.constFloat(p.rate < 1 ? 1 / (1 - p.rate) : 0)], 'mask');
    ctx.save('mask', mask);
    ctx.node('Mul', [ctx.inputs[0], mask], [ctx.output]);
  },
  gradOnnx(_p, ctx) {
    if (!ctx.needsInputGrad[0]) return;
    ctx.inputGrad(0, emitter(ctx)('Mul', [ctx.outputGrad, ctx.saved.mask], 'dx'));
  },
};
