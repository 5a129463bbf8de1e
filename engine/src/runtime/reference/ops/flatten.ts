import { tensor, type Tensor } from '../tensor';

/** C×H×W → [C·H·W], channel-major (the memory order does not change). */
export function flatten(x: Tensor): Tensor {
  return tensor([x.data.length], x.data.slice());
}
