import { z } from 'zod';
import type { OpDef, Subgraph, SubgraphNode } from './op';
import { LIMITS, posInt, requireFeatureMap } from './common';
import { ACTIVATION_LABEL, BLOCK_ACTIVATIONS, GATE_FUNCTIONS, squeezeExciteNodes } from './squeeze-excite';
import type { Shape } from '../shape';

const Params = z.object({
  /** Output channels (of the 1×1 projection). */
  filters: posInt(LIMITS.channels),
  /** The depthwise kernel, k×k with k odd (padding (k − 1)/2 keeps H×W at stride 1). */
  kernel: posInt(LIMITS.kernel).default(3),
  /** On the depthwise convolution; 1 keeps H×W (and allows the skip connection). */
  stride: posInt(16).default(1),
  /** Hidden channels as a multiple of the input channels (MobileNetV2 and EfficientNet: 6; the first block 1). */
  expandRatio: z.number().positive().max(1024).default(6),
  /** Hidden channels given directly, instead of input × expandRatio (MobileNetV3 lists them per block). */
  expandChannels: posInt(LIMITS.channels).optional(),
  /** After the expansion and the depthwise convolution (MobileNetV2 ReLU6, EfficientNet SiLU, MobileNetV3 ReLU or hard swish). */
  activation: z.enum(BLOCK_ACTIVATIONS).default('relu6'),
  /** Squeeze-and-excitation after the depthwise convolution, its bottleneck this fraction of the block's input channels (EfficientNet 0.25); 0: none. */
  seRatio: z.number().min(0).max(1).default(0),
  /** The squeeze-excite bottleneck given directly (MobileNetV3); implies squeeze-excite. */
  seChannels: posInt(LIMITS.channels).optional(),
  /** The squeeze-excite's activation; absent: the block's. */
  seActivation: z.enum(BLOCK_ACTIVATIONS).optional(),
  /** The squeeze-excite's gate (MobileNetV3: hard sigmoid). */
  seGate: z.enum(GATE_FUNCTIONS).default('sigmoid'),
  /** Batch norm after each convolution; off: every convolution has a bias instead (batch norm folded in, as files exported for inference have it). */
  batchNorm: z.boolean().default(true),
});
export type InvertedResidualParams = z.infer<typeof Params>;

/** Hidden (expanded) channels for an input of `inChannels`: torchvision's int(round(in · ratio)), or the given count. */
export function hiddenChannels(p: Pick<InvertedResidualParams, 'expandRatio' | 'expandChannels'>, inChannels: number): number {
  return p.expandChannels ?? Math.round(inChannels * p.expandRatio);
}

/** The squeeze-excite bottleneck's channels (0: no squeeze-excite): torchvision's max(1, in // 4) for ratio 0.25. */
export function seWidth(p: Pick<InvertedResidualParams, 'seRatio' | 'seChannels'>, inChannels: number): number {
  if (p.seChannels !== undefined) return p.seChannels;
  return p.seRatio > 0 ? Math.max(1, Math.floor(inChannels * p.seRatio)) : 0;
}

/** Whether the block adds its input to its output: stride 1 and as many channels out as in. */
export function hasSkip(p: Pick<InvertedResidualParams, 'stride' | 'filters'>, input: Shape): boolean {
  return p.stride === 1 && input[0] === p.filters;
}

/**
 * MobileNetV2's inverted residual (Sandler et al., 2018, as torchvision builds it), which with SiLU
 * and squeeze-excite is EfficientNet's MBConv: a 1×1 convolution expands the channels (left out when
 * the hidden width equals the input's), a depthwise k×k convolution (the stride) filters each of
 * them, optionally squeeze-and-excitation, and a 1×1 projection back down, linear (no activation);
 * the input is added when the stride is 1 and the channels agree. Each convolution has a batch norm
 * (or, folded, a bias).
 */
export function expandInvertedResidual(p: InvertedResidualParams, input: Shape): Subgraph {
  const inChannels = input[0];
  const hidden = hiddenChannels(p, inChannels);
  const se = seWidth(p, inChannels);
  const act = ACTIVATION_LABEL[p.activation];
  const nodes: SubgraphNode[] = [];
  let prev: string | number = 0;
  /** A convolution, its batch norm (unless folded) and its activation; returns the last local id. */
  const layer = (id: string, stage: string, conv: Record<string, unknown>, activation: boolean) => {
    nodes.push({ id, type: 'Conv2D', params: { ...conv, bias: !p.batchNorm }, inputs: [prev], role: `${stage}: ${conv.kernel}×${conv.kernel} conv${p.batchNorm ? '' : ' (batch norm folded in)'}` });
    prev = id;
    if (p.batchNorm) {
      nodes.push({ id: `${id}_bn`, type: 'BatchNorm', params: {}, inputs: [prev], role: `${stage}: batch norm` });
      prev = `${id}_bn`;
    }
    if (activation) {
      nodes.push({ id: `${id}_act`, type: 'Activation', params: { fn: p.activation }, inputs: [prev], role: `${stage}: ${act}` });
      prev = `${id}_act`;
    }
  };
  if (hidden !== inChannels) layer('expand', 'expand', { filters: hidden, kernel: 1 }, true);
  layer('dw', 'depthwise', { filters: hidden, kernel: p.kernel, stride: p.stride, padding: (p.kernel - 1) / 2, groups: hidden }, true);
  if (se > 0) {
    nodes.push(...squeezeExciteNodes({ channels: hidden, squeeze: se, activation: p.seActivation ?? p.activation, gate: p.seGate }, prev, 'se_', 'SE '));
    prev = 'se_scale';
  }
  layer('project', 'project', { filters: p.filters, kernel: 1 }, false);
  if (!hasSkip(p, input)) return { nodes, output: prev as string };
  nodes.push({ id: 'add', type: 'Add', params: {}, inputs: [prev, 0], role: 'add: block output + input (skip connection)' });
  return { nodes, output: 'add' };
}

export const InvertedResidualOp: OpDef<InvertedResidualParams> = {
  type: 'InvertedResidual',
  title: 'Inverted residual',
  category: 'module',
  doc: 'MobileNetV2’s block (EfficientNet’s MBConv with SiLU and squeeze-excite): a 1×1 convolution expands the channels (by 6, typically), a depthwise 3×3 filters each of them, and a 1×1 projects back down without an activation. The input is added back when the stride is 1 and the channels agree — the narrow ends carry the skip, the wide middle does the work.',
  params: Params,
  example: { filters: 24, expandRatio: 6, stride: 1 },
  arity: { min: 1, max: 1 },
  summary(p, inputs) {
    const x = inputs?.[0]?.length === 3 ? inputs[0] : undefined;
    const expand = p.expandChannels !== undefined ? `→${p.expandChannels}` : `×${p.expandRatio}`;
    const extras = [p.activation !== 'relu6' ? ACTIVATION_LABEL[p.activation] : '', p.seChannels !== undefined || p.seRatio > 0 ? 'SE' : '', p.batchNorm ? '' : 'BN folded'].filter(Boolean);
    return `inverted residual ${expand} ${p.kernel}×${p.kernel}${p.stride > 1 ? `/${p.stride}` : ''}, ${x ? `${x[0]}→` : ''}${p.filters}${extras.length ? ` (${extras.join(', ')})` : ''}`;
  },
  infer(inputs, p, ctx) {
    const x = inputs[0];
    if (!requireFeatureMap('Inverted residual', x, ctx)) return undefined;
    if (p.kernel % 2 === 0) {
      ctx.error('invalid-param', `Inverted residual: the depthwise kernel ${p.kernel}×${p.kernel} is even, so no padding keeps the map centred — use an odd kernel (3 or 5, as MobileNet and EfficientNet do).`, { param: 'kernel' });
      return undefined;
    }
    return x;
  },
  expand: (p, inputs) => expandInvertedResidual(p, inputs[0]),
};
