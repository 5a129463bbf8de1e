/**
 * Shape rules, refusals and summaries of the MobileNet/ShuffleNet-era ops: Multiply, Channel scale,
 * Channel shuffle, Channel slice, the clip activation, and a convolution with one group per input
 * channel labelled "depthwise".
 */
import { describe, expect, it } from 'vitest';
import { MODEL_FORMAT, MODEL_VERSION, type ModelDocument, type ModelNode } from '../document/schema';
import { analyze } from '../graph/analyze';
import { buildSummary } from '../summary';

/** Inputs by shape, then one node of `type` reading them in order. */
function doc(shapes: number[][], type: string, params: Record<string, unknown> = {}): ModelDocument {
  const inputs: ModelNode[] = shapes.map(([channels, height, width], i) => ({ id: `in${i}`, type: 'Input', params: { channels, height, width } }));
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    name: type,
    nodes: [...inputs, { id: 'op', type, params }],
    edges: inputs.map((n, i) => ({ id: `e${i}`, source: n.id, target: 'op', ...(inputs.length > 1 ? { targetPort: i } : {}) })),
  };
}

/** The node's output shape, or its diagnostics as [code, message]. */
function outcome(d: ModelDocument) {
  const a = analyze(d);
  const problems = a.diagnostics.filter((x) => x.nodeId === 'op').map((x) => [x.severity, x.code, x.message]);
  return problems.length ? problems : a.nodes.op.outputShape;
}

/** A map through a Flatten, to feed an op a vector. */
function flatInput(d: ModelDocument, index: number): ModelDocument {
  const edge = d.edges[index];
  return { ...d, nodes: [...d.nodes, { id: 'flat', type: 'Flatten', params: {} }], edges: [...d.edges.filter((e) => e !== edge), { id: 'ef', source: edge.source, target: 'flat' }, { ...edge, source: 'flat' }] };
}

describe('Multiply', () => {
  it('keeps the shape of its two equal inputs', () => {
    expect(outcome(doc([[4, 5, 6], [4, 5, 6]], 'Multiply'))).toEqual([4, 5, 6]);
  });
  it('refuses different shapes, pointing to Channel scale for a per-channel gate', () => {
    expect(outcome(doc([[4, 5, 6], [4, 1, 1]], 'Multiply'))).toEqual([
      ['error', 'multiply-shape-mismatch', 'Multiply: inputs 4×5×6 and 4×1×1 differ — input 2 is one value per channel: use a Channel scale node to multiply each channel of the map by it.'],
    ]);
    expect(outcome(doc([[4, 5, 6], [3, 5, 6]], 'Multiply'))).toEqual([['error', 'multiply-shape-mismatch', 'Multiply: inputs 4×5×6 and 3×5×6 differ — both inputs must have the same shape; match their filters and strides.']]);
  });
});

describe('Channel scale', () => {
  it('scales a C×H×W map by a C×1×1 gate, or a [C] gate from Dense', () => {
    expect(outcome(doc([[64, 7, 7], [64, 1, 1]], 'ChannelScale'))).toEqual([64, 7, 7]);
    expect(outcome(flatInput(doc([[64, 7, 7], [64, 1, 1]], 'ChannelScale'), 1))).toEqual([64, 7, 7]);
  });
  it('says which channel count the gate needs', () => {
    expect(outcome(doc([[64, 7, 7], [32, 1, 1]], 'ChannelScale'))).toEqual([
      ['error', 'gate-mismatch', "Channel scale: the gate has 32 channels but the map has 64 — the gate needs one value per channel of the map; give the gate branch's last layer 64 filters."],
    ]);
  });
  it('refuses a gate that is not C×1×1, and a map that is a vector', () => {
    expect(outcome(doc([[8, 7, 7], [8, 7, 7]], 'ChannelScale'))).toEqual([
      ['error', 'gate-mismatch', 'Channel scale: the gate (input 2) is 8×7×7, not C×1×1 — make it with a global pool followed by 1×1 convolutions (or Dense layers); to multiply two maps of equal shape, use Multiply.'],
    ]);
    expect(outcome(flatInput(doc([[8, 2, 2], [8, 1, 1]], 'ChannelScale'), 0))).toEqual([
      ['error', 'rank-mismatch', 'Channel scale: input 1 (the map) is a flat vector of 32 values — it must be a C×H×W feature map; connect the map to the first port and the C×1×1 gate to the second.'],
    ]);
  });
});

describe('Channel shuffle and channel slice', () => {
  it('a shuffle keeps the shape; its groups must divide the channels', () => {
    expect(outcome(doc([[116, 28, 28]], 'ChannelShuffle', { groups: 2 }))).toEqual([116, 28, 28]);
    expect(outcome(doc([[58, 28, 28]], 'ChannelShuffle', { groups: 3 }))).toEqual([
      ['error', 'group-mismatch', 'Channel shuffle: 58 channels cannot be split into 3 groups — groups must divide the channel count (use the groups of the convolution before it).'],
    ]);
  });
  it('a slice keeps channels start … end − 1, inside the input', () => {
    expect(outcome(doc([[116, 28, 28]], 'ChannelSlice', { start: 58, end: 116 }))).toEqual([58, 28, 28]);
    expect(outcome(doc([[116, 28, 28]], 'ChannelSlice', { start: 58, end: 120 }))).toEqual([['error', 'invalid-param', "Channel slice: channels 58:120 run past the input's 116 channels — set end to at most 116."]]);
    expect(outcome(doc([[16, 4, 4]], 'ChannelSlice', { start: 8, end: 8 }))).toEqual([['error', 'invalid-param', 'Channel slice: start 8 is not below end 8 — no channel would be kept; make end larger than start.']]);
  });
});

describe('activations', () => {
  it('clip: min above max is an error, no bound at all a warning', () => {
    expect(outcome(doc([[2, 3, 3]], 'Activation', { fn: 'clip', min: 2, max: 1 }))).toEqual([['error', 'invalid-param', 'Clip: min 2 is above max 1 — every value would become 1; make min the smaller bound.']]);
    expect(outcome(doc([[2, 3, 3]], 'Activation', { fn: 'clip' }))).toEqual([['warning', 'invalid-param', 'Clip has neither min nor max, so it passes every value unchanged — set a bound (or use identity).']]);
  });
  it('summaries name the function', () => {
    const summary = (params: Record<string, unknown>) => analyze(doc([[2, 3, 3]], 'Activation', params)).nodes.op.summary;
    expect(['relu6', 'silu', 'hardswish', 'hardsigmoid', 'gelu', 'mish'].map((fn) => summary({ fn }))).toEqual(['ReLU6', 'SiLU (swish)', 'hard swish', 'hard sigmoid', 'GELU', 'Mish']);
    expect([summary({ fn: 'clip', min: -1, max: 1 }), summary({ fn: 'clip', min: 0.5 })]).toEqual(['clip [-1, 1]', 'clip [0.5, ∞)']);
  });
});

describe('depthwise convolution', () => {
  it('a convolution with one group per input channel says "depthwise" on its card and in the Summary; other grouped ones say g<groups>', () => {
    const depthwise = doc([[32, 56, 56]], 'Conv2D', { filters: 32, kernel: 3, stride: 2, padding: 1, groups: 32 });
    expect(analyze(depthwise).nodes.op.summary).toBe('depthwise conv 3×3/2, 32');
    const row = buildSummary(depthwise, analyze(depthwise)).rows.find((r) => r.id === 'op')!;
    expect(row.summary).toBe('depthwise conv 3×3/2, 32');
    // A channel multiplier of 2 (64 filters on 32 channels) is still depthwise.
    expect(analyze(doc([[32, 8, 8]], 'Conv2D', { filters: 64, kernel: 3, groups: 32 })).nodes.op.summary).toBe('depthwise conv 3×3, 64');
    expect(analyze(doc([[32, 8, 8]], 'Conv2D', { filters: 32, kernel: 3, groups: 16 })).nodes.op.summary).toBe('conv 3×3, 32, g16');
    // Before its input shape is known it is summarised from its parameters alone.
    const alone: ModelDocument = { ...depthwise, nodes: depthwise.nodes.slice(1), edges: [] };
    expect(analyze(alone).nodes.op.summary).toBe('conv 3×3/2, 32, g32');
  });
});
