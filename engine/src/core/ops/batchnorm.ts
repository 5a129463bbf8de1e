import { z } from 'zod';
import type { OpDef } from './op';
import { attr } from '../onnx/lowering';
import { numel } from '../shape';
import { emitter } from '../train/windows';

/** Running statistics move this far towards each training batch's (PyTorch's default momentum). */
export const BATCHNORM_MOMENTUM = 0.1;

const Params = z.object({ epsilon: z.number().positive().max(1).default(1e-5) });
export type BatchNormParams = z.infer<typeof Params>;

export const BatchNormOp: OpDef<BatchNormParams> = {
  type: 'BatchNorm',
  title: 'Batch norm',
  category: 'normalisation',
  doc: 'Normalises each channel with its running mean and variance, then scales and shifts it by a learned γ and β.',
  params: Params,
  example: {},
  arity: { min: 1, max: 1 },
  summary: () => 'batch norm',
  infer: (inputs) => inputs[0],
  weights(inputs) {
    const c = inputs[0][0];
    return [
      { name: 'scale', shape: [c], init: 'ones', fanIn: 1, trainable: true },
      { name: 'bias', shape: [c], init: 'zeros', fanIn: 1, trainable: true },
      { name: 'mean', shape: [c], init: 'zeros', fanIn: 1, trainable: false },
      { name: 'var', shape: [c], init: 'ones', fanIn: 1, trainable: false },
    ];
  },
  macs: () => 0,
  lowerOnnx(p, ctx) {
    const w = ctx.weights;
    if (ctx.calibrate) {
      // Live inference without trained statistics (core/weights/calibration.ts): each channel is
      // normalised by its own mean and biased variance over H×W — for one image (compileOnnx
      // calibrates batch 1 only), what PyTorch's batch norm computes in training mode, and exactly
      // ONNX's InstanceNormalization.
      ctx.node('InstanceNormalization', [ctx.inputs[0], w.scale, w.bias], [ctx.output], { epsilon: attr.f(p.epsilon) });
      return;
    }
    ctx.node('BatchNormalization', [ctx.inputs[0], w.scale, w.bias, w.mean, w.var], [ctx.output], { epsilon: attr.f(p.epsilon) });
  },
  lowerTrain(p, ctx) {
    // Training: normalise with the batch's statistics (biased variance) and move the running ones
    // (unbiased variance), as PyTorch. Written in element-wise ops: BatchNormalization's training
    // mode writes its statistics into its input buffers.
    const op = emitter(ctx);
    const x = ctx.inputs[0];
    const s = ctx.inputShapes[0];
    const c = s[0];
    const axes = s.length === 3 ? [0, 2, 3] : [0];
    const reduce = { axes: attr.ints(axes), keepdims: attr.i(1) };
    const channel = ctx.constInt64(s.length === 3 ? [1, c, 1, 1] : [1, c], 'channel_shape');
    const w = ctx.weights;
    const mean = op('ReduceMean', [x], 'batch_mean', reduce);
    const centred = op('Sub', [x, mean], 'centred');
    const variance = op('ReduceMean', [op('Mul', [centred, centred], 'sq')], 'batch_var', reduce);
    const invStd = op('Reciprocal', [op('Sqrt', [op('Add', [variance, ctx.constFloat(p.epsilon)], 'var_eps')], 'std')], 'inv_std');
    const xhat = op('Mul', [centred, invStd], 'xhat');
    const gamma = op('Reshape', [w.scale, channel], 'gamma');
    ctx.node('Add', [op('Mul', [xhat, gamma], 'scaled'), op('Reshape', [w.bias, channel], 'beta')], [ctx.output]);
    ctx.save('xhat', xhat);
    ctx.save('invStd', invStd);
    ctx.save('gamma', gamma);
    const m = ctx.batch * (numel(s) / c);
    const flat = ctx.constInt64([c], 'flat');
    const blend = (old: string, batch: string, factor: number, hint: string) =>
      op('Add', [op('Mul', [old, ctx.constFloat(1 - BATCHNORM_MOMENTUM)], `${hint}_old`), op('Mul', [op('Reshape', [batch, flat], `${hint}_flat`), ctx.constFloat(BATCHNORM_MOMENTUM * factor)], `${hint}_new`)], hint);
    ctx.updateState('mean', blend(w.mean, mean, 1, 'running_mean'));
    ctx.updateState('var', blend(w.var, variance, m > 1 ? m / (m - 1) : 1, 'running_var'));
  },
  gradOnnx(_p, ctx) {
    const op = emitter(ctx);
    const { xhat, invStd, gamma } = ctx.saved;
    const dy = ctx.outputGrad;
    const axes = ctx.inputShapes[0].length === 3 ? [0, 2, 3] : [0];
    const sum = (v: string, hint: string) => op('ReduceSum', [v, ctx.constInt64(axes, 'axes')], hint, { keepdims: attr.i(0) });
    const mean = (v: string, hint: string) => op('ReduceMean', [v], hint, { axes: attr.ints(axes), keepdims: attr.i(1) });
    const dyXhat = op('Mul', [dy, xhat], 'dy_xhat');
    ctx.weightGrad('bias', sum(dy, 'dbeta'));
    ctx.weightGrad('scale', sum(dyXhat, 'dgamma'));
    if (!ctx.needsInputGrad[0]) return;
    // ∂x = (γ/σ) · (∂y − mean(∂y) − x̂ · mean(∂y ⊙ x̂))
    const inner = op('Sub', [op('Sub', [dy, mean(dy, 'mean_dy')], 'dy_c'), op('Mul', [xhat, mean(dyXhat, 'mean_dy_xhat')], 'xhat_term')], 'inner');
    ctx.inputGrad(0, op('Mul', [inner, op('Mul', [gamma, invStd], 'gamma_inv_std')], 'dx'));
  },
};
