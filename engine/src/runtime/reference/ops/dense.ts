import type { DenseParams } from '../../../core/ops/dense';
import { tensor, type Tensor } from '../tensor';

/** Fully connected: y = W·x + b, W of shape [units, inputs]. A C×1×1 input reads as the vector [C]. */
export function dense(x: Tensor, p: DenseParams, w: { kernel: Float32Array; bias?: Float32Array }): Tensor {
  const n = x.data.length;
  const out = tensor([p.units]);
  for (let o = 0; o < p.units; o++) {
    let sum = w.bias ? w.bias[o] : 0;
    for (let i = 0; i < n; i++) sum += w.kernel[o * n + i] * x.data[i];
    out.data[o] = sum;
  }
  return out;
}
