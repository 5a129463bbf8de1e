import { z } from 'zod';
import type { OpDef } from './op';
import type { OnnxLoweringContext } from '../onnx/lowering';
import { attr } from '../onnx/lowering';
import { emitter } from '../train/windows';
import { DataType } from '../onnx/data-type';

/** The non-linearities, in the order the inspector offers them. */
export const ACTIVATION_FUNCTIONS = ['relu', 'leaky_relu', 'sigmoid', 'tanh', 'identity', 'relu6', 'silu', 'hardswish', 'hardsigmoid', 'gelu', 'mish', 'clip'] as const;
export type ActivationFunction = (typeof ACTIVATION_FUNCTIONS)[number];

const Params = z.object({
  fn: z.enum(ACTIVATION_FUNCTIONS).default('relu'),
  /** Slope for negative inputs (leaky_relu). */
  alpha: z.number().finite().default(0.01),
  /** Clip: the lower bound (none when absent). */
  min: z.number().finite().optional(),
  /** Clip: the upper bound (none when absent). */
  max: z.number().finite().optional(),
});
export type ActivationParams = z.infer<typeof Params>;

const LABELS: Record<ActivationFunction, string> = {
  relu: 'ReLU',
  leaky_relu: 'leaky ReLU',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  identity: 'identity',
  relu6: 'ReLU6',
  silu: 'SiLU (swish)',
  hardswish: 'hard swish',
  hardsigmoid: 'hard sigmoid',
  gelu: 'GELU',
  mish: 'Mish',
  clip: 'clip',
};

/** What each function does, for the palette's tooltips and the inspector (docFor). */
const DOCS: Record<ActivationFunction, string> = {
  relu: 'ReLU keeps positive values and sets negative ones to 0: max(0, x).',
  leaky_relu: 'Leaky ReLU keeps positive values and multiplies negative ones by a small slope α (0.01 by default), so they still pass some gradient: x if x > 0, else α·x.',
  sigmoid: 'Sigmoid squashes every value into (0, 1): 1 / (1 + e^−x). Far from 0 it saturates near 0 or 1, where its gradient almost vanishes.',
  tanh: 'Tanh squashes every value into (−1, 1), centred on 0: (e^x − e^−x) / (e^x + e^−x). LeNet-5 uses it; like sigmoid it saturates far from 0.',
  identity: 'Identity passes every value through unchanged: no non-linearity.',
  relu6: 'ReLU6 is ReLU capped at 6: min(max(0, x), 6) (MobileNet).',
  silu: 'SiLU (swish) multiplies each value by its sigmoid: x·σ(x), a smooth ReLU (EfficientNet).',
  hardswish: 'Hard swish is a cheap, piecewise-linear swish: x·ReLU6(x + 3) / 6 (MobileNetV3).',
  hardsigmoid: 'Hard sigmoid is a cheap, piecewise-linear sigmoid: ReLU6(x + 3) / 6, between 0 and 1 (MobileNetV3’s gates).',
  gelu: 'GELU weighs each value by the chance that a standard normal variable is below it: x·Φ(x) (transformers).',
  mish: 'Mish is a smooth ReLU: x·tanh(softplus(x)).',
  clip: 'Clip bounds every value to [min, max]: values outside become the nearer bound.',
};

/** Ops that are one standard ONNX node without attributes. */
const ONNX_OPS: Partial<Record<ActivationFunction, string>> = { relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh', identity: 'Identity', hardswish: 'HardSwish' };

/** "clip [−1, 1]", "clip [0, ∞)". */
function clipRange(p: ActivationParams): string {
  return `${p.min === undefined ? '(−∞' : `[${p.min}`}, ${p.max === undefined ? '∞)' : `${p.max}]`}`;
}

/** GELU's erf form in opset-17 ops: 0.5·x·(1 + erf(x/√2)), written as torch.onnx.export writes it (the importer reads it back). */
function lowerGelu(ctx: OnnxLoweringContext): void {
  const op = emitter(ctx);
  const x = ctx.inputs[0];
  const erf = op('Erf', [op('Div', [x, ctx.constFloat(Math.SQRT2, undefined, 'sqrt2')], 'scaled')], 'erf');
  const onePlus = op('Add', [erf, ctx.constFloat(1, undefined, 'one')], 'one_plus_erf');
  ctx.node('Mul', [op('Mul', [x, onePlus], 'x_times'), ctx.constFloat(0.5, undefined, 'half')], [ctx.output]);
}

export const ActivationOp: OpDef<ActivationParams> = {
  type: 'Activation',
  title: 'Activation',
  category: 'activation',
  doc: 'Applies a non-linearity to every value: ReLU keeps positives and zeroes negatives; ReLU6 also caps at 6; SiLU, hard swish, GELU and Mish are the smooth gates of MobileNetV3, EfficientNet and transformers; clip bounds values to [min, max].',
  docFor: (p) => DOCS[p.fn],
  params: Params,
  example: { fn: 'relu' },
  arity: { min: 1, max: 1 },
  summary: (p) => (p.fn === 'leaky_relu' ? `leaky ReLU ${p.alpha}` : p.fn === 'clip' ? `clip ${clipRange(p)}` : LABELS[p.fn]),
  infer(inputs, p, ctx) {
    if (p.fn === 'clip') {
      if (p.min !== undefined && p.max !== undefined && p.min > p.max) {
        ctx.error('invalid-param', `Clip: min ${p.min} is above max ${p.max} — every value would become ${p.max}; make min the smaller bound.`, { param: 'min', params: { variant: 'clip-order', min: p.min, max: p.max } });
        return undefined;
      }
      if (p.min === undefined && p.max === undefined) ctx.warn('invalid-param', 'Clip has neither min nor max, so it passes every value unchanged — set a bound (or use identity).', { param: 'min', params: { variant: 'clip-open' } });
    }
    return inputs[0];
  },
  macs: () => 0,
  lowerOnnx(p, ctx) {
    const x = ctx.inputs[0];
    const op = emitter(ctx);
    switch (p.fn) {
      case 'leaky_relu':
        return ctx.node('LeakyRelu', [x], [ctx.output], { alpha: attr.f(p.alpha) });
      case 'relu6':
        return ctx.node('Clip', [x, ctx.constFloat(0, undefined, 'zero'), ctx.constFloat(6, undefined, 'six')], [ctx.output]);
      case 'clip': {
        // An absent bound is an empty optional input (a trailing one is left out).
        const bounds = [p.min === undefined ? '' : ctx.constFloat(p.min, undefined, 'min'), p.max === undefined ? '' : ctx.constFloat(p.max, undefined, 'max')];
        return ctx.node('Clip', [x, ...(bounds[1] ? bounds : bounds[0] ? [bounds[0]] : [])], [ctx.output]);
      }
      case 'hardsigmoid': // PyTorch's: relu6(x + 3) / 6
        return ctx.node('HardSigmoid', [x], [ctx.output], { alpha: attr.f(1 / 6), beta: attr.f(0.5) });
      case 'silu': // x·σ(x)
        return ctx.node('Mul', [x, op('Sigmoid', [x], 'sigmoid')], [ctx.output]);
      case 'mish': // x·tanh(softplus(x))
        return ctx.node('Mul', [x, op('Tanh', [op('Softplus', [x], 'softplus')], 'tanh')], [ctx.output]);
      case 'gelu':
        return lowerGelu(ctx);
      default:
        return ctx.node(ONNX_OPS[p.fn]!, [x], [ctx.output]);
    }
  },
  gradOnnx(p, ctx) {
    if (!ctx.needsInputGrad[0]) return;
    const op = emitter(ctx);
    const [dy, x, y] = [ctx.outputGrad, ctx.inputs[0], ctx.output];
    const c = (v: number, hint: string) => ctx.constFloat(v, undefined, hint);
    /** `value` (∂y by default) where `mask` holds, 0 elsewhere. */
    const gated = (mask: string, value = dy) => ctx.inputGrad(0, op('Where', [mask, value, c(0, 'zero')], 'dx'));
    switch (p.fn) {
      case 'relu': // ∂y where y > 0 (as x > 0), as a 0/1 float mask: a third faster than Sign(y) or Where on onnxruntime's CPU kernels (64×16×32×32: 0.76–1.1 vs 1.2–1.6 ms).
        return ctx.inputGrad(0, op('Mul', [dy, op('Cast', [op('Greater', [y, c(0, 'zero')], 'positive')], 'mask', { to: attr.i(DataType.FLOAT) })], 'dx'));
      case 'leaky_relu': {
        const slope = op('Where', [op('Greater', [x, c(0, 'zero')], 'positive'), c(1, 'one'), c(p.alpha, 'alpha')], 'slope');
        return ctx.inputGrad(0, op('Mul', [dy, slope], 'dx'));
      }
      case 'sigmoid': // σ' = y(1 − y)
        return ctx.inputGrad(0, op('Mul', [dy, op('Mul', [y, op('Sub', [c(1, 'one'), y], 'one_minus_y')], 'dsig')], 'dx'));
      case 'tanh': // tanh' = 1 − y²
        return ctx.inputGrad(0, op('Mul', [dy, op('Sub', [c(1, 'one'), op('Mul', [y, y], 'y2')], 'dtanh')], 'dx'));
      case 'identity':
        return ctx.inputGrad(0, dy);
      case 'relu6': // hardtanh(0, 6): ∂y passes strictly inside (0, 6), as PyTorch's hardtanh_backward
        return gated(op('And', [op('Greater', [x, c(0, 'zero')], 'above'), op('Less', [x, c(6, 'six')], 'below')], 'inside'));
      case 'clip': {
        // torch.clamp's backward: ∂y passes where min ≤ x ≤ max (bounds included).
        const above = p.min === undefined ? undefined : op('GreaterOrEqual', [x, c(p.min, 'min')], 'above');
        const below = p.max === undefined ? undefined : op('LessOrEqual', [x, c(p.max, 'max')], 'below');
        if (!above && !below) return ctx.inputGrad(0, dy);
        return gated(above && below ? op('And', [above, below], 'inside') : (above ?? below)!);
      }
      case 'hardsigmoid': // ∂y/6 strictly inside (−3, 3), as PyTorch's hardsigmoid_backward
        return gated(op('And', [op('Greater', [x, c(-3, 'minus3')], 'above'), op('Less', [x, c(3, 'three')], 'below')], 'inside'), op('Div', [dy, c(6, 'six')], 'dy_6'));
      case 'hardswish': {
        // PyTorch's hardswish_backward: 0 below −3, x/3 + ½ up to 3 (inclusive), 1 above.
        const ramp = op('Add', [op('Div', [x, c(3, 'three')], 'x_3'), c(0.5, 'half')], 'ramp');
        const upper = op('Where', [op('LessOrEqual', [x, c(3, 'three')], 'below'), ramp, c(1, 'one')], 'upper');
        const slope = op('Where', [op('Less', [x, c(-3, 'minus3')], 'off'), c(0, 'zero'), upper], 'slope');
        return ctx.inputGrad(0, op('Mul', [dy, slope], 'dx'));
      }
      case 'silu': {
        // (x·σ)' = σ·(1 + x·(1 − σ))
        const s = op('Sigmoid', [x], 'sigmoid');
        const inner = op('Add', [c(1, 'one'), op('Mul', [x, op('Sub', [c(1, 'one'), s], 'one_minus_s')], 'x_one_minus_s')], 'inner');
        return ctx.inputGrad(0, op('Mul', [dy, op('Mul', [s, inner], 'dsilu')], 'dx'));
      }
      case 'gelu': {
        // (x·Φ)' = Φ + x·φ, Φ = ½(1 + erf(x/√2)), φ = exp(−x²/2)/√(2π)
        const cdf = op('Mul', [op('Add', [op('Erf', [op('Div', [x, c(Math.SQRT2, 'sqrt2')], 'scaled')], 'erf'), c(1, 'one')], 'one_plus_erf'), c(0.5, 'half')], 'cdf');
        const pdf = op('Mul', [op('Exp', [op('Mul', [op('Mul', [x, x], 'x2'), c(-0.5, 'minus_half')], 'exponent')], 'gauss'), c(1 / Math.sqrt(2 * Math.PI), 'inv_sqrt_2pi')], 'pdf');
        return ctx.inputGrad(0, op('Mul', [dy, op('Add', [cdf, op('Mul', [x, pdf], 'x_pdf')], 'dgelu')], 'dx'));
      }
      case 'mish': {
        // (x·tanh(sp))' = tanh(sp) + x·(1 − tanh²(sp))·σ(x)
        const t = op('Tanh', [op('Softplus', [x], 'softplus')], 'tanh_sp');
        const sech2 = op('Sub', [c(1, 'one'), op('Mul', [t, t], 't2')], 'sech2');
        const rest = op('Mul', [op('Mul', [x, sech2], 'x_sech2'), op('Sigmoid', [x], 'sigmoid')], 'rest');
        return ctx.inputGrad(0, op('Mul', [dy, op('Add', [t, rest], 'dmish')], 'dx'));
      }
    }
  },
};
