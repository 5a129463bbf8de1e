import { z } from 'zod';
import type { OpDef } from './op';
import { formatShape } from '../shape';
import { attr } from '../onnx/lowering';

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
      ctx.error('rank-mismatch', `Softmax expects a vector or a C×H×W map, not ${formatShape(x)}.`, { inputIndex: 0 });
      return undefined;
    }
    return x;
  },
  macs: () => 0,
  lowerOnnx(_p, ctx) {
    // Axis 1 after the batch dimension: the vector, or the channels at each position of a C×H×W map.
    ctx.node('Softmax', [ctx.inputs[0]], [ctx.output], { axis: attr.i(1) });
  },
};
