import { chw, tensor, type Tensor } from '../tensor';

/** Each channel of a C×H×W map times its gate value (the gate C×1×1 or [C]). */
export function channelScale(map: Tensor, gate: Tensor): Tensor {
  const [C, H, W] = chw(map);
  const n = H * W;
  const out = tensor(map.shape);
  for (let c = 0; c < C; c++) {
    const g = gate.data[c];
    for (let i = c * n; i < (c + 1) * n; i++) out.data[i] = map.data[i] * g;
  }
  return out;
}
