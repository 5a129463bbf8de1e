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

/**
 * Per channel, the mean and the biased variance of x over its spatial positions: the statistics a
 * calibrated batch norm normalises with (core/weights/calibration.ts; PyTorch's training mode for a
 * batch of 1). Accumulated in float64, the centred squares from the float32 mean.
 */
export function batchStatistics(x: Tensor): { mean: Float32Array; var: Float32Array } {
  const [C, H, W] = chw(x);
  const n = H * W;
  const mean = new Float32Array(C);
  const variance = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += x.data[c * n + i];
    mean[c] = sum / n;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const d = Math.fround(x.data[c * n + i] - mean[c]);
      squares += d * d;
    }
    variance[c] = squares / n;
  }
  return { mean, var: variance };
}
