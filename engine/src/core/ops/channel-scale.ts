import { z } from 'zod';
import type { OpDef } from './op';
import { formatShape, type Shape } from '../shape';
import { attr } from '../onnx/lowering';
import { emitter } from '../train/windows';

const Params = z.object({});

/** The gate's channel count when it is C×1×1 or a vector [C]; undefined otherwise. */
function gateChannels(gate: Shape): number | undefined {
  if (gate.length === 1) return gate[0];
  if (gate.length === 3 && gate[1] === 1 && gate[2] === 1) return gate[0];
  return undefined;
}

export const ChannelScaleOp: OpDef<Record<string, never>> = {
  type: 'ChannelScale',
  title: 'Channel scale',
  category: 'merge',
  doc: 'Multiplies every channel of a C×H×W map (input 1) by one number per channel from a C×1×1 gate (input 2) — the last step of squeeze-and-excitation, where the gate says how much each channel matters.',
  params: Params as never,
  example: {},
  arity: { min: 2, max: 2 },
  summary: () => 'channel scale',
  infer(inputs, _p, ctx) {
    const [map, gate] = inputs;
    if (map.length !== 3) {
      ctx.error('rank-mismatch', `Channel scale: input 1 (the map) is a flat vector of ${formatShape(map)} values — it must be a C×H×W feature map; connect the map to the first port and the C×1×1 gate to the second.`, {
        inputIndex: 0,
        params: { variant: 'scale-map', shape: formatShape(map) },
      });
      return undefined;
    }
    const c = gateChannels(gate);
    if (c === undefined) {
      ctx.error(
        'gate-mismatch',
        `Channel scale: the gate (input 2) is ${formatShape(gate)}, not C×1×1 — make it with a global pool followed by 1×1 convolutions (or Dense layers); to multiply two maps of equal shape, use Multiply.`,
        { inputIndex: 1, params: { variant: 'shape', shape: formatShape(gate) } },
      );
      return undefined;
    }
    if (c !== map[0]) {
      ctx.error('gate-mismatch', `Channel scale: the gate has ${c} channels but the map has ${map[0]} — the gate needs one value per channel of the map; give the gate branch's last layer ${map[0]} filters.`, {
        inputIndex: 1,
        params: { gate: c, channels: map[0] },
      });
      return undefined;
    }
    return map;
  },
  macs: () => 0,
  lowerOnnx(_p, ctx) {
    // A gate [C] (after Dense) is read as C×1×1.
    const gate = ctx.inputShapes[1].length === 1 ? emitter(ctx)('Unsqueeze', [ctx.inputs[1], ctx.constInt64([2, 3], 'hw_axes')], 'gate_map') : ctx.inputs[1];
    ctx.node('Mul', [ctx.inputs[0], gate], [ctx.output]);
  },
  gradOnnx(_p, ctx) {
    const op = emitter(ctx);
    const [map, gate] = ctx.inputs;
    const vectorGate = ctx.inputShapes[1].length === 1;
    // ∂map = ∂y·gate (broadcast over H×W); ∂gate = Σ over H×W of ∂y·map.
    if (ctx.needsInputGrad[0]) {
      const g = vectorGate ? op('Unsqueeze', [gate, ctx.constInt64([2, 3], 'hw_axes')], 'gate_map') : gate;
      ctx.inputGrad(0, op('Mul', [ctx.outputGrad, g], 'dmap'));
    }
    if (ctx.needsInputGrad[1]) {
      const product = op('Mul', [ctx.outputGrad, map], 'dy_map');
      ctx.inputGrad(1, op('ReduceSum', [product, ctx.constInt64([2, 3], 'hw')], 'dgate', { keepdims: attr.i(vectorGate ? 0 : 1) }));
    }
  },
};
