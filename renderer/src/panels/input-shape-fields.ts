/** The image-size prompt's three fields (channels × height × width): read, each checked against what an Input node accepts. */
import { INPUT_SHAPE_LIMITS, type InputShape } from '../engine';

export const INPUT_SHAPE_FIELDS = ['channels', 'height', 'width'] as const;
export type InputShapeField = (typeof INPUT_SHAPE_FIELDS)[number];

export interface ReadInputShape {
  /** All three are whole numbers in range. */
  shape?: InputShape;
  /** The fields that are not, with the largest each accepts (the smallest is 1). */
  invalid: { field: InputShapeField; max: number }[];
}

export function readInputShape(texts: readonly [string, string, string]): ReadInputShape {
  const values = texts.map((t) => (/^\s*\d+\s*$/.test(t) ? Number(t) : NaN));
  const invalid = INPUT_SHAPE_FIELDS.flatMap((field, i) => {
    const max = INPUT_SHAPE_LIMITS[field];
    return Number.isSafeInteger(values[i]) && values[i] >= 1 && values[i] <= max ? [] : [{ field, max }];
  });
  return invalid.length ? { invalid } : { shape: [values[0], values[1], values[2]], invalid };
}
