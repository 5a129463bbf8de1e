import type { BatchNormParams } from '../../../core/ops/batchnorm';
import { chw, tensor, type Tensor } from '../tensor';

export interface BatchNormWeights {
  scale: Float32Array;
  bias: Float32Array;
  mean: Float32Array;
  var: Float32Array;
}

/** Batch norm at inference: y = (x − running mean) / √(running var + ε) · γ + β, per channel. */
export function batchNorm(x: Tensor, p: BatchNormParams, w: BatchNormWeights): Tensor {
  const [C, H, W] = chw(x);
  const n = H * W;
  const out = tensor(x.shape);
  for (let c = 0; c < C; c++) {
    const inv = 1 / Math.sqrt(w.var[c] + p.epsilon);
    for (let i = 0; i < n; i++) {
      out.data[c * n + i] = (x.data[c * n + i] - w.mean[c]) * inv * w.scale[c] + w.bias[c];
    }
  }
  return out;
}
