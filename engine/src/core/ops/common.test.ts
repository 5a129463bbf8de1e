import { describe, expect, it } from 'vitest';
import { resolvePads, slideOutput, type WindowGeometry } from './common';
import type { InferContext } from './op';

function collect() {
  const errors: string[] = [];
  const warnings: string[] = [];
  const ctx: InferContext = { error: (code) => void errors.push(code), warn: (code) => void warnings.push(code) };
  return { ctx, errors, warnings };
}
const out = (inH: number, inW: number, g: WindowGeometry) => {
  const c = collect();
  return { hw: slideOutput('T', inH, inW, g, c.ctx), ...c };
};

describe('output size: floor((H + pad_top + pad_bottom − dilation·(k−1) − 1) / stride) + 1', () => {
  it.each([
    // [in, kernel, stride, padding, dilation, expected] — values checked against torch.nn.Conv2d
    [224, 7, 2, 3, 1, 112],
    [224, 11, 4, 2, 1, 55],
    [56, 3, 2, 1, 1, 28],
    [55, 3, 2, 0, 1, 27],
    [32, 5, 1, 0, 1, 28],
    [10, 3, 1, 0, 2, 6],
    [10, 3, 3, 0, 1, 3],
    [7, 7, 1, 0, 1, 1],
  ])('in %i, k %i, s %i, p %i, d %i → %i', (n, k, s, p, d, expected) => {
    expect(out(n, n, { kernel: k, stride: s, padding: p, dilation: d }).hw).toEqual([expected, expected]);
  });

  it('asymmetric padding [top, left, bottom, right] and rectangular kernels', () => {
    expect(out(10, 10, { kernel: [3, 1], stride: 1, padding: [2, 0, 0, 0] }).hw).toEqual([10, 10]);
    expect(out(10, 20, { kernel: [1, 7], stride: [1, 2], padding: [0, 3, 0, 3] }).hw).toEqual([10, 10]);
  });
});

describe('"same" padding pads like TensorFlow: output = ceil(in / stride), extra pixel bottom/right', () => {
  it.each([
    [28, 5, 1, 1, [2, 2, 2, 2], 28],
    [224, 7, 2, 1, [2, 2, 3, 3], 112],
    [5, 2, 2, 1, [0, 0, 1, 1], 3],
    [6, 2, 2, 1, [0, 0, 0, 0], 3],
    [7, 3, 2, 1, [1, 1, 1, 1], 4],
    [10, 3, 1, 2, [2, 2, 2, 2], 10],
    [1, 3, 1, 1, [1, 1, 1, 1], 1],
    [6, 1, 4, 1, [0, 0, 0, 0], 2],
  ])('in %i, k %i, s %i, d %i → pads %j, out %i', (n, k, s, d, pads, expected) => {
    expect(resolvePads('same', n, n, k, s, d)).toEqual(pads);
    expect(out(n, n, { kernel: k, stride: s, dilation: d, padding: 'same' }).hw).toEqual([expected, expected]);
    expect(expected).toBe(Math.ceil(n / s));
  });
});

describe('ceil mode (as PyTorch ceil_mode=True)', () => {
  it.each([
    // GoogLeNet's pools: 112 → 56 → 28 → 14 → 7
    [112, 3, 2, 0, 56],
    [56, 3, 2, 0, 28],
    [28, 3, 2, 0, 14],
    [14, 3, 2, 0, 7],
    [5, 2, 2, 0, 3],
    // The last window must start inside the input or its left padding (torch gives 3, not 4).
    [5, 2, 2, 1, 3],
    [4, 2, 2, 1, 3],
  ])('in %i, k %i, s %i, p %i → %i', (n, k, s, p, expected) => {
    expect(out(n, n, { kernel: k, stride: s, padding: p, ceil: true }).hw).toEqual([expected, expected]);
  });
  it('floor mode would give fewer', () => {
    expect(out(112, 112, { kernel: 3, stride: 2, padding: 0 }).hw).toEqual([55, 55]);
  });
});

describe('errors and warnings', () => {
  it('kernel larger than the padded input', () => {
    const r = out(4, 4, { kernel: 5, stride: 1, padding: 0 });
    expect(r.hw).toBeUndefined();
    expect(r.errors).toEqual(['kernel-too-large']);
    expect(out(4, 4, { kernel: 5, stride: 1, padding: 1 }).hw).toEqual([2, 2]);
  });
  it('stride beyond the kernel warns', () => {
    expect(out(9, 9, { kernel: 2, stride: 3, padding: 0 }).warnings).toEqual(['bad-stride']);
    expect(out(9, 9, { kernel: 1, stride: 2, padding: 0 }).warnings).toEqual([]);
  });
});
