import { tensor, type Tensor } from '../tensor';

/** Element-wise sum of same-shaped inputs (a skip connection). */
export function add(xs: Tensor[]): Tensor {
  const out = tensor(xs[0].shape);
  for (const x of xs) for (let i = 0; i < out.data.length; i++) out.data[i] += x.data[i];
  return out;
}
