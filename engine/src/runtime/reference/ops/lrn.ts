import type { LRNParams } from '../../../core/ops/lrn';
import { chw, tensor, type Tensor } from '../tensor';

/**
 * Local response normalisation across channels (ONNX LRN, PyTorch LocalResponseNorm):
 *
 *   y[c] = x[c] / (bias + alpha / size · Σ_{c' in window(c)} x[c']²)^beta
 *
 * The window is channels c − ⌊(size−1)/2⌋ … c + ⌈(size−1)/2⌉, clipped to the existing channels
 * (ONNX's placement; PyTorch agrees for odd sizes, and puts the extra channel before c for even ones).
 */
export function lrn(x: Tensor, p: LRNParams): Tensor {
  const [C, H, W] = chw(x);
  const n = H * W;
  const before = Math.floor((p.size - 1) / 2);
  const after = Math.ceil((p.size - 1) / 2);
  const out = tensor(x.shape);
  for (let c = 0; c < C; c++) {
    const lo = Math.max(0, c - before);
    const hi = Math.min(C - 1, c + after);
    for (let i = 0; i < n; i++) {
      let sumSq = 0;
      for (let k = lo; k <= hi; k++) {
        const v = x.data[k * n + i];
        sumSq += v * v;
      }
      out.data[c * n + i] = x.data[c * n + i] / Math.pow(p.bias + (p.alpha / p.size) * sumSq, p.beta);
    }
  }
  return out;
}
