/** A tensor shape without the batch dimension: [C, H, W] for feature maps, [N] for vectors. */
export type Shape = readonly number[];

/** "64×56×56" — the form users read on edges and in messages. */
export function formatShape(shape: Shape): string {
  return shape.join('×');
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A kernel/stride/dilation value: one integer for both axes, or [h, w]. */
export type Pair = number | readonly [number, number];

export function pair(v: Pair): [number, number] {
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}

/** Padding as users write it. */
export type Padding = 'valid' | 'same' | number | readonly [number, number, number, number];

/** Explicit padding [top, left, bottom, right]. */
export type Pads = [number, number, number, number];
