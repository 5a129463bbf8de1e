import type { PrimitiveNode } from '../../../core/graph/types';
import type { Tensor } from '../tensor';
import { activation } from './activation';
import { add } from './add';
import { batchNorm, type BatchNormWeights } from './batchnorm';
import { channelScale } from './channel-scale';
import { channelShuffle } from './channel-shuffle';
import { channelSlice } from './channel-slice';
import { concat } from './concat';
import { conv2d } from './conv2d';
import { dense } from './dense';
import { dropout } from './dropout';
import { flatten } from './flatten';
import { globalPool } from './global-pool';
import { lrn } from './lrn';
import { multiply } from './multiply';
import { pool2d } from './pool2d';
import { softmax } from './softmax';
import { zeroPad2d } from './zero-pad2d';

type Weights = Record<string, Float32Array>;
type Kernel = (inputs: Tensor[], params: any, weights: Weights) => Tensor;

/** One reference kernel per primitive op type. Input is handled by the backend (it is the input tensor). */
export const KERNELS: Record<string, Kernel> = {
  Conv2D: ([x], p, w) => conv2d(x, p, { kernel: w.kernel, bias: w.bias }),
  Pool2D: ([x], p) => pool2d(x, p),
  GlobalPool: ([x], p) => globalPool(x, p),
  LRN: ([x], p) => lrn(x, p),
  BatchNorm: ([x], p, w) => batchNorm(x, p, w as unknown as BatchNormWeights),
  Dense: ([x], p, w) => dense(x, p, { kernel: w.kernel, bias: w.bias }),
  Flatten: ([x]) => flatten(x),
  Dropout: ([x]) => dropout(x),
  Softmax: ([x]) => softmax(x),
  Activation: ([x], p) => activation(x, p),
  Concat: (xs) => concat(xs),
  Add: (xs) => add(xs),
  Multiply: (xs) => multiply(xs),
  ChannelScale: ([map, gate]) => channelScale(map, gate),
  ChannelShuffle: ([x], p) => channelShuffle(x, p),
  ChannelSlice: ([x], p) => channelSlice(x, p),
  ZeroPad2D: ([x], p) => zeroPad2d(x, p),
};

export class UnsupportedOpError extends Error {
  constructor(readonly opType: string) {
    super(`The reference backend has no kernel for "${opType}".`);
    this.name = 'UnsupportedOpError';
  }
}

export function runKernel(prim: PrimitiveNode, inputs: Tensor[], weights: Weights): Tensor {
  const kernel = KERNELS[prim.type];
  if (!kernel) throw new UnsupportedOpError(prim.type);
  return kernel(inputs, prim.params, weights);
}
