import { tensor, type Tensor } from '../tensor';

/** Stacks inputs along the channel axis (or joins vectors), in port order. */
export function concat(xs: Tensor[]): Tensor {
  const first = xs[0].shape;
  const shape = first.length === 3 ? [xs.reduce((n, x) => n + x.shape[0], 0), first[1], first[2]] : [xs.reduce((n, x) => n + x.shape[0], 0)];
  const out = tensor(shape);
  let offset = 0;
  for (const x of xs) {
    out.data.set(x.data, offset);
    offset += x.data.length;
  }
  return out;
}
