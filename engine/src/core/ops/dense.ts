import { z } from 'zod';
import type { OpDef, WeightSpec } from './op';
import { LIMITS, posInt } from './common';
import { formatShape } from '../shape';
import { attr } from '../onnx/lowering';
import { emitter } from '../train/windows';

const Params = z.object({ units: posInt(1 << 20), bias: z.boolean().default(true) });
export type DenseParams = z.infer<typeof Params>;

/** Dense accepts a vector [N], or a C×1×1 map (what global pooling gives), which it reads as [C]. */
export function denseInputSize(x: readonly number[]): number | undefined {
  if (x.length === 1) return x[0];
  if (x.length === 3 && x[1] === 1 && x[2] === 1) return x[0];
  return undefined;
}

export const DenseOp: OpDef<DenseParams> = {
  type: 'Dense',
  title: 'Dense',
  category: 'dense',
  doc: 'Fully connected: every output unit is a weighted sum of every input value (plus a bias).',
  params: Params,
  example: { units: 10 },
  arity: { min: 1, max: 1 },
  summary: (p) => `dense ${p.units}`,
  infer(inputs, p, ctx) {
    const n = denseInputSize(inputs[0]);
    if (n === undefined) {
      ctx.error('dense-needs-flatten', `Dense needs a flat vector, but its input is ${formatShape(inputs[0])} — insert a Flatten before it (or a global pool).`, {
        inputIndex: 0,
        params: { shape: formatShape(inputs[0]) },
      });
      return undefined;
    }
    if (n * p.units > LIMITS.activationBytes / 4) {
      ctx.error('too-large', `Dense: ${n.toLocaleString('en-US')} inputs × ${p.units.toLocaleString('en-US')} units is over 4 billion weights — reduce the input first (pooling, global pooling).`, {
        param: 'units',
        params: { variant: 'dense', inputs: n, units: p.units },
      });
      return undefined;
    }
    return [p.units];
  },
  weights(inputs, p) {
    const n = denseInputSize(inputs[0])!;
    const specs: WeightSpec[] = [{ name: 'kernel', shape: [p.units, n], init: 'he', fanIn: n, trainable: true }];
    if (p.bias) specs.push({ name: 'bias', shape: [p.units], init: 'zeros', fanIn: n, trainable: true });
    return specs;
  },
  macs: (inputs, _out, p) => denseInputSize(inputs[0])! * p.units,
  lowerOnnx(p, ctx) {
    let x = ctx.inputs[0];
    if (ctx.inputShapes[0].length !== 1) {
      // C×1×1 (after global pooling) is read as a vector of C.
      const flat = ctx.temp('flat');
      ctx.node('Flatten', [x], [flat], { axis: attr.i(1) });
      x = flat;
    }
    const inputs = [x, ctx.weights.kernel];
    if (p.bias) inputs.push(ctx.weights.bias);
    // kernel is [units, inputs] (PyTorch layout): y = x·Wᵀ + b.
    ctx.node('Gemm', inputs, [ctx.output], { transB: attr.i(1) });
  },
  gradOnnx(p, ctx) {
    const op = emitter(ctx);
    const dy = ctx.outputGrad;
    const map = ctx.inputShapes[0].length !== 1;
    const x = map ? op('Flatten', [ctx.inputs[0]], 'flat', { axis: attr.i(1) }) : ctx.inputs[0];
    ctx.weightGrad('kernel', op('Gemm', [dy, x], 'dkernel', { transA: attr.i(1) }));
    if (p.bias) ctx.weightGrad('bias', op('ReduceSum', [dy, ctx.constInt64([0], 'axis0')], 'dbias', { keepdims: attr.i(0) }));
    if (ctx.needsInputGrad[0]) {
      const dx = op('MatMul', [dy, ctx.weights.kernel], 'dx');
      ctx.inputGrad(0, map ? op('Reshape', [dx, ctx.constInt64([ctx.batch, ...ctx.inputShapes[0]], 'in_shape')], 'dx_map') : dx);
    }
  },
};
