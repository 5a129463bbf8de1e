import type { ActivationParams } from '../../../core/ops/activation';
import { tensor, type Tensor } from '../tensor';

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
  }
}

export function activation(x: Tensor, p: ActivationParams): Tensor {
  const f = activationFn(p);
  const out = tensor(x.shape);
  for (let i = 0; i < x.data.length; i++) out.data[i] = f(x.data[i]);
  return out;
}
