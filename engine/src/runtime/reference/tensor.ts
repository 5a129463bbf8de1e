/** A tensor of the reference backend: float32, row-major, no batch dimension ([C, H, W] or [N]). */
export interface Tensor {
  shape: number[];
  data: Float32Array;
}

export function tensor(shape: readonly number[], data?: Float32Array): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  if (data && data.length !== n) throw new Error(`tensor: ${shape.join('×')} needs ${n} values, got ${data.length}`);
  return { shape: [...shape], data: data ?? new Float32Array(n) };
}

/** [C, H, W] of a feature map (a vector [N] reads as N×1×1). */
export function chw(t: Tensor): [number, number, number] {
  if (t.shape.length === 3) return [t.shape[0], t.shape[1], t.shape[2]];
  if (t.shape.length === 1) return [t.shape[0], 1, 1];
  throw new Error(`expected a C×H×W or [N] tensor, got ${t.shape.join('×')}`);
}
