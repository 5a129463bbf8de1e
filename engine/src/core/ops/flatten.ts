import { z } from 'zod';
import type { OpDef } from './op';
import { numel } from '../shape';
import { attr } from '../onnx/lowering';

const Params = z.object({});

export const FlattenOp: OpDef<Record<string, never>> = {
  type: 'Flatten',
  title: 'Flatten',
  category: 'dense',
  doc: 'Unrolls a C×H×W feature map into one vector of C·H·W values (channel-major), so Dense layers can read it.',
  params: Params as never,
  example: {},
  arity: { min: 1, max: 1 },
  summary: () => 'flatten',
  infer: (inputs) => [numel(inputs[0])],
  macs: () => 0,
  lowerOnnx(_p, ctx) {
    ctx.node('Flatten', [ctx.inputs[0]], [ctx.output], { axis: attr.i(1) });
  },
  gradOnnx(_p, ctx) {
    if (!ctx.needsInputGrad[0]) return;
    const dx = ctx.temp('dx');
    ctx.node('Reshape', [ctx.outputGrad, ctx.constInt64([ctx.batch, ...ctx.inputShapes[0]], 'in_shape')], [dx]);
    ctx.inputGrad(0, dx);
  },
};
