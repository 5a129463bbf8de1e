import { describe, expect, it } from 'vitest';
import { analyze } from '../graph/analyze';
import { lenet5 } from '../presets/lenet';
import { resolveWeights } from '../weights/resolve';
import { convWeights, getKernelSlice, setKernelSlice, withInlineConvWeights, withoutInlineConvWeights, KernelEditError, kernelPreset } from './index';

describe('kernel tensor editing', () => {
  const doc = lenet5();
  const conv = doc.nodes.find((n) => n.type === 'Conv2D')!;

  it('reads the seeded kernel, writes a preset into one filter, and the engine then uses it', () => {
    const a = analyze(doc);
    const { kernel, bias } = convWeights(doc, a, conv.id);
    expect(kernel.shape).toEqual([6, 1, 5, 5]);
    expect(bias).toHaveLength(6);
    const sobel = kernelPreset('sobel-x', 5);
    const edited = setKernelSlice(kernel, 2, 'all', sobel);
    expect(getKernelSlice(edited, 2, 0)).toEqual(sobel);
    expect(getKernelSlice(edited, 1, 0)).toEqual(getKernelSlice(kernel, 1, 0));
    expect(kernel.data).not.toEqual(edited.data); // the original is untouched

    const next = withInlineConvWeights(doc, conv.id, edited, new Float32Array(6).fill(0.25));
    expect(next.nodes.find((n) => n.id === conv.id)!.weights!.kernel.shape).toEqual([6, 1, 5, 5]);
    const prim = analyze(next).primitives.nodes.find((p) => p.id === conv.id)!;
    const used = resolveWeights(next, prim);
    expect(Array.from(used.kernel)).toEqual(Array.from(edited.data));
    expect(Array.from(used.bias)).toEqual(new Array(6).fill(0.25));

    const back = withoutInlineConvWeights(next, conv.id);
    expect(back.nodes.find((n) => n.id === conv.id)!.weights).toBeUndefined();
    expect(Array.from(convWeights(back, analyze(back), conv.id).kernel.data)).toEqual(Array.from(kernel.data));
  });

  it('stores large kernels as base64 that decodes to the same values', () => {
    const big = { shape: [64, 64, 3, 3] as [number, number, number, number], data: Float32Array.from({ length: 64 * 64 * 9 }, (_, i) => Math.sin(i)) };
    const next = withInlineConvWeights(doc, conv.id, big);
    const t = next.nodes.find((n) => n.id === conv.id)!.weights!.kernel;
    expect(t.data).toBeUndefined();
    expect(typeof t.base64).toBe('string');
  });

  it('refuses non-convolutions and wrong slice sizes with a reason', () => {
    const a = analyze(doc);
    const dense = doc.nodes.find((n) => n.type === 'Dense')!;
    expect(() => convWeights(doc, a, dense.id)).toThrow(KernelEditError);
    const { kernel } = convWeights(doc, a, conv.id);
    expect(() => setKernelSlice(kernel, 0, 0, kernelPreset('sobel-x', 3))).toThrow(/5×5/);
  });
});
