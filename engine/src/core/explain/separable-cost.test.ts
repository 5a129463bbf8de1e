import { describe, expect, it } from 'vitest';
import { MODEL_FORMAT, MODEL_VERSION, type ModelDocument } from '../document/schema';
import { analyze } from '../graph/analyze';
import { LECTURE_SEPARABLE, separableCost } from './separable-cost';

/** One node of `type` on the lecture's 128×56×56 input: the engine's own count of it. */
function engineCount(type: string, params: Record<string, unknown>) {
  const doc: ModelDocument = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    name: type,
    nodes: [
      { id: 'in', type: 'Input', params: { channels: 128, height: 56, width: 56 } },
      { id: 'op', type, params },
    ],
    edges: [{ id: 'e', source: 'in', target: 'op' }],
  };
  const n = analyze(doc).nodes.op;
  return { params: n.params, macs: n.macs };
}

describe('depthwise-separable cost', () => {
  it('the lecture’s 3×3 conv 128→256 at 56×56: 294,912 weights against 1,152 + 32,768 (PyTorch’s counts), 8.7× fewer MACs', () => {
    const c = separableCost(LECTURE_SEPARABLE.input, LECTURE_SEPARABLE.filters, LECTURE_SEPARABLE.kernel);
    // sum(p.numel()) of nn.Conv2d(128, 256, 3, bias=False); nn.Conv2d(128, 128, 3, groups=128, bias=False); nn.Conv2d(128, 256, 1, bias=False).
    expect(c.standard.params).toBe(294_912);
    expect(c.separable.map((s) => s.params)).toEqual([1_152, 32_768]);
    expect(c.separableParams).toBe(33_920);
    expect(c.standard.macs).toBe(924_844_032);
    expect(c.separable.map((s) => s.macs)).toEqual([3_612_672, 102_760_448]);
    expect(c.separableMacs).toBe(106_373_120);
    // MobileNet (Howard et al., 2017), eq. 5: separable / standard = 1/N + 1/k².
    expect(1 / c.ratio).toBeCloseTo(1 / 256 + 1 / 9, 12);
    expect(c.ratio.toFixed(2)).toBe('8.69');
  });

  it('agrees with the engine’s own Conv2D and SeparableConv nodes', () => {
    const c = separableCost([128, 56, 56], 256, 3);
    expect(engineCount('Conv2D', { filters: 256, kernel: 3, padding: 'same', bias: false })).toEqual({ params: c.standard.params, macs: c.standard.macs });
    expect(engineCount('SeparableConv', { filters: 256, kernel: 3, bias: false })).toEqual({ params: c.separableParams, macs: c.separableMacs });
    const strided = separableCost([128, 56, 56], 64, 5, { output: [28, 28], depthMultiplier: 2 });
    expect(engineCount('SeparableConv', { filters: 64, kernel: 5, stride: 2, depthMultiplier: 2, bias: false })).toEqual({ params: strided.separableParams, macs: strided.separableMacs });
  });
});
