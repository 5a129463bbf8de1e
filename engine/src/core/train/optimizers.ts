/**
 * Optimizers exactly as PyTorch defines them (torch.optim.SGD, Adam, AdamW), lowered to ONNX: one
 * update per trainable weight, inside the training step's graph. The learning rate and Adam's bias
 * corrections change with the step, so they are scalar graph inputs computed here in float64 as
 * PyTorch does in Python; the other hyperparameters are constants of the graph.
 */
import { z } from 'zod';

export const OptimizerSchema = z.object({
  kind: z.enum(['sgd', 'adam', 'adamw']).default('adam'),
  /** SGD momentum (0: plain SGD). Dampening is 0, as PyTorch's default. */
  momentum: z.number().min(0).max(1).default(0),
  nesterov: z.boolean().default(false),
  /** L2 penalty added to the gradient (SGD, Adam) or decoupled decay (AdamW). */
  weightDecay: z.number().min(0).max(1).default(0),
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.999),
  eps: z.number().positive().max(1).default(1e-8),
});
export type OptimizerConfig = z.infer<typeof OptimizerSchema>;

/** The per-step scalar inputs of the graph. */
export interface OptimizerScalars {
  lr: number;
  /** Adam: lr / (1 − β1ᵗ). */
  stepSize: number;
  /** Adam: √(1 − β2ᵗ). */
  bc2Sqrt: number;
}

/** Scalars for step `t` (1-based, as PyTorch counts). */
export function optimizerScalars(config: OptimizerConfig, lr: number, t: number): OptimizerScalars {
  return { lr, stepSize: lr / (1 - config.beta1 ** t), bc2Sqrt: Math.sqrt(1 - config.beta2 ** t) };
}

/** Optimizer state tensors kept per trainable weight, in this order. */
export function stateNames(config: OptimizerConfig): string[] {
  if (config.kind === 'sgd') return config.momentum > 0 ? ['momentum'] : [];
  return ['exp_avg', 'exp_avg_sq'];
}

export interface UpdateEmitter {
  node(opType: string, inputs: readonly string[], outputs: readonly string[]): void;
  temp(hint: string): string;
  constFloat(value: number): string;
}

export interface UpdateValues {
  param: string;
  grad: string;
  /** Current state, by `stateNames` order. */
  state: readonly string[];
  /** Scalar graph inputs. */
  lr: string;
  stepSize: string;
  bc2Sqrt: string;
}

/** Emits the update of one weight; returns the new weight's value and the new state's. */
export function lowerUpdate(config: OptimizerConfig, v: UpdateValues, g: UpdateEmitter): { param: string; state: string[] } {
  const op = (type: string, inputs: string[], hint: string) => {
    const out = g.temp(hint);
    g.node(type, inputs, [out]);
    return out;
  };
  const scaled = (x: string, c: number, hint: string) => op('Mul', [x, g.constFloat(c)], hint);
  let grad = v.grad;
  let param = v.param;
  if (config.weightDecay > 0 && config.kind !== 'adamw') grad = op('Add', [grad, scaled(param, config.weightDecay, 'decay')], 'grad_wd');
  if (config.kind === 'sgd') {
    const state: string[] = [];
    let step = grad;
    if (config.momentum > 0) {
      // buf = μ·buf + g (the first step's buf is g: state starts at zero, so μ·0 + g = g exactly).
      const buf = op('Add', [scaled(v.state[0], config.momentum, 'mom'), grad], 'buf');
      state.push(buf);
      step = config.nesterov ? op('Add', [grad, scaled(buf, config.momentum, 'nest')], 'nesterov') : buf;
    }
    return { param: op('Sub', [param, op('Mul', [step, v.lr], 'lr_step')], 'param'), state };
  }
  if (config.kind === 'adamw' && config.weightDecay > 0) {
    // p ← p·(1 − lr·λ)
    const factor = op('Sub', [g.constFloat(1), op('Mul', [v.lr, g.constFloat(config.weightDecay)], 'lr_wd')], 'decay_factor');
    param = op('Mul', [param, factor], 'decayed');
  }
  const m = op('Add', [scaled(v.state[0], config.beta1, 'm_old'), scaled(grad, 1 - config.beta1, 'm_new')], 'exp_avg');
  const g2 = op('Mul', [grad, grad], 'g2');
  const s = op('Add', [scaled(v.state[1], config.beta2, 'v_old'), scaled(g2, 1 - config.beta2, 'v_new')], 'exp_avg_sq');
  const denom = op('Add', [op('Div', [op('Sqrt', [s], 'sqrt_v'), v.bc2Sqrt], 'v_hat'), g.constFloat(config.eps)], 'denom');
  const update = op('Mul', [op('Div', [m, denom], 'ratio'), v.stepSize], 'adam_step');
  return { param: op('Sub', [param, update], 'param'), state: [m, s] };
}
