/** ResidualUnit with batch norm folded into its convolutions (what torch.onnx.export writes by default). */
import { describe, expect, it } from 'vitest';
import { MODEL_FORMAT, MODEL_VERSION, type ModelDocument } from '../document/schema';
import { analyze } from '../graph/analyze';

function unit(params: Record<string, unknown>, channels = 8): ModelDocument {
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    name: 'unit',
    nodes: [
      { id: 'in', type: 'Input', params: { channels, height: 8, width: 8 } },
      { id: 'res', type: 'ResidualUnit', params },
    ],
    edges: [{ id: 'e', source: 'in', target: 'res' }],
  };
}

describe('ResidualUnit, batch norm folded', () => {
  it('has no batch norms; every convolution, the projection included, has a bias', () => {
    const a = analyze(unit({ block: 'bottleneck', filters: 4, stride: 2, batchNorm: false }));
    const inside = a.primitives.nodes.filter((p) => p.owner === 'res');
    expect(inside.map((p) => p.id.slice(4))).toEqual(['conv1', 'relu1', 'conv2', 'relu2', 'conv3', 'proj', 'add', 'relu_out']);
    expect(inside.filter((p) => p.type === 'Conv2D').every((p) => p.params.bias === true)).toBe(true);
    expect(a.nodes.res.outputShape).toEqual([16, 4, 4]);
    // torchvision's Bottleneck(8, 4, stride 2) with its BNs folded: (8·4 + 4) + (4·4·9 + 4) + (4·16 + 16) + (8·16 + 16).
    expect(a.nodes.res.params).toBe(36 + 148 + 80 + 144);
    expect(a.nodes.res.summary).toBe('bottleneck residual 4→16/2 (BN folded)');
  });

  it('refuses folding in the pre-activation form, where batch norm comes before the convolution', () => {
    const a = analyze(unit({ block: 'basic', filters: 8, preActivation: true, batchNorm: false }));
    expect(a.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['invalid-param', 'Residual unit: batch norm can be folded into the convolutions only in the original form (it follows each convolution there; pre-activation puts it before) — turn pre-activation off, or batch norm on.'],
    ]);
  });
});
