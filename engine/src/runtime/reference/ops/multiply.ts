import { tensor, type Tensor } from '../tensor';

/** Element-wise product of two same-shaped inputs. */
export function multiply([a, b]: Tensor[]): Tensor {
  const out = tensor(a.shape);
  for (let i = 0; i < out.data.length; i++) out.data[i] = a.data[i] * b.data[i];
  return out;
}
