import { z } from 'zod';
import type { OpDef, Subgraph } from './op';
import { LIMITS, requireFeatureMap } from './common';

const ch = () => z.number().int().positive().max(LIMITS.channels);
const Params = z.object({
  c1x1: ch(),
  c3x3reduce: ch(),
  c3x3: ch(),
  c5x5reduce: ch(),
  c5x5: ch(),
  poolProj: ch(),
});
export type InceptionParams = z.infer<typeof Params>;

const relu = { fn: 'relu' };

/**
 * GoogLeNet's inception module ("Going deeper with convolutions", Table 1): four parallel branches —
 * 1×1; 1×1 reduce → 3×3; 1×1 reduce → 5×5; 3×3/1 max pool → 1×1 projection — each conv followed by
 * ReLU, concatenated along channels. The 1×1 reductions are what make it cheap.
 */
export function expandInception(p: InceptionParams): Subgraph {
  return {
    nodes: [
      { id: 'b1_conv', type: 'Conv2D', params: { filters: p.c1x1, kernel: 1 }, inputs: [0], role: 'branch 1: 1×1' },
      { id: 'b1_relu', type: 'Activation', params: relu, inputs: ['b1_conv'], role: 'branch 1: ReLU' },
      { id: 'b2_reduce', type: 'Conv2D', params: { filters: p.c3x3reduce, kernel: 1 }, inputs: [0], role: 'branch 2: 1×1 reduce' },
      { id: 'b2_reduce_relu', type: 'Activation', params: relu, inputs: ['b2_reduce'], role: 'branch 2: ReLU' },
      { id: 'b2_conv', type: 'Conv2D', params: { filters: p.c3x3, kernel: 3, padding: 1 }, inputs: ['b2_reduce_relu'], role: 'branch 2: 3×3' },
      { id: 'b2_relu', type: 'Activation', params: relu, inputs: ['b2_conv'], role: 'branch 2: ReLU' },
      { id: 'b3_reduce', type: 'Conv2D', params: { filters: p.c5x5reduce, kernel: 1 }, inputs: [0], role: 'branch 3: 1×1 reduce' },
      { id: 'b3_reduce_relu', type: 'Activation', params: relu, inputs: ['b3_reduce'], role: 'branch 3: ReLU' },
      { id: 'b3_conv', type: 'Conv2D', params: { filters: p.c5x5, kernel: 5, padding: 2 }, inputs: ['b3_reduce_relu'], role: 'branch 3: 5×5' },
      { id: 'b3_relu', type: 'Activation', params: relu, inputs: ['b3_conv'], role: 'branch 3: ReLU' },
      { id: 'b4_pool', type: 'Pool2D', params: { mode: 'max', kernel: 3, stride: 1, padding: 1 }, inputs: [0], role: 'branch 4: 3×3 max pool' },
      { id: 'b4_proj', type: 'Conv2D', params: { filters: p.poolProj, kernel: 1 }, inputs: ['b4_pool'], role: 'branch 4: 1×1 pool proj' },
      { id: 'b4_relu', type: 'Activation', params: relu, inputs: ['b4_proj'], role: 'branch 4: ReLU' },
      { id: 'concat', type: 'Concat', params: {}, inputs: ['b1_relu', 'b2_relu', 'b3_relu', 'b4_relu'], role: 'concat' },
    ],
    output: 'concat',
  };
}

export const InceptionOp: OpDef<InceptionParams> = {
  type: 'Inception',
  title: 'Inception module',
  category: 'module',
  doc: 'GoogLeNet’s module: 1×1, 3×3 and 5×5 convolutions and a 3×3 max pool side by side, concatenated. 1×1 “reduce” convolutions shrink the channels first, which makes the big kernels cheap.',
  params: Params,
  example: { c1x1: 64, c3x3reduce: 96, c3x3: 128, c5x5reduce: 16, c5x5: 32, poolProj: 32 },
  arity: { min: 1, max: 1 },
  summary: (p) => `inception: ${p.c1x1} · ${p.c3x3reduce}→${p.c3x3} · ${p.c5x5reduce}→${p.c5x5} · ${p.poolProj}`,
  expand(p, inputs) {
    return expandInception(p);
  },
  infer(inputs, _p, ctx) {
    // Only used to check the input before expanding; the expansion gives the real shape.
    return requireFeatureMap('Inception', inputs[0], ctx) ? inputs[0] : undefined;
  },
};
