import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  LECTURE_CONV_INPUT,
  LECTURE_POOL_INPUT,
  comparePooling,
  convMacs,
  explainConvolution,
  formatStepSum,
  inceptionCost,
  kernelPreset,
  availablePresets,
  KERNEL_PRESETS,
  KernelPresetError,
  ExplainInputError,
  cropChannel,
  fmtShort,
  tileMatrix,
  residualComparison,
  sizeFormula,
} from './index';
import { analyze } from '../graph/analyze';
import { googlenet } from '../presets/googlenet';
import type { ModelDocument } from '../document/schema';

const SOBEL_X = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]];

describe('explainConvolution', () => {
  it('matches scipy.signal.correlate2d on the lecture input (Sobel x, zero padding 1)', () => {
    // Reference: scipy 1.17 correlate2d(x, k, mode="same", boundary="fill").
    const e = explainConvolution({ input: LECTURE_CONV_INPUT, kernel: SOBEL_X, padding: 1 });
    expect(e.output).toEqual([[1, -2, 0, -1], [3, -1, -1, -2], [4, -1, -2, -1], [3, -2, -1, 0]]);
    expect(e.steps).toHaveLength(16);
    expect(e.formula.height.text).toBe('⌊(4 + 1 + 1 − 3) / 1⌋ + 1 = 4');
  });

  it('stride 2 takes every other window (scipy result [::2, ::2])', () => {
    const e = explainConvolution({ input: LECTURE_CONV_INPUT, kernel: SOBEL_X, padding: 1, stride: 2 });
    expect(e.output).toEqual([[1, 0], [4, -2]]);
    expect(e.formula.width).toMatchObject({ output: 2, text: '⌊(4 + 1 + 1 − 3) / 2⌋ + 1 = 2' });
    expect(e.steps.map((s) => [s.top, s.left])).toEqual([[-1, -1], [-1, 1], [1, -1], [1, 1]]);
  });

  it('valid padding: 2×2 output and no padded cells (scipy mode="valid")', () => {
    const e = explainConvolution({ input: LECTURE_CONV_INPUT, kernel: [[1, 0, 1], [0, 1, 0], [1, 0, 1]] });
    expect(e.output).toEqual([[2, 2], [4, 4]]);
    expect(e.steps.flatMap((s) => s.cells).some((c) => c.padded)).toBe(false);
    expect(formatStepSum(e.steps[0])).toBe('1·1 + 0·0 + 0·1 + 1·0 + 1·1 + 1·0 + 0·1 + 1·0 + 0·1 = 2');
    expect(formatStepSum({ ...e.steps[0], cells: [{ ...e.steps[0].cells[0], value: 2, weight: -0.5 }], sum: -1 })).toBe('2·(−0.5) = −1');
  });

  it('marks the zero-padded border cells of the first window', () => {
    const e = explainConvolution({ input: LECTURE_CONV_INPUT, kernel: SOBEL_X, padding: 1 });
    const first = e.steps[0];
    expect(first.cells.filter((c) => c.padded).map((c) => [c.row, c.col])).toEqual([[-1, -1], [-1, 0], [-1, 1], [0, -1], [1, -1]]);
    expect(first.cells.filter((c) => c.padded).every((c) => c.value === 0 && c.product === 0)).toBe(true);
    expect(first).toMatchObject({ outRow: 0, outCol: 0 });
  });

  it('"same" padding keeps the size at stride 1, and adds the bias', () => {
    const e = explainConvolution({ input: LECTURE_CONV_INPUT, kernel: [[1]], padding: 'same', bias: 0.5 });
    expect(e.output).toEqual(LECTURE_CONV_INPUT.map((r) => r.map((v) => v + 0.5)));
  });

  it('refuses a kernel larger than the padded input, with a reason', () => {
    expect(() => explainConvolution({ input: [[1, 2]], kernel: SOBEL_X })).toThrow(ExplainInputError);
  });

  it('each output equals the sum of its products and the formula agrees with the output size (property)', () => {
    const matrix = (rows: number, cols: number) => fc.array(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows });
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 7 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 2 }), (n, k, s, p) =>
        fc.assert(
          fc.property(matrix(n, n), matrix(k, k), (input, kernel) => {
            const e = explainConvolution({ input, kernel, stride: s, padding: p });
            expect(e.output.length).toBe(Math.floor((n + 2 * p - k) / s) + 1);
            for (const step of e.steps) expect(step.sum).toBe(step.cells.reduce((a, c) => a + c.value * c.weight, 0));
          }),
          { numRuns: 5 },
        ),
      ),
      { numRuns: 40 },
    );
  });

  it('sizeFormula shows dilation', () => {
    expect(sizeFormula(7, 0, 0, 3, 1, 2).text).toBe('⌊(7 + 0 + 0 − 2·(3 − 1) − 1) / 1⌋ + 1 = 3');
  });

  it('fmtShort and tileMatrix', () => {
    expect([fmtShort(0.0061234), fmtShort(1.2834), fmtShort(48), fmtShort(-153.2), fmtShort(12345)]).toEqual(['0.0061', '1.3', '48', '-153', '12k']);
    expect(tileMatrix([[1, 2], [3, 4]], 3)).toEqual([[1, 2, 1], [3, 4, 3], [1, 2, 1]]);
  });

  it('cropChannel clamps the crop into the tensor', () => {
    const data = Float32Array.from({ length: 2 * 3 * 3 }, (_, i) => i);
    expect(cropChannel(data, [2, 3, 3], 1, 5, 5, 2)).toEqual([[13, 14], [16, 17]]);
  });
});

describe('comparePooling', () => {
  it('gives the lecture’s three 2×2 results', () => {
    const r = comparePooling({ input: LECTURE_POOL_INPUT, kernel: 2, stride: 2 }).results;
    expect(r.max.output).toEqual([[28, 65], [87, 56]]);
    expect(r.min.output).toEqual([[3, 21], [5, 4]]);
    expect(r.avg.output).toEqual([[13, 35], [47, 21]]);
    expect(r.max.chosen).toEqual([[[1, 1], [1, 3]], [[3, 1], [2, 2]]]);
  });

  it('average with padding counts the padded zeros only when asked (as PyTorch count_include_pad)', () => {
    const input = [[4, 8], [12, 16]];
    const without = comparePooling({ input, kernel: 2, stride: 2, padding: 1 }).results.avg.output;
    const withPad = comparePooling({ input, kernel: 2, stride: 2, padding: 1, countIncludePad: true }).results.avg.output;
    expect(without).toEqual([[4, 8], [12, 16]]);
    expect(withPad).toEqual([[1, 2], [3, 4]]);
  });
});

describe('inceptionCost', () => {
  it('reproduces the lecture’s 5×5 branch: 120,422,400 MACs directly vs 12,443,648 with a 16-filter 1×1 first', () => {
    const cost = inceptionCost([192, 28, 28], { c1x1: 64, c3x3reduce: 96, c3x3: 128, c5x5reduce: 16, c5x5: 32, poolProj: 32 });
    const b5 = cost.branches.find((b) => b.name === '5×5')!;
    expect(b5.macsWithoutReduction).toBe(120_422_400);
    expect(b5.macs).toBe(12_443_648);
    expect(convMacs(28, 28, 192, 32, 5)).toBe(120_422_400);
  });

  it('agrees with the engine’s cost model for every inception module of GoogLeNet', () => {
    const doc: ModelDocument = googlenet();
    const a = analyze(doc);
    const modules = doc.nodes.filter((n) => n.type === 'Inception');
    expect(modules.length).toBe(9);
    for (const m of modules) {
      const node = a.nodes[m.id];
      const input = node.inputShapes[0]!;
      const cost = inceptionCost(input, m.params as never);
      expect(cost.macs).toBe(node.macs);
      expect(cost.outChannels).toBe(node.outputShape![0]);
      expect(cost.macsWithoutReductions).toBeGreaterThan(cost.macs);
    }
  });
});

describe('kernel presets', () => {
  it('gives the textbook 3×3 kernels', () => {
    expect(kernelPreset('sobel-x', 3)).toEqual(SOBEL_X);
    expect(kernelPreset('sobel-y', 3)).toEqual([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]);
    expect(kernelPreset('laplacian', 3)).toEqual([[0, 1, 0], [1, -4, 1], [0, 1, 0]]);
    expect(kernelPreset('sharpen', 3)).toEqual([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]);
    expect(kernelPreset('emboss', 3)).toEqual([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]]);
    expect(kernelPreset('identity', 3)).toEqual([[0, 0, 0], [0, 1, 0], [0, 0, 0]]);
    expect(kernelPreset('gaussian', 3)).toEqual([[1, 2, 1], [2, 4, 2], [1, 2, 1]].map((r) => r.map((v) => v / 16)));
  });

  it('extends Sobel to 5×5 as OpenCV does ([1,4,6,4,1] ⊗ [−1,−2,0,2,1])', () => {
    const k = kernelPreset('sobel-x', 5);
    expect(k[2]).toEqual([-6, -12, 0, 12, 6]);
    expect(k[0]).toEqual([-1, -2, 0, 2, 1]);
  });

  it('blurs sum to 1 and edge detectors to 0 at every size', () => {
    for (const k of [3, 5, 7]) {
      const total = (m: number[][]) => m.flat().reduce((a, b) => a + b, 0);
      expect(total(kernelPreset('box-blur', k))).toBeCloseTo(1, 12);
      expect(total(kernelPreset('gaussian', k))).toBeCloseTo(1, 12);
      expect(total(kernelPreset('sharpen', k))).toBeCloseTo(1, 12);
      for (const n of ['sobel-x', 'sobel-y', 'laplacian'] as const) expect(total(kernelPreset(n, k))).toBe(0);
    }
  });

  it('says which presets a size cannot have', () => {
    expect(availablePresets(3).length).toBe(KERNEL_PRESETS.length);
    expect(availablePresets(1).map((p) => p.name)).toEqual(['identity', 'box-blur', 'gaussian', 'sharpen', 'emboss']);
    expect(() => kernelPreset('identity', 2)).toThrow(KernelPresetError);
  });
});

describe('residualComparison', () => {
  it('labels shortcut and residual branch for both orderings', () => {
    const [orig, pre] = residualComparison({ block: 'basic', filters: 128, stride: 2, preActivation: false, projection: 'auto' }, [64, 56, 56]);
    expect(orig.residual.map((s) => s.label)).toEqual(['conv 3×3/2, 128', 'BN', 'ReLU', 'conv 3×3, 128', 'BN']);
    expect(orig.shortcut.map((s) => s.label)).toEqual(['conv 1×1/2, 128', 'BN']);
    expect(orig.merge.map((s) => s.label)).toEqual(['+', 'ReLU']);
    expect(pre.preActivation).toBe(true);
    expect(pre.residual.map((s) => s.label)).toEqual(['BN', 'ReLU', 'conv 3×3/2, 128', 'BN', 'ReLU', 'conv 3×3, 128']);
    expect(pre.merge.map((s) => s.label)).toEqual(['+']);
    const [identity] = residualComparison({ block: 'basic', filters: 64, stride: 1, preActivation: false, projection: 'auto' }, [64, 56, 56]);
    expect(identity.identityShortcut).toBe(true);
    expect(identity.shortcut).toEqual([]);
  });
});
