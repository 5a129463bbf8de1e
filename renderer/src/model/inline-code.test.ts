import { describe, expect, it } from 'vitest';
import { inlineCodeParts, plainText } from './inline-code';
import { ops } from '../engine';

describe('inline code in descriptions', () => {
  it('splits at paired backticks', () => {
    expect(inlineCodeParts('Slides `filters` learned kernels; `rate` too.')).toEqual([
      { text: 'Slides ', code: false },
      { text: 'filters', code: true },
      { text: ' learned kernels; ', code: false },
      { text: 'rate', code: true },
      { text: ' too.', code: false },
    ]);
  });

  it('keeps an unpaired backtick and plain text as they are', () => {
    expect(inlineCodeParts('no code here')).toEqual([{ text: 'no code here', code: false }]);
    expect(plainText('a ` alone')).toBe('a ` alone');
  });

  it('leaves no backtick in any op’s tooltip text', () => {
    for (const op of ops.list()) expect(plainText(op.doc)).not.toContain('`');
    expect(plainText(ops.get('Conv2D')!.doc)).toContain('Slides filters learned kernels');
  });
});
