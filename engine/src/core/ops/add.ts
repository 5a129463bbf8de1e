import { z } from 'zod';
import type { OpDef } from './op';
import { formatShape, sameShape } from '../shape';

const Params = z.object({});

export const AddOp: OpDef<Record<string, never>> = {
  type: 'Add',
  title: 'Add (skip connection)',
  category: 'merge',
  doc: 'Adds its inputs element by element — a skip connection when one input comes from further back. All inputs must have the same shape.',
  params: Params as never,
  example: {},
  arity: { min: 2, max: 64 },
  summary: () => 'add',
  infer(inputs, _p, ctx) {
    const first = inputs[0];
    for (let i = 1; i < inputs.length; i++) {
      if (!sameShape(first, inputs[i])) {
        ctx.error(
          'add-shape-mismatch',
          `Add: inputs ${formatShape(first)} and ${formatShape(inputs[i])} differ — add a 1×1 projection (Conv2D 1×1, stride to match) on the shortcut.`,
          { inputIndex: i, params: { a: formatShape(first), b: formatShape(inputs[i]) } },
        );
        return undefined;
      }
    }
    return first;
  },
  macs: () => 0,
  lowerOnnx(_p, ctx) {
    ctx.node(ctx.inputs.length === 2 ? 'Add' : 'Sum', ctx.inputs, [ctx.output]);
  },
  gradOnnx(_p, ctx) {
    // Every input receives ∂y unchanged; where a value fans out, the gradients meeting there are summed.
    ctx.inputs.forEach((_, i) => ctx.needsInputGrad[i] && ctx.inputGrad(i, ctx.outputGrad));
  },
};
