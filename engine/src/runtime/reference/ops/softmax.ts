import { tensor, type Tensor } from '../tensor';

/** Softmax over a vector, or over the channels at each position of a C×H×W map (max subtracted for stability). */
export function softmax(x: Tensor): Tensor {
  const [C, n] = x.shape.length === 3 ? [x.shape[0], x.shape[1] * x.shape[2]] : [x.data.length, 1];
  const out = tensor(x.shape);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, x.data[c * n + i]);
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(x.data[c * n + i] - max);
    for (let c = 0; c < C; c++) out.data[c * n + i] = Math.exp(x.data[c * n + i] - max) / sum;
  }
  return out;
}
