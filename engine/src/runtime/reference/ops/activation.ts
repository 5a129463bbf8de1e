import type { ActivationParams } from '../../../core/ops/activation';
import { tensor, type Tensor } from '../tensor';

/**
 * erfc(x) with a fractional error below 1.2e-7 everywhere (Numerical Recipes' Chebyshev fit), so
 * GELU's tail x·Φ(x) for negative x keeps its relative accuracy where 1 + erf(x) would cancel.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

/** log(1 + eˣ), as PyTorch's softplus (linear above 20). */
const softplus = (v: number) => (v > 20 ? v : Math.log1p(Math.exp(v)));
const relu6 = (v: number) => Math.min(Math.max(v, 0), 6);

/** The element-wise non-linearities. */
export function activationFn(p: ActivationParams): (v: number) => number {
  switch (p.fn) {
    case 'relu':
      return (v) => (v > 0 ? v : 0);
    case 'leaky_relu':
      return (v) => (v >= 0 ? v : p.alpha * v);
    case 'sigmoid':
      return (v) => 1 / (1 + Math.exp(-v));
    case 'tanh':
      return Math.tanh;
    case 'identity':
      return (v) => v;
    case 'relu6':
      return relu6;
    case 'clip': {
      const lo = p.min ?? -Infinity;
      const hi = p.max ?? Infinity;
      return (v) => Math.min(Math.max(v, lo), hi);
    }
    case 'silu':
      return (v) => v / (1 + Math.exp(-v));
    case 'hardsigmoid':
      return (v) => relu6(v + 3) / 6;
    case 'hardswish':
      return (v) => (v * relu6(v + 3)) / 6;
    case 'gelu': // x·Φ(x), Φ(x) = ½·erfc(−x/√2)
      return (v) => 0.5 * v * erfc(-v / Math.SQRT2);
    case 'mish':
      return (v) => v * Math.tanh(softplus(v));
  }
}

export function activation(x: Tensor, p: ActivationParams): Tensor {
  const f = activationFn(p);
  const out = tensor(x.shape);
  for (let i = 0; i < x.data.length; i++) out.data[i] = f(x.data[i]);
  return out;
}
