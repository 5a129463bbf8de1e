/** The k most likely classes of a probability (Softmax) vector, with names from the document's labels. */
export interface ClassScore {
  index: number;
  label: string;
  probability: number;
}

export function topK(probabilities: ArrayLike<number>, k = 5, labels?: readonly string[]): ClassScore[] {
  const idx = Array.from({ length: probabilities.length }, (_, i) => i);
  idx.sort((a, b) => probabilities[b] - probabilities[a] || a - b);
  return idx.slice(0, k).map((i) => ({ index: i, label: labels?.[i] ?? `class ${i}`, probability: probabilities[i] }));
}

/** Whether a vector looks like probabilities (all in [0, 1], summing to ≈ 1). */
export function isProbabilityVector(v: ArrayLike<number>): boolean {
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    if (!(v[i] >= 0 && v[i] <= 1)) return false;
    sum += v[i];
  }
  return v.length > 0 && Math.abs(sum - 1) < 1e-3;
}
