import { zeroPads, type ZeroPad2DParams } from '../../../core/ops/zero-pad2d';
import { chw, tensor, type Tensor } from '../tensor';

/** A border of zeros: [top, left, bottom, right] rows and columns around every channel. */
export function zeroPad2d(x: Tensor, p: ZeroPad2DParams): Tensor {
  const [C, H, W] = chw(x);
  const [t, l, b, r] = zeroPads(p);
  const OH = H + t + b;
  const OW = W + l + r;
  const out = tensor([C, OH, OW]);
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < W; j++) out.data[(c * OH + i + t) * OW + j + l] = x.data[(c * H + i) * W + j];
    }
  }
  return out;
}
