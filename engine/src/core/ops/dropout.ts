import { z } from 'zod';
import type { OpDef } from './op';

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
};
