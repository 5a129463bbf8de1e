/**
 * The mobile-era modules — SeparableConv, InvertedResidual, SqueezeExcite: shape rules and refusals,
 * what they expand into, summaries, and parameter counts against torchvision's own blocks (numbers
 * from torchvision 0.14, printed by `sum(p.numel() for p in block.parameters())`).
 */
import { describe, expect, it } from 'vitest';
import { MODEL_FORMAT, MODEL_VERSION, type ModelDocument } from '../document/schema';
import { analyze } from '../graph/analyze';
import { buildSummary } from '../summary';

/** Input c×h×w → one node of `type`. */
function doc(input: [number, number, number], type: string, params: Record<string, unknown>): ModelDocument {
  const [channels, height, width] = input;
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    name: type,
    nodes: [
      { id: 'in', type: 'Input', params: { channels, height, width } },
      { id: 'op', type, params },
    ],
    edges: [{ id: 'e', source: 'in', target: 'op' }],
  };
}

function run(input: [number, number, number], type: string, params: Record<string, unknown>) {
  const a = analyze(doc(input, type, params));
  const node = a.nodes.op;
  const inside = a.primitives.nodes.filter((p) => p.owner === 'op');
  return {
    shape: node.outputShape,
    params: node.params,
    macs: node.macs,
    summary: node.summary,
    problems: a.diagnostics.filter((d) => d.nodeId === 'op').map((d) => [d.severity, d.code, d.message]),
    inside: inside.map((p) => p.id.slice('op/'.length)),
    prim: (local: string) => inside.find((p) => p.id === `op/${local}`)!,
  };
}

describe('SeparableConv', () => {
  it('is a depthwise k×k (groups = channels, no bias) then a pointwise 1×1: the lecture’s 128→256 at 56×56', () => {
    const r = run([128, 56, 56], 'SeparableConv', { filters: 256, kernel: 3, bias: false });
    expect(r.shape).toEqual([256, 56, 56]);
    expect(r.inside).toEqual(['depthwise', 'pointwise']);
    expect(r.prim('depthwise').params).toMatchObject({ filters: 128, groups: 128, bias: false, padding: 'same' });
    expect(r.prim('pointwise').params).toMatchObject({ filters: 256, kernel: 1, bias: false });
    // nn.Conv2d(128, 128, 3, groups=128, bias=False) + nn.Conv2d(128, 256, 1, bias=False): 33,920 (a 3×3 nn.Conv2d(128, 256): 294,912).
    expect(r.params).toBe(33_920);
    expect(r.macs).toBe(56 * 56 * 33_920);
    expect(r.summary).toBe('separable conv 3×3, 256');
  });

  it('puts the stride and the padding on the depthwise half; a depth multiplier widens it', () => {
    const r = run([8, 15, 15], 'SeparableConv', { filters: 4, kernel: 3, stride: 2, depthMultiplier: 2 });
    expect(r.shape).toEqual([4, 8, 8]);
    expect(r.prim('depthwise').params).toMatchObject({ filters: 16, groups: 8, stride: 2 });
    expect(r.params).toBe(16 * 9 + 16 * 4 + 4);
    expect(r.summary).toBe('separable conv 3×3/2, 4 (×2 depthwise)');
  });

  it('refuses a kernel larger than its input as its own error, and a flat input', () => {
    expect(run([4, 2, 2], 'SeparableConv', { filters: 4, kernel: 5, padding: 'valid' }).problems).toEqual([
      ['error', 'kernel-too-large', 'Separable conv: the 5×5 kernel is larger than its 2×2 input — use a smaller kernel, add padding (or "same"), or remove a downsampling layer before it.'],
    ]);
    const flat = analyze({ ...doc([4, 6, 6], 'SeparableConv', { filters: 4 }), nodes: [...doc([4, 6, 6], 'SeparableConv', { filters: 4 }).nodes, { id: 'flat', type: 'Flatten', params: {} }], edges: [{ id: 'a', source: 'in', target: 'flat' }, { id: 'b', source: 'flat', target: 'op' }] });
    expect(flat.diagnostics.find((d) => d.nodeId === 'op')?.code).toBe('rank-mismatch');
  });
});

describe('InvertedResidual', () => {
  it('expands, filters depthwise, projects linearly; strided blocks have no skip (torchvision mobilenet_v2.features[2]: 5,136 parameters)', () => {
    const r = run([16, 112, 112], 'InvertedResidual', { filters: 24, expandRatio: 6, stride: 2 });
    expect(r.shape).toEqual([24, 56, 56]);
    expect(r.inside).toEqual(['expand', 'expand_bn', 'expand_act', 'dw', 'dw_bn', 'dw_act', 'project', 'project_bn']);
    expect(r.prim('dw').params).toMatchObject({ filters: 96, groups: 96, kernel: 3, stride: 2, padding: 1, bias: false });
    expect(r.prim('expand_act').params.fn).toBe('relu6');
    expect(r.params).toBe(5_136);
    expect(r.summary).toBe('inverted residual ×6 3×3/2, 16→24');
  });

  it('adds its input at stride 1 with equal channels (features[3]: 8,832), and skips the expansion at ratio 1', () => {
    const same = run([24, 56, 56], 'InvertedResidual', { filters: 24 });
    expect(same.inside.at(-1)).toBe('add');
    expect(same.params).toBe(8_832);
    const first = run([32, 112, 112], 'InvertedResidual', { filters: 16, expandRatio: 1 });
    expect(first.inside).toEqual(['dw', 'dw_bn', 'dw_act', 'project', 'project_bn']);
  });

  it('is EfficientNet’s MBConv with SiLU and squeeze-excite of a quarter of its input channels (efficientnet_b0.features[6][0]: 262,492)', () => {
    const r = run([112, 14, 14], 'InvertedResidual', { filters: 192, kernel: 5, stride: 2, expandRatio: 6, activation: 'silu', seRatio: 0.25 });
    expect(r.shape).toEqual([192, 7, 7]);
    expect(r.inside).toEqual(['expand', 'expand_bn', 'expand_act', 'dw', 'dw_bn', 'dw_act', 'se_pool', 'se_reduce', 'se_act', 'se_expand', 'se_gate', 'se_scale', 'project', 'project_bn']);
    expect(r.prim('se_reduce').params.filters).toBe(28);
    expect(r.prim('se_act').params.fn).toBe('silu');
    expect(r.prim('se_scale').inputs).toEqual(['op/dw_act', 'op/se_gate']);
    expect(r.params).toBe(262_492);
    expect(r.summary).toBe('inverted residual ×6 5×5/2, 112→192 (SiLU, SE)');
    expect(run([32, 112, 112], 'InvertedResidual', { filters: 16, expandRatio: 1, activation: 'silu', seRatio: 0.25 }).params).toBe(1_448);
  });

  it('takes MobileNetV3’s explicit widths and hard gates, and folded batch norm as biases', () => {
    const r = run([16, 28, 28], 'InvertedResidual', { filters: 24, expandChannels: 72, kernel: 5, stride: 2, activation: 'hardswish', seChannels: 24, seActivation: 'relu', seGate: 'hardsigmoid', batchNorm: false });
    expect(r.inside).toEqual(['expand', 'expand_act', 'dw', 'dw_act', 'se_pool', 'se_reduce', 'se_act', 'se_expand', 'se_gate', 'se_scale', 'project']);
    expect(['expand', 'dw', 'project'].map((id) => r.prim(id).params.bias)).toEqual([true, true, true]);
    expect([r.prim('se_act').params.fn, r.prim('se_gate').params.fn, r.prim('dw_act').params.fn]).toEqual(['relu', 'hardsigmoid', 'hardswish']);
    expect(r.params).toBe(16 * 72 + 72 + 72 * 25 + 72 + (72 * 24 + 24) + (24 * 72 + 72) + 72 * 24 + 24);
  });

  it('refuses an even kernel, naming what to use', () => {
    expect(run([8, 8, 8], 'InvertedResidual', { filters: 8, kernel: 4 }).problems).toEqual([
      ['error', 'invalid-param', 'Inverted residual: the depthwise kernel 4×4 is even, so no padding keeps the map centred — use an odd kernel (3 or 5, as MobileNet and EfficientNet do).'],
    ]);
  });
});

describe('SqueezeExcite', () => {
  it('keeps the shape and gates each channel (torchvision SqueezeExcitation(64, 16): 2,128 parameters)', () => {
    const r = run([64, 7, 7], 'SqueezeExcite', {});
    expect(r.shape).toEqual([64, 7, 7]);
    expect(r.inside).toEqual(['pool', 'reduce', 'act', 'expand', 'gate', 'scale']);
    expect(r.prim('reduce').params.filters).toBe(16);
    expect(r.params).toBe(2_128);
    expect(r.macs).toBe(2 * 64 * 16);
    expect(r.summary).toBe('squeeze-excite 64→16→64');
  });

  it('takes the bottleneck width, the activation and a hard gate', () => {
    const r = run([40, 5, 5], 'SqueezeExcite', { squeezeChannels: 8, activation: 'silu', gate: 'hardsigmoid' });
    expect(r.prim('reduce').params.filters).toBe(8);
    expect(r.summary).toBe('squeeze-excite 40→8→40 (SiLU, hard sigmoid gate)');
    expect(run([3, 5, 5], 'SqueezeExcite', { ratio: 0.0625 }).prim('reduce').params.filters).toBe(1);
  });
});

describe('Summary', () => {
  it('lists a module once with its totals and, expanded, its primitives by role', () => {
    const d = doc([16, 56, 56], 'InvertedResidual', { filters: 16, activation: 'silu', seRatio: 0.25 });
    const rows = buildSummary(d, analyze(d), { expand: true }).rows.filter((r) => r.id === 'op' || r.owner === 'op');
    expect(rows[0]).toMatchObject({ summary: 'inverted residual ×6 3×3, 16→16 (SiLU, SE)', depth: 0, params: run([16, 56, 56], 'InvertedResidual', { filters: 16, activation: 'silu', seRatio: 0.25 }).params });
    expect(rows.slice(1).map((r) => r.summary)).toEqual([
      'expand: 1×1 conv',
      'expand: batch norm',
      'expand: SiLU',
      'depthwise: 3×3 conv',
      'depthwise: batch norm',
      'depthwise: SiLU',
      'SE squeeze: global average pool',
      'SE excite: 1×1 reduce to 4',
      'SE excite: SiLU',
      'SE excite: 1×1 expand to 96',
      'SE gate: sigmoid',
      'SE scale: each channel × its gate',
      'project: 1×1 conv',
      'project: batch norm',
      'add: block output + input (skip connection)',
    ]);
  });
});
