import { describe, expect, it } from 'vitest';
import { contrastRatio, textColorOn } from './contrast';
import { COLORMAPS, colorAt } from './colormap';

describe('WCAG contrast of text on data colours', () => {
  it('matches the WCAG definition: black on white is 21:1, and the W3C example #767676 on white is 4.54:1', () => {
    expect(contrastRatio([0, 0, 0], [255, 255, 255])).toBeCloseTo(21, 5);
    expect(contrastRatio([0x76, 0x76, 0x76], [255, 255, 255])).toBeCloseTo(4.54, 2);
  });

  it('the softer near-black #111 would not do: on a mid grey neither it nor white reaches 4.5:1', () => {
    const grey = [122, 122, 122] as const;
    expect(Math.max(contrastRatio([17, 17, 17], grey), contrastRatio([255, 255, 255], grey))).toBeLessThan(4.5);
  });

  it('picks the text colour that reaches 4.5:1 on every colour of every colormap', () => {
    for (const { name } of COLORMAPS) {
      for (let i = 0; i <= 100; i++) {
        const bg = colorAt(name, i / 100);
        const text = textColorOn(bg) === '#ffffff' ? ([255, 255, 255] as const) : ([0, 0, 0] as const);
        expect(contrastRatio(text, bg), `${name} at ${i}%`).toBeGreaterThanOrEqual(4.5);
      }
    }
  });
});
