import { OpRegistry } from './registry';
import { InputOp } from './input';
import { Conv2DOp } from './conv2d';
import { Pool2DOp } from './pool2d';
import { GlobalPoolOp } from './global-pool';
import { DenseOp } from './dense';
import { FlattenOp } from './flatten';
import { DropoutOp } from './dropout';
import { SoftmaxOp } from './softmax';
import { BatchNormOp } from './batchnorm';
import { LRNOp } from './lrn';
import { ActivationOp } from './activation';
import { ConcatOp } from './concat';
import { AddOp } from './add';
import { MultiplyOp } from './multiply';
import { ChannelScaleOp } from './channel-scale';
import { ChannelShuffleOp } from './channel-shuffle';
import { ChannelSliceOp } from './channel-slice';
import { ZeroPad2DOp } from './zero-pad2d';
import { InceptionOp } from './inception';
import { ResidualUnitOp } from './residual-unit';
import { SeparableConvOp } from './separable-conv';
import { InvertedResidualOp } from './inverted-residual';
import { SqueezeExciteOp } from './squeeze-excite';

export const ALL_OPS = [
  InputOp,
  Conv2DOp,
  ZeroPad2DOp,
  Pool2DOp,
  GlobalPoolOp,
  BatchNormOp,
  LRNOp,
  ActivationOp,
  DenseOp,
  FlattenOp,
  DropoutOp,
  SoftmaxOp,
  ConcatOp,
  AddOp,
  MultiplyOp,
  ChannelScaleOp,
  ChannelShuffleOp,
  ChannelSliceOp,
  InceptionOp,
  ResidualUnitOp,
  SeparableConvOp,
  InvertedResidualOp,
  SqueezeExciteOp,
];

/** The registry every analysis uses. */
export const ops = new OpRegistry();
for (const op of ALL_OPS) ops.register(op);

export type { OpDef, WeightSpec, Subgraph, SubgraphNode, InferContext, OpCategory } from './op';
