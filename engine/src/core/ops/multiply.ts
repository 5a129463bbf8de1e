import { z } from 'zod';
import type { OpDef } from './op';
import { formatShape, sameShape } from '../shape';

const Params = z.object({});

export const MultiplyOp: OpDef<Record<string, never>> = {
  type: 'Multiply',
  title: 'Multiply',
  category: 'merge',
  doc: 'Multiplies its two inputs element by element — a gate when one of them is squashed to [0, 1] (a sigmoid). Both inputs must have the same shape; to scale each channel of a map by one number, use Channel scale.',
  params: Params as never,
  example: {},
  arity: { min: 2, max: 2 },
  summary: () => 'multiply',
  infer(inputs, _p, ctx) {
    const [a, b] = inputs;
    if (!sameShape(a, b)) {
      const gate = a.length === 3 && b.length === 3 && b[1] === 1 && b[2] === 1 && b[0] === a[0];
      ctx.error(
        'multiply-shape-mismatch',
        `Multiply: inputs ${formatShape(a)} and ${formatShape(b)} differ — ` +
          (gate ? 'input 2 is one value per channel: use a Channel scale node to multiply each channel of the map by it.' : 'both inputs must have the same shape; match their filters and strides.'),
        { inputIndex: 1, params: { ...(gate ? { variant: 'gate' } : {}), a: formatShape(a), b: formatShape(b) } },
      );
      return undefined;
    }
    return a;
  },
  macs: () => 0,
  lowerOnnx(_p, ctx) {
    ctx.node('Mul', ctx.inputs, [ctx.output]);
  },
  gradOnnx(_p, ctx) {
    // ∂a = ∂y·b, ∂b = ∂y·a
    const [a, b] = ctx.inputs;
    ctx.inputs.forEach((_, i) => {
      if (!ctx.needsInputGrad[i]) return;
      const d = ctx.temp(`d${i}`);
      ctx.node('Mul', [ctx.outputGrad, i === 0 ? b : a], [d]);
      ctx.inputGrad(i, d);
    });
  },
};
