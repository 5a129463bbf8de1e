import { describe, expect, it } from 'vitest';
import { cellWidthFor } from './cell-width';

const em = (w: string) => Number(w.replace('em', ''));

describe('cellWidthFor', () => {
  it('keeps small integer grids compact', () => {
    expect(cellWidthFor(['1', '0', '28'])).toBe('2.2em');
  });
  it('widens for long decimals so "-0.042" fits (6 monospace chars ≈ 3.7em + border)', () => {
    expect(em(cellWidthFor(['0.17', '-0.042']))).toBeGreaterThanOrEqual(6 * 0.62 + 0.5);
  });
  it('respects a larger minimum', () => {
    expect(cellWidthFor(['1'], 2.9)).toBe('2.9em');
  });
});
