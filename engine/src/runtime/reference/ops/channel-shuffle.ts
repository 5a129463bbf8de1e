import type { ChannelShuffleParams } from '../../../core/ops/channel-shuffle';
import { chw, tensor, type Tensor } from '../tensor';

/** Channel i·(C/g) + j (group i, position j) moves to j·g + i. */
export function channelShuffle(x: Tensor, p: ChannelShuffleParams): Tensor {
  const [C, H, W] = chw(x);
  const n = H * W;
  const perGroup = C / p.groups;
  const out = tensor(x.shape);
  for (let i = 0; i < p.groups; i++) {
    for (let j = 0; j < perGroup; j++) out.data.set(x.data.subarray((i * perGroup + j) * n, (i * perGroup + j + 1) * n), (j * p.groups + i) * n);
  }
  return out;
}
