import { describe, expect, it } from 'vitest';
import { readInputShape } from './input-shape-fields';

describe('the image-size prompt’s fields', () => {
  it('three whole numbers in range are a shape', () => {
    expect(readInputShape(['3', '224', '224'])).toEqual({ shape: [3, 224, 224], invalid: [] });
    expect(readInputShape([' 1 ', '28', '65536'])).toEqual({ shape: [1, 28, 65536], invalid: [] });
  });

  it('names each field that is empty, not a whole number, or out of range, with its largest value', () => {
    expect(readInputShape(['', '2.5', '-3'])).toEqual({
      invalid: [
        { field: 'channels', max: 65536 },
        { field: 'height', max: 65536 },
        { field: 'width', max: 65536 },
      ],
    });
    expect(readInputShape(['0', '32', '65537']).invalid.map((i) => i.field)).toEqual(['channels', 'width']);
    expect(readInputShape(['3', '1e3', '32']).invalid.map((i) => i.field)).toEqual(['height']);
  });
});
