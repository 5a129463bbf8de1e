import type { Pool2DParams } from '../../../core/ops/pool2d';
import { resolvePads } from '../../../core/ops/common';
import { pair } from '../../../core/shape';
import { chw, tensor, type Tensor } from '../tensor';

/**
 * Max, min or average pooling of every channel over kh×kw windows.
 * - Padding never wins a max or a min (padded positions are skipped, as ONNX MaxPool).
 * - Average divides by the number of real input values in the window, or with `countIncludePad`
 *   by the window clipped to the padded input (PyTorch's count_include_pad=True).
 * - `ceil` rounds the output size up; the last window must start inside the input or its
 *   top/left padding (PyTorch's rule, shared with the shape inference).
 */
export function pool2d(x: Tensor, p: Pool2DParams): Tensor {
  const [C, H, W] = chw(x);
  const [kh, kw] = pair(p.kernel);
  const [sh, sw] = pair(p.stride);
  const [pt, pl, pb, pr] = resolvePads(p.padding, H, W, p.kernel, p.stride);
  const size = (n: number, k: number, s: number, padBefore: number, padTotal: number) => {
    const span = n + padTotal - k;
    let o = (p.ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
    if (p.ceil && (o - 1) * s >= n + padBefore) o -= 1;
    return o;
  };
  const OH = size(H, kh, sh, pt, pt + pb);
  const OW = size(W, kw, sw, pl, pl + pr);
  const out = tensor([C, OH, OW]);

  for (let c = 0; c < C; c++) {
    const xc = c * H * W;
    for (let i = 0; i < OH; i++) {
      const y0 = i * sh - pt;
      for (let j = 0; j < OW; j++) {
        const x0 = j * sw - pl;
        let acc = p.mode === 'max' ? -Infinity : p.mode === 'min' ? Infinity : 0;
        let count = 0;
        for (let u = 0; u < kh; u++) {
          const yy = y0 + u;
          if (yy < 0 || yy >= H) continue;
          for (let v = 0; v < kw; v++) {
            const xx = x0 + v;
            if (xx < 0 || xx >= W) continue;
            const val = x.data[xc + yy * W + xx];
            if (p.mode === 'max') acc = val > acc ? val : acc;
            else if (p.mode === 'min') acc = val < acc ? val : acc;
            else acc += val;
            count++;
          }
        }
        if (p.mode === 'avg') {
          let divisor = count;
          if (p.countIncludePad) {
            // The window clipped to the padded input [−pt, H + pb) × [−pl, W + pr).
            const hEnd = Math.min(y0 + kh, H + pb);
            const wEnd = Math.min(x0 + kw, W + pr);
            divisor = (hEnd - y0) * (wEnd - x0);
          }
          acc = divisor > 0 ? acc / divisor : 0;
        }
        out.data[(c * OH + i) * OW + j] = acc;
      }
    }
  }
  return out;
}
