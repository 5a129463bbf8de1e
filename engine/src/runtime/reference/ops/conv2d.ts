import type { Conv2DParams } from '../../../core/ops/conv2d';
import { resolvePads } from '../../../core/ops/common';
import { pair } from '../../../core/shape';
import { chw, tensor, type Tensor } from '../tensor';

/**
 * 2-D convolution (cross-correlation, as in every framework), with stride, padding, dilation and
 * groups. kernel: [filters, C/groups, kh, kw]; output channel o reads the input channels of its group.
 *
 *   y[o, i, j] = b[o] + Σ_c Σ_u Σ_v x[g·Cg + c, i·sh − pt + u·dh, j·sw − pl + v·dw] · k[o, c, u, v]
 *
 * Positions outside the input are the zero padding.
 */
export function conv2d(x: Tensor, p: Conv2DParams, w: { kernel: Float32Array; bias?: Float32Array }): Tensor {
  const [C, H, W] = chw(x);
  const [kh, kw] = pair(p.kernel);
  const [sh, sw] = pair(p.stride);
  const [dh, dw] = pair(p.dilation);
  const [pt, pl, pb, pr] = resolvePads(p.padding, H, W, p.kernel, p.stride, p.dilation);
  const OH = Math.floor((H + pt + pb - dh * (kh - 1) - 1) / sh) + 1;
  const OW = Math.floor((W + pl + pr - dw * (kw - 1) - 1) / sw) + 1;
  const F = p.filters;
  const cinPerGroup = C / p.groups;
  const outPerGroup = F / p.groups;
  const out = tensor([F, OH, OW]);
  const y = out.data;
  const xd = x.data;
  const k = w.kernel;

  for (let o = 0; o < F; o++) {
    const g = Math.floor(o / outPerGroup);
    const bias = w.bias ? w.bias[o] : 0;
    for (let i = 0; i < OH; i++) {
      for (let j = 0; j < OW; j++) {
        let sum = bias;
        for (let c = 0; c < cinPerGroup; c++) {
          const xc = (g * cinPerGroup + c) * H * W;
          const kc = (o * cinPerGroup + c) * kh * kw;
          for (let u = 0; u < kh; u++) {
            const yy = i * sh - pt + u * dh;
            if (yy < 0 || yy >= H) continue;
            for (let v = 0; v < kw; v++) {
              const xx = j * sw - pl + v * dw;
              if (xx < 0 || xx >= W) continue;
              sum += xd[xc + yy * W + xx] * k[kc + u * kw + v];
            }
          }
        }
        y[(o * OH + i) * OW + j] = sum;
      }
    }
  }
  return out;
}
