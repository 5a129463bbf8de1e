import type { GlobalPoolParams } from '../../../core/ops/global-pool';
import { chw, tensor, type Tensor } from '../tensor';

/** Each channel reduced to one value (its mean or maximum over H×W): C×H×W → C×1×1. */
export function globalPool(x: Tensor, p: GlobalPoolParams): Tensor {
  const [C, H, W] = chw(x);
  const n = H * W;
  const out = tensor([C, 1, 1]);
  for (let c = 0; c < C; c++) {
    let acc = p.mode === 'max' ? -Infinity : 0;
    for (let i = 0; i < n; i++) {
      const v = x.data[c * n + i];
      acc = p.mode === 'max' ? Math.max(acc, v) : acc + v;
    }
    out.data[c] = p.mode === 'max' ? acc : acc / n;
  }
  return out;
}
