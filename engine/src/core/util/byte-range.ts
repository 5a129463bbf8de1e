/** The affine map of `values` onto 0–255 (their minimum to 0, maximum to 255); `scale` is 0 when all are equal. */
export function byteRange(values: ArrayLike<number>): { lo: number; scale: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return { lo, scale: hi > lo ? 255 / (hi - lo) : 0 };
}
