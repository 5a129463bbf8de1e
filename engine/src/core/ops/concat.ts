import { z } from 'zod';
import type { OpDef } from './op';
import { formatShape } from '../shape';
import { attr } from '../onnx/lowering';

const Params = z.object({});

export const ConcatOp: OpDef<Record<string, never>> = {
  type: 'Concat',
  title: 'Concat',
  category: 'merge',
  doc: 'Stacks its inputs along the channel axis, in port order: all must share H×W; channels add up.',
  params: Params as never,
  example: {},
  arity: { min: 2, max: 64 },
  summary: () => 'concat',
  infer(inputs, _p, ctx) {
    const first = inputs[0];
    if (first.length === 1) {
      if (inputs.every((s) => s.length === 1)) return [inputs.reduce((n, s) => n + s[0], 0)];
    }
    for (let i = 0; i < inputs.length; i++) {
      const s = inputs[i];
      if (s.length !== 3 || first.length !== 3) {
        ctx.error('rank-mismatch', `Concat: input ${i + 1} is ${formatShape(s)} but input 1 is ${formatShape(first)} — all inputs must be C×H×W maps (or all vectors).`, {
          inputIndex: i,
          params: { variant: 'concat', index: i + 1, shape: formatShape(s), first: formatShape(first) },
        });
        return undefined;
      }
      if (s[1] !== first[1] || s[2] !== first[2]) {
        ctx.error(
          'concat-hw-mismatch',
          `Concat: input ${i + 1} is ${formatShape(s)} but input 1 is ${formatShape(first)} — concatenated maps must have the same height and width (${first[1]}×${first[2]} vs ${s[1]}×${s[2]}); adjust the stride or padding of one branch.`,
          { inputIndex: i, params: { index: i + 1, shape: formatShape(s), first: formatShape(first), hw: `${s[1]}×${s[2]}`, firstHw: `${first[1]}×${first[2]}` } },
        );
        return undefined;
      }
    }
    return [inputs.reduce((n, s) => n + s[0], 0), first[1], first[2]];
  },
  macs: () => 0,
  lowerOnnx(_p, ctx) {
    ctx.node('Concat', ctx.inputs, [ctx.output], { axis: attr.i(1) });
  },
  gradOnnx(_p, ctx) {
    // Each input gets its slice of ∂y along the channel (or vector) axis.
    const parts = ctx.inputs.map((_, i) => ctx.temp(`d${i}`));
    ctx.node('Split', [ctx.outputGrad, ctx.constInt64(ctx.inputShapes.map((s) => s[0]), 'sizes')], parts, { axis: attr.i(1) });
    parts.forEach((part, i) => ctx.needsInputGrad[i] && ctx.inputGrad(i, part));
  },
};
