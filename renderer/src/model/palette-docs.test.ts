import { describe, expect, it } from 'vitest';
import { paletteItem, PALETTE } from './palette';

describe('palette tooltips', () => {
  it('describe each activation itself, not ReLU', () => {
    expect(paletteItem('Activation-sigmoid')!.doc).toMatch(/^Sigmoid squashes every value into \(0, 1\)/);
    expect(paletteItem('Activation-tanh')!.doc).toMatch(/^Tanh squashes every value into \(−1, 1\)/);
    expect(paletteItem('Activation-leaky_relu')!.doc).toMatch(/^Leaky ReLU keeps positive values and multiplies negative ones by a small slope/);
    for (const key of ['Activation-sigmoid', 'Activation-tanh', 'Activation-leaky_relu']) expect(paletteItem(key)!.doc).not.toContain('zeroes negatives');
    // Every activation of the palette has words of its own.
    const docs = PALETTE.filter((p) => p.type === 'Activation').map((p) => p.doc);
    expect(new Set(docs).size).toBe(docs.length);
  });
});
