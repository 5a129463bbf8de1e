import type { ChannelSliceParams } from '../../../core/ops/channel-slice';
import { chw, tensor, type Tensor } from '../tensor';

/** Channels start … end − 1 of a C×H×W map. */
export function channelSlice(x: Tensor, p: ChannelSliceParams): Tensor {
  const [, H, W] = chw(x);
  const n = H * W;
  return tensor([p.end - p.start, H, W], x.data.slice(p.start * n, p.end * n));
}
