import { z } from 'zod';
import type { OpDef, Subgraph, SubgraphNode } from './op';
import { LIMITS, posInt, requireFeatureMap } from './common';

/** The activations a mobile block uses between its layers (MobileNetV2 ReLU6, MobileNetV3 ReLU / hard swish, EfficientNet SiLU). */
export const BLOCK_ACTIVATIONS = ['relu', 'relu6', 'silu', 'hardswish'] as const;
export type BlockActivation = (typeof BLOCK_ACTIVATIONS)[number];
/** The functions that turn the excitation into a gate in (0, 1) (MobileNetV3 uses the hard one). */
export const GATE_FUNCTIONS = ['sigmoid', 'hardsigmoid'] as const;
export type GateFunction = (typeof GATE_FUNCTIONS)[number];

/** Short names for roles and summaries. */
export const ACTIVATION_LABEL: Record<BlockActivation | GateFunction, string> = { relu: 'ReLU', relu6: 'ReLU6', silu: 'SiLU', hardswish: 'hard swish', sigmoid: 'sigmoid', hardsigmoid: 'hard sigmoid' };

const Params = z.object({
  /** Channels between the two 1×1 convolutions; absent: ⌊channels · ratio⌋, at least 1. */
  squeezeChannels: posInt(LIMITS.channels).optional(),
  /** The bottleneck as a fraction of the input channels when `squeezeChannels` is absent (EfficientNet 0.25; SENet's r = 16 is 0.0625). */
  ratio: z.number().positive().max(1).default(0.25),
  /** After the reducing 1×1 convolution (ReLU in SENet and MobileNetV3, SiLU in EfficientNet). */
  activation: z.enum(BLOCK_ACTIVATIONS).default('relu'),
  /** Turns the excitation into one factor per channel (hard sigmoid in MobileNetV3). */
  gate: z.enum(GATE_FUNCTIONS).default('sigmoid'),
});
export type SqueezeExciteParams = z.infer<typeof Params>;

/** Channels of the squeeze bottleneck for a map of `channels`. */
export function squeezeWidth(p: Pick<SqueezeExciteParams, 'squeezeChannels' | 'ratio'>, channels: number): number {
  return p.squeezeChannels ?? Math.max(1, Math.floor(channels * p.ratio));
}

export interface SqueezeExciteLayers {
  channels: number;
  squeeze: number;
  activation: BlockActivation;
  gate: GateFunction;
}

/**
 * The primitives of a squeeze-and-excitation gate on `input` (a local id, or the module's input 0),
 * with local ids `<prefix>pool`, `<prefix>reduce` … `<prefix>scale` (the output) and roles starting
 * with `rolePrefix`. Shared by the SqueezeExcite module (no prefixes) and the inverted residual ("se_", "SE ").
 */
export function squeezeExciteNodes(s: SqueezeExciteLayers, input: string | number, prefix = '', rolePrefix = ''): SubgraphNode[] {
  const id = (local: string) => `${prefix}${local}`;
  const role = (text: string) => `${rolePrefix}${text}`;
  return [
    { id: id('pool'), type: 'GlobalPool', params: { mode: 'avg' }, inputs: [input], role: role('squeeze: global average pool') },
    { id: id('reduce'), type: 'Conv2D', params: { filters: s.squeeze, kernel: 1 }, inputs: [id('pool')], role: role(`excite: 1×1 reduce to ${s.squeeze}`) },
    { id: id('act'), type: 'Activation', params: { fn: s.activation }, inputs: [id('reduce')], role: role(`excite: ${ACTIVATION_LABEL[s.activation]}`) },
    { id: id('expand'), type: 'Conv2D', params: { filters: s.channels, kernel: 1 }, inputs: [id('act')], role: role(`excite: 1×1 expand to ${s.channels}`) },
    { id: id('gate'), type: 'Activation', params: { fn: s.gate }, inputs: [id('expand')], role: role(`gate: ${ACTIVATION_LABEL[s.gate]}`) },
    { id: id('scale'), type: 'ChannelScale', params: {}, inputs: [input, id('gate')], role: role('scale: each channel × its gate') },
  ];
}

/** The SqueezeExcite module's expansion for a map of `channels` (local ids pool … scale, the output). */
export function expandSqueezeExciteModule(p: SqueezeExciteParams, channels: number): Subgraph {
  return { nodes: squeezeExciteNodes({ channels, squeeze: squeezeWidth(p, channels), activation: p.activation, gate: p.gate }, 0), output: 'scale' };
}

/**
 * Squeeze-and-excitation (Hu et al., 2018; as torchvision's SqueezeExcitation): a global average
 * pool squeezes each channel to one number, a 1×1 convolution reduces them, an activation, a 1×1
 * convolution expands back, a sigmoid turns that into one gate per channel, and every channel of the
 * input is multiplied by its gate. Costs almost nothing in MACs; its parameters are the two 1×1s.
 */
export const SqueezeExciteOp: OpDef<SqueezeExciteParams> = {
  type: 'SqueezeExcite',
  title: 'Squeeze-excite',
  category: 'module',
  doc: 'Re-weights the channels of a map: a global average pool squeezes each channel to one number, two 1×1 convolutions (reduce, activation, expand) and a sigmoid turn them into one gate per channel, and each channel is multiplied by its gate. SENet, MobileNetV3 and EfficientNet use it.',
  params: Params,
  example: { ratio: 0.25 },
  arity: { min: 1, max: 1 },
  summary(p, inputs) {
    const c = inputs?.[0]?.length === 3 ? inputs[0][0] : undefined;
    const width = c !== undefined ? `${c}→${squeezeWidth(p, c)}→${c}` : p.squeezeChannels !== undefined ? `→${p.squeezeChannels}→` : `×${p.ratio}`;
    const extras = [p.activation !== 'relu' ? ACTIVATION_LABEL[p.activation] : '', p.gate !== 'sigmoid' ? `${ACTIVATION_LABEL[p.gate]} gate` : ''].filter(Boolean);
    return `squeeze-excite ${width}${extras.length ? ` (${extras.join(', ')})` : ''}`;
  },
  infer(inputs, _p, ctx) {
    // Checks the input before expanding; the expansion gives the real shape (the input's).
    return requireFeatureMap('Squeeze-excite', inputs[0], ctx) ? inputs[0] : undefined;
  },
  expand: (p, inputs) => expandSqueezeExciteModule(p, inputs[0][0]),
};
