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

  // The kernel taps t with 0 ≤ first + t·dil < n land inside the input; the others read zero padding.
  const firstTap = (first: number, dil: number) => (first >= 0 ? 0 : Math.ceil(-first / dil));
  const endTap = (first: number, dil: number, n: number, k: number) => Math.min(k, Math.floor((n - 1 - first) / dil) + 1);

  for (let o = 0; o < F; o++) {
    const g = Math.floor(o / outPerGroup);
    const bias = w.bias ? w.bias[o] : 0;
    for (let i = 0; i < OH; i++) {
      const y0 = i * sh - pt;
      const u0 = firstTap(y0, dh);
      const u1 = endTap(y0, dh, H, kh);
      for (let j = 0; j < OW; j++) {
        const x0 = j * sw - pl;
        const v0 = firstTap(x0, dw);
        const v1 = endTap(x0, dw, W, kw);
        let sum = bias;
        for (let c = 0; c < cinPerGroup; c++) {
          const xc = (g * cinPerGroup + c) * H * W;
          const kc = (o * cinPerGroup + c) * kh * kw;
          for (let u = u0; u < u1; u++) {
            const xRow = xc + (y0 + u * dh) * W + x0;
            const kRow = kc + u * kw;
            for (let v = v0; v < v1; v++) sum += xd[xRow + v * dw] * k[kRow + v];
          }
        }
        y[(o * OH + i) * OW + j] = sum;
      }
    }
  }
  return out;
}
