import { z } from 'zod';
import type { OpDef, Subgraph, SubgraphNode } from './op';
import { LIMITS, requireFeatureMap } from './common';
import type { Shape } from '../shape';

const Params = z.object({
  block: z.enum(['basic', 'bottleneck']).default('basic'),
  filters: z.number().int().positive().max(LIMITS.channels),
  stride: z.number().int().positive().max(16).default(1),
  preActivation: z.boolean().default(false),
  projection: z.enum(['auto', 'always', 'never']).default('auto'),
  /** Bottleneck only: groups of the 3×3 convolution (ResNeXt's cardinality, 32 in ResNeXt-50 32×4d); absent = 1. */
  groups: z.number().int().positive().max(LIMITS.channels).optional(),
  /** Bottleneck only: channels per group at 64 filters (ResNeXt 4, Wide ResNet 128; torchvision's width_per_group); absent = 64. */
  widthPerGroup: z.number().int().positive().max(LIMITS.channels).optional(),
  /** Original form only: false when batch norm is folded into the convolutions, which then have biases (files exported for inference); absent = true. */
  batchNorm: z.boolean().optional(),
});
export type ResidualUnitParams = z.infer<typeof Params>;

export function residualOutChannels(p: Pick<ResidualUnitParams, 'block' | 'filters'>): number {
  return p.block === 'bottleneck' ? 4 * p.filters : p.filters;
}

/**
 * Channels of a bottleneck's 1×1 reduction and grouped 3×3, as torchvision computes them:
 * ⌊filters · widthPerGroup / 64⌋ · groups (ResNet-50: 64 → 64; ResNeXt-50 32×4d: 64 → 128; Wide ResNet-50-2: 64 → 128).
 */
export function bottleneckWidth(p: Pick<ResidualUnitParams, 'filters'> & Partial<Pick<ResidualUnitParams, 'groups' | 'widthPerGroup'>>): number {
  return Math.floor((p.filters * (p.widthPerGroup ?? 64)) / 64) * (p.groups ?? 1);
}

/** Whether the unit is widened or grouped (ResNeXt, Wide ResNet) rather than a plain ResNet unit. */
const isWidened = (p: Partial<Pick<ResidualUnitParams, 'groups' | 'widthPerGroup'>>) => (p.groups ?? 1) !== 1 || (p.widthPerGroup ?? 64) !== 64;

/** Whether the unit projects its shortcut (1×1 conv, with BN in the original form) for this input. */
export function usesProjection(p: Pick<ResidualUnitParams, 'block' | 'filters' | 'stride' | 'projection'>, input: Shape): boolean {
  if (p.projection === 'always') return true;
  if (p.projection === 'never') return false;
  return input[0] !== residualOutChannels(p) || p.stride !== 1;
}

const conv = (filters: number, kernel: number, stride: number, padding: number, groups = 1, bias = false) => ({ filters, kernel, stride, padding, bias, ...(groups > 1 ? { groups } : {}) });
const relu = { fn: 'relu' };

/**
 * ResNet's residual unit. Original (ResNet v1, torchvision: stride on the 3×3 conv):
 *   x → [conv → BN → ReLU]… → conv → BN → (+ shortcut) → ReLU
 * Pre-activation ("Identity Mappings in Deep Residual Networks"):
 *   x → BN → ReLU → conv → … → BN → ReLU → conv → (+ shortcut); the projection reads the pre-activated x.
 */
export function expandResidualUnit(p: ResidualUnitParams, input: Shape): Subgraph {
  const out = residualOutChannels(p);
  const f = p.filters;
  const project = usesProjection(p, input);
  // Folded (original form only): each convolution carries its batch norm as a bias.
  const folded = p.batchNorm === false && !p.preActivation;
  const convs =
    p.block === 'basic'
      ? [conv(f, 3, p.stride, 1, 1, folded), conv(f, 3, 1, 1, 1, folded)]
      : [conv(bottleneckWidth(p), 1, 1, 0, 1, folded), conv(bottleneckWidth(p), 3, p.stride, 1, p.groups ?? 1, folded), conv(out, 1, 1, 0, 1, folded)];
  const nodes: SubgraphNode[] = [];
  let shortcut: string | number = 0;

  if (!p.preActivation) {
    let prev: string | number = 0;
    convs.forEach((c, i) => {
      const k = i + 1;
      nodes.push({ id: `conv${k}`, type: 'Conv2D', params: c, inputs: [prev], role: `residual: conv ${c.kernel}×${c.kernel}${folded ? ' (batch norm folded in)' : ''}` });
      prev = `conv${k}`;
      if (!folded) {
        nodes.push({ id: `bn${k}`, type: 'BatchNorm', params: {}, inputs: [`conv${k}`], role: 'residual: batch norm' });
        prev = `bn${k}`;
      }
      if (k < convs.length) {
        nodes.push({ id: `relu${k}`, type: 'Activation', params: relu, inputs: [prev], role: 'residual: ReLU' });
        prev = `relu${k}`;
      }
    });
    if (project) {
      nodes.push({ id: 'proj', type: 'Conv2D', params: conv(out, 1, p.stride, 0, 1, folded), inputs: [0], role: `shortcut: 1×1 projection${folded ? ' (batch norm folded in)' : ''}` });
      shortcut = 'proj';
      if (!folded) {
        nodes.push({ id: 'proj_bn', type: 'BatchNorm', params: {}, inputs: ['proj'], role: 'shortcut: batch norm' });
        shortcut = 'proj_bn';
      }
    }
    nodes.push({ id: 'add', type: 'Add', params: {}, inputs: [prev, shortcut], role: 'add: residual + shortcut' });
    nodes.push({ id: 'relu_out', type: 'Activation', params: relu, inputs: ['add'], role: 'ReLU after the addition' });
    return { nodes, output: 'relu_out' };
  }

  let prev: string | number = 0;
  convs.forEach((c, i) => {
    const k = i + 1;
    nodes.push({ id: `bn${k}`, type: 'BatchNorm', params: {}, inputs: [prev], role: 'residual: batch norm (pre-activation)' });
    nodes.push({ id: `relu${k}`, type: 'Activation', params: relu, inputs: [`bn${k}`], role: 'residual: ReLU (pre-activation)' });
    nodes.push({ id: `conv${k}`, type: 'Conv2D', params: c, inputs: [`relu${k}`], role: `residual: conv ${c.kernel}×${c.kernel}` });
    prev = `conv${k}`;
  });
  if (project) {
    nodes.push({ id: 'proj', type: 'Conv2D', params: conv(out, 1, p.stride, 0), inputs: ['relu1'], role: 'shortcut: 1×1 projection (of the pre-activated input)' });
    shortcut = 'proj';
  }
  nodes.push({ id: 'add', type: 'Add', params: {}, inputs: [prev, shortcut], role: 'add: residual + shortcut (identity path stays clean)' });
  return { nodes, output: 'add' };
}

export const ResidualUnitOp: OpDef<ResidualUnitParams> = {
  type: 'ResidualUnit',
  title: 'Residual unit',
  category: 'module',
  doc: 'ResNet’s building block: a few convolutions whose output is added to the unit’s own input (the shortcut), so the layers learn a correction. Pre-activation puts BN and ReLU before each conv. A bottleneck can group its 3×3 convolution (ResNeXt: `groups` 32, `widthPerGroup` 4) or widen it (Wide ResNet: `widthPerGroup` 128).',
  params: Params,
  example: { block: 'basic', filters: 64, stride: 1 },
  arity: { min: 1, max: 1 },
  summary: (p) =>
    `${p.preActivation ? 'pre-act ' : ''}${p.block} residual ${p.filters}${p.block === 'bottleneck' ? `→${4 * p.filters}` : ''}${p.stride > 1 ? `/${p.stride}` : ''}` +
    (p.block === 'bottleneck' && isWidened(p) ? ` (${(p.groups ?? 1) > 1 ? `${p.groups}×${p.widthPerGroup}d` : `width ${bottleneckWidth(p)}`})` : '') +
    (p.batchNorm === false ? ' (BN folded)' : ''),
  infer(inputs, p, ctx) {
    if (!requireFeatureMap('Residual unit', inputs[0], ctx)) return undefined;
    if (p.block === 'basic' && isWidened(p)) {
      ctx.error(
        'invalid-param',
        `Residual unit: groups ${p.groups ?? 1} and width per group ${p.widthPerGroup ?? 64} apply to bottleneck units (ResNeXt, Wide ResNet) — set block to "bottleneck", or groups 1 and width per group 64 for a basic unit.`,
        { param: (p.groups ?? 1) !== 1 ? 'groups' : 'widthPerGroup', params: { variant: 'basic-widened', groups: p.groups ?? 1, width: p.widthPerGroup ?? 64 } },
      );
      return undefined;
    }
    if (p.preActivation && p.batchNorm === false) {
      ctx.error('invalid-param', 'Residual unit: batch norm can be folded into the convolutions only in the original form (it follows each convolution there; pre-activation puts it before) — turn pre-activation off, or batch norm on.', { param: 'batchNorm' });
      return undefined;
    }
    return inputs[0];
  },
  expand: (p, inputs) => expandResidualUnit(p, inputs[0]),
};
